using System.Collections.Concurrent;
using System.Globalization;

namespace SuccessBot.Core.Language;

/// <summary>
/// Each team member's language as their chat last told it (a Slack user's `locale`, a Teams activity's, the local chat's
/// pick or Accept-Language), so that the nudges and digests they are sent between messages are in it too. Kept in the
/// store once <see cref="KeepIn"/> is given it, so a restarted host still writes to each member in their language.
/// </summary>
public sealed class MemberLanguages
{
    private readonly ConcurrentDictionary<string, CultureInfo> _told = new(StringComparer.OrdinalIgnoreCase);
    private Storage.IMemberLanguageStore? _store;

    /// <summary>Reads the languages told before, and keeps each one told from now on in <paramref name="store"/>.</summary>
    public void KeepIn(Storage.IMemberLanguageStore store)
    {
        foreach (var (email, language) in store.All())
            if (Languages.Match(language) is { } culture) _told.TryAdd(email, culture);
        _store = store;
    }

    /// <summary>Keeps the language a chat gave for <paramref name="email"/>; a locale SuccessBot is not written in, or none, changes nothing.</summary>
    public void Remember(string? email, string? locale)
    {
        if (string.IsNullOrWhiteSpace(email) || Languages.Match(locale) is not { } culture) return;
        var member = email.Trim();
        // Written only when it changes: a member's every message tells it again.
        if (_told.TryGetValue(member, out var known) && known.Name == culture.Name) return;
        // Stored first: when the store cannot take it, the next message tells it again and it is stored then.
        _store?.Save(member, culture.Name);
        _told[member] = culture;
    }

    public CultureInfo? Of(string email) => _told.GetValueOrDefault(email.Trim());
}
