using System.Collections.Concurrent;
using System.Globalization;

namespace SuccessBot.Core.Language;

/// <summary>
/// Each team member's language as their chat last told it (a Slack user's `locale`, a Teams activity's, the local chat's
/// pick or Accept-Language), so that the nudges and digests they are sent between messages are in it too. Kept in memory:
/// after a restart a member reads the team's language until they next write or click.
/// </summary>
public sealed class MemberLanguages
{
    private readonly ConcurrentDictionary<string, CultureInfo> _told = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Keeps the language a chat gave for <paramref name="email"/>; a locale SuccessBot is not written in, or none, changes nothing.</summary>
    public void Remember(string? email, string? locale)
    {
        if (string.IsNullOrWhiteSpace(email) || Languages.Match(locale) is not { } culture) return;
        _told[email.Trim()] = culture;
    }

    public CultureInfo? Of(string email) => _told.GetValueOrDefault(email.Trim());
}
