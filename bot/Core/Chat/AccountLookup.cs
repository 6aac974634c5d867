using SuccessBot.Core.Domain;

namespace SuccessBot.Core.Chat;

/// <summary>Finds an account by what a person types: its id or name, case-insensitively, or a prefix of the name that only one account has.</summary>
public static class AccountLookup
{
    public abstract record Result;
    public sealed record Found(Account Account) : Result;
    public sealed record Ambiguous(IReadOnlyList<Account> Candidates) : Result;
    public sealed record NoMatch : Result;

    public static Result Find(IEnumerable<Account> accounts, string query)
    {
        var q = query.Trim();
        var list = accounts as IReadOnlyList<Account> ?? accounts.ToArray();
        var exact = list.Where(a => string.Equals(a.Name, q, StringComparison.OrdinalIgnoreCase) || string.Equals(a.Id, q, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (exact.Length == 1) return new Found(exact[0]);
        if (exact.Length > 1) return new Ambiguous(exact);
        var prefixed = list.Where(a => a.Name.StartsWith(q, StringComparison.OrdinalIgnoreCase)).OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToArray();
        return prefixed.Length switch
        {
            0 => new NoMatch(),
            1 => new Found(prefixed[0]),
            _ => new Ambiguous(prefixed),
        };
    }

    /// <summary>The reply for a name that matched none or several accounts.</summary>
    public static Reply NotFound(Result result, string query, AskContext context) => result switch
    {
        Ambiguous many => Reply.Refusal("Which account?", $"\"{Format.Quote(query)}\" matches {Format.Count(many.Candidates.Count)} accounts; type more of the name.")
            with { Sections = [Reply.Section("Candidates", many.Candidates, a => $"{a.Name} ({a.Id})")] },
        _ => Reply.Refusal("No such account", $"No account {(context.Asker.SeesWholeTeam ? "" : "of yours ")}matches \"{Format.Quote(query)}\"."),
    };
}
