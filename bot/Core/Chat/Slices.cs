using SuccessBot.Core.Domain;

namespace SuccessBot.Core.Chat;

/// <summary>A <see cref="Slice"/> read against the book: the accounts a figure counts, what its title adds, and the groups it is split into.</summary>
public sealed record BookSlice(Func<Account, bool> Includes, string Title, Breakdown By)
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
    public string Heading => "By " + By.ToString().ToLowerInvariant();

    private string GroupOf(Account account) => By switch
    {
        Breakdown.Segment => account.Segment ?? "(no segment)",
        Breakdown.Plan => account.Plan ?? "(no plan)",
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
        if (slice.By == Breakdown.Owner && !context.Asker.SeesWholeTeam)
        {
            refusal = Reply.Refusal("By owner is for managers", "You see your own accounts, so every figure you ask for is already yours alone; a manager sees one line per owner.",
                "Ask without `by owner`, or split by `segment` or `plan`.");
            return null;
        }
        var title = slice.By == Breakdown.None ? "" : " · by " + slice.By.ToString().ToLowerInvariant();
        if (slice.For is not { } asked) return new BookSlice(_ => true, title, slice.By);

        var accounts = context.Book.Accounts;
        if (asked.Contains('@'))
        {
            var email = asked.Trim();
            if (!context.Asker.SeesWholeTeam && !string.Equals(email, context.Asker.Email, StringComparison.OrdinalIgnoreCase))
            {
                refusal = Reply.Refusal("Only your own accounts", $"You see figures for your own accounts; figures for {Format.Quote(email)} are for a manager.");
                return null;
            }
            if (!accounts.Any(a => Owns(a, email)))
            {
                refusal = Reply.Refusal("No such owner", $"No {(context.Asker.SeesWholeTeam ? "" : "account of yours ")}is owned by {Format.Quote(email)}.",
                    $"Owners: {string.Join(", ", accounts.Select(a => a.OwnerEmail).Distinct(StringComparer.OrdinalIgnoreCase).Order().Take(20))}.");
                return null;
            }
            return new BookSlice(a => Owns(a, email), $"{title} · for {email}", slice.By);
        }

        var key = Key(asked);
        if (Named(accounts.Select(a => a.Segment), key) is { } segment)
            return new BookSlice(a => string.Equals(a.Segment, segment, StringComparison.OrdinalIgnoreCase), $"{title} · for {segment}", slice.By);
        if (Named(accounts.Select(a => a.Plan), key) is { } plan)
            return new BookSlice(a => string.Equals(a.Plan, plan, StringComparison.OrdinalIgnoreCase), $"{title} · for the {plan} plan", slice.By);
        // "for ana" is the owner whose address starts so, when only one does.
        var owners = accounts.Select(a => a.OwnerEmail).Distinct(StringComparer.OrdinalIgnoreCase).Where(o => Key(o.Split('@')[0]).StartsWith(key, StringComparison.Ordinal)).ToArray();
        if (key.Length >= 3 && owners.Length == 1 && (context.Asker.SeesWholeTeam || string.Equals(owners[0], context.Asker.Email, StringComparison.OrdinalIgnoreCase)))
            return new BookSlice(a => Owns(a, owners[0]), $"{title} · for {owners[0]}", slice.By);

        var known = $"Segments: {List(accounts.Select(a => a.Segment))}. Plans: {List(accounts.Select(a => a.Plan))}.";
        refusal = slice.Guessed
            ? Reply.Refusal("Not understood", $"I didn't understand \"{Format.Quote(asked)}\": no segment, plan or owner is called so.", $"{known} {CommandLanguage.ExamplesFor(context.Asker.Role)}")
            : Reply.Refusal("Which accounts?", $"No segment, plan or owner is called \"{Format.Quote(asked)}\".", $"{known} For an owner, type their email.");
        return null;
    }

    private static bool Owns(Account account, string email) => string.Equals(account.OwnerEmail, email, StringComparison.OrdinalIgnoreCase);

    /// <summary>The name among <paramref name="names"/> that reads as <paramref name="key"/> ("mid market" is "Mid-Market", "enterprises" is "Enterprise").</summary>
    private static string? Named(IEnumerable<string?> names, string key) =>
        names.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).FirstOrDefault(n => Key(n) == key || Key(n) + "s" == key);

    private static string Key(string text) => new(text.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());

    private static string List(IEnumerable<string?> names)
    {
        var distinct = names.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToArray();
        return distinct.Length == 0 ? "none" : string.Join(", ", distinct);
    }
}
