using SuccessBot.Core.Domain;
using SuccessBot.Core.Language;

namespace SuccessBot.Core.Chat;

/// <summary>A <see cref="Slice"/> read against the book: the accounts a figure counts, what its title adds, and the groups it is split into, in the asker's words.</summary>
public sealed record BookSlice(Func<Account, bool> Includes, string Title, Breakdown By, Reader Words)
{
    /// <summary>One group per segment, plan or owner of the included accounts, named as the book names it; none without a breakdown.</summary>
    public IReadOnlyList<(string Name, Func<Account, bool> Includes)> Groups(IEnumerable<Account> accounts)
    {
        if (By == Breakdown.None) return [];
        return accounts.Where(Includes).Select(GroupOf).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)
            .Select(name => (name, (Func<Account, bool>)(a => Includes(a) && string.Equals(GroupOf(a), name, StringComparison.OrdinalIgnoreCase))))
            .ToArray();
    }

    /// <summary>"By segment", "By plan", "By owner".</summary>
    public string Heading => Words[$"Slice.Heading{By}"];

    private string GroupOf(Account account) => By switch
    {
        Breakdown.Segment => account.Segment ?? Words["Slice.NoSegment"],
        Breakdown.Plan => account.Plan ?? Words["Slice.NoPlan"],
        _ => account.OwnerEmail,
    };
}

/// <summary>Reads "for enterprise", "for anna@example.com" and "by owner" against the accounts the asker may see.</summary>
public static class Slices
{
    /// <summary>The slice to answer, or null with <paramref name="refusal"/> saying why it cannot be answered.</summary>
    public static BookSlice? Resolve(Slice slice, AskContext context, out Reply? refusal)
    {
        refusal = null;
        var w = context.Reader;
        if (slice.By == Breakdown.Owner && !context.Asker.SeesWholeTeam)
        {
            refusal = Reply.Refusal(w["Slice.ByOwnerTitle"], w["Slice.ByOwner"], w["Slice.ByOwnerNote"]);
            return null;
        }
        var title = slice.By == Breakdown.None ? "" : " · " + w[$"Slice.Title{slice.By}"];
        if (slice.For is not { } asked) return new BookSlice(_ => true, title, slice.By, w);

        var accounts = context.Book.Accounts;
        if (asked.Contains('@'))
        {
            var email = asked.Trim();
            if (!context.Asker.SeesWholeTeam && !string.Equals(email, context.Asker.Email, StringComparison.OrdinalIgnoreCase))
            {
                refusal = Reply.Refusal(w["Slice.OnlyYoursTitle"], w["Slice.OnlyYours", ("email", Format.Quote(email))]);
                return null;
            }
            if (!accounts.Any(a => Owns(a, email)))
            {
                refusal = Reply.Refusal(w["Slice.NoOwnerTitle"], w[context.Asker.SeesWholeTeam ? "Slice.NoOwner" : "Slice.NoOwnerOfYours", ("email", Format.Quote(email))],
                    w["Slice.Owners", ("owners", string.Join(", ", accounts.Select(a => a.OwnerEmail).Distinct(StringComparer.OrdinalIgnoreCase).Order().Take(20)))]);
                return null;
            }
            return new BookSlice(a => Owns(a, email), title + " · " + w["Slice.For", ("name", email)], slice.By, w);
        }

        var key = Key(asked);
        if (Named(accounts.Select(a => a.Segment), key) is { } segment)
            return new BookSlice(a => string.Equals(a.Segment, segment, StringComparison.OrdinalIgnoreCase), title + " · " + w["Slice.For", ("name", segment)], slice.By, w);
        if (Named(accounts.Select(a => a.Plan), key) is { } plan)
            return new BookSlice(a => string.Equals(a.Plan, plan, StringComparison.OrdinalIgnoreCase), title + " · " + w["Slice.ForPlan", ("plan", plan)], slice.By, w);
        // "for ana" is the owner whose address starts so, when only one does.
        var owners = accounts.Select(a => a.OwnerEmail).Distinct(StringComparer.OrdinalIgnoreCase).Where(o => Key(o.Split('@')[0]).StartsWith(key, StringComparison.Ordinal)).ToArray();
        if (key.Length >= 3 && owners.Length == 1 && (context.Asker.SeesWholeTeam || string.Equals(owners[0], context.Asker.Email, StringComparison.OrdinalIgnoreCase)))
            return new BookSlice(a => Owns(a, owners[0]), title + " · " + w["Slice.For", ("name", owners[0])], slice.By, w);

        var known = w["Slice.Known", ("segments", List(w, accounts.Select(a => a.Segment))), ("plans", List(w, accounts.Select(a => a.Plan)))];
        refusal = slice.Guessed
            ? Reply.Refusal(w["Refusal.NotUnderstoodTitle"], w["Slice.NotUnderstood", ("text", Format.Quote(asked))], $"{known} {CommandLanguage.ExamplesFor(w, context.Asker.Role)}")
            : Reply.Refusal(w["Slice.WhichTitle"], w["Slice.NoSuchName", ("text", Format.Quote(asked))], $"{known} {w["Slice.TypeEmail"]}");
        return null;
    }

    private static bool Owns(Account account, string email) => string.Equals(account.OwnerEmail, email, StringComparison.OrdinalIgnoreCase);

    /// <summary>The name among <paramref name="names"/> that reads as <paramref name="key"/> ("mid market" is "Mid-Market", "enterprises" is "Enterprise").</summary>
    private static string? Named(IEnumerable<string?> names, string key) =>
        names.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).FirstOrDefault(n => Key(n) == key || Key(n) + "s" == key);

    private static string Key(string text) => new(text.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());

    private static string List(Reader w, IEnumerable<string?> names)
    {
        var distinct = names.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToArray();
        return distinct.Length == 0 ? w["Slice.None"] : string.Join(", ", distinct);
    }
}
