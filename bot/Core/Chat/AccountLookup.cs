using SuccessBot.Core.Domain;

namespace SuccessBot.Core.Chat;

/// <summary>
/// Finds an account by what a person types: its id or name, ignoring case and punctuation ("acme, inc." is "Acme Inc"),
/// or a prefix of the name, or of its words ("acme c" is "Acme Capital", "capital" too), that only one account has.
/// </summary>
public static class AccountLookup
{
    public abstract record Result;
    public sealed record Found(Account Account) : Result;
    public sealed record Ambiguous(IReadOnlyList<Account> Candidates) : Result;

    /// <summary>No account matches; <see cref="NearMisses"/> are names close to what was typed, nearest first.</summary>
    public sealed record NoMatch(IReadOnlyList<Account> NearMisses) : Result;

    public static Result Find(IEnumerable<Account> accounts, string query)
    {
        var q = Key(query);
        if (q.Length == 0) return new NoMatch([]);
        var keyed = accounts.Select(a => (Account: a, Name: KeyOf(a))).ToArray();
        var exact = keyed.Where(x => x.Name == q || string.Equals(x.Account.Id, query.Trim(), StringComparison.OrdinalIgnoreCase)).ToArray();
        if (exact.Length > 0) return One(exact);
        var prefixed = keyed.Where(x => x.Name.StartsWith(q, StringComparison.Ordinal)).ToArray();
        if (prefixed.Length > 0) return One(prefixed);
        var words = q.Split(' ');
        var byWords = keyed.Where(x => WordsStartWith(x.Name.Split(' '), words)).ToArray();
        if (byWords.Length > 0) return One(byWords);

        // Near misses: names whose start is within a few letters of what was typed, or whose first word is within one of its first word.
        var near = keyed
            .Select(x => (x.Account, Start: CommandLanguage.Distance(q, x.Name[..Math.Min(x.Name.Length, q.Length)]), First: CommandLanguage.Distance(words[0], x.Name.Split(' ')[0])))
            .Where(x => x.Start <= Math.Max(1, q.Length / 4) || (words[0].Length >= 3 && x.First <= 1))
            .OrderBy(x => Math.Min(x.Start, x.First)).ThenBy(x => x.Account.Name, StringComparer.OrdinalIgnoreCase)
            .Take(5).Select(x => x.Account).ToArray();
        return new NoMatch(near);
    }

    private static Result One((Account Account, string Name)[] matches) => matches.Length == 1
        ? new Found(matches[0].Account)
        : new Ambiguous(matches.Select(x => x.Account).OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToArray());

    /// <summary>Each typed word starts a word of the name, in the same order ("acme c" in "Acme Capital", "foods 2" in "Acme Foods #2").</summary>
    private static bool WordsStartWith(string[] name, string[] typed)
    {
        var at = 0;
        foreach (var word in typed)
        {
            while (at < name.Length && !name[at].StartsWith(word, StringComparison.Ordinal)) at++;
            if (at++ >= name.Length) return false;
        }
        return true;
    }

    // Each account's name is keyed once, not on every question: accounts are immutable and shared by the book's versions.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Account, string> Keys = new();

    private static string KeyOf(Account account) => Keys.GetValue(account, a => Key(a.Name));

    /// <summary>The name as compared: lower case, letters and digits, one space between words.</summary>
    private static string Key(string name) =>
        string.Join(' ', new string(name.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : ' ').ToArray()).Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The reply for a name that matched none or several accounts, in the asker's words.</summary>
    public static Reply NotFound(Result result, string query, AskContext context)
    {
        var w = context.Reader;
        var none = w[context.Asker.SeesWholeTeam ? "Lookup.NoMatch" : "Lookup.NoMatchOfYours", ("query", Format.Quote(query))];
        return result switch
        {
            Ambiguous many => Reply.Refusal(w["Lookup.WhichTitle"], w.Plural("Lookup.Ambiguous", many.Candidates.Count, ("query", Format.Quote(query))))
                with { Sections = [Reply.Section(w["Lookup.Candidates"], many.Candidates, a => $"{a.Name} ({a.Id})")] },
            NoMatch { NearMisses.Count: > 0 } near => Reply.Refusal(w["Lookup.NoSuchTitle"],
                    none + " " + w["Lookup.DidYouMean", ("names", w.List(near.NearMisses.Take(3).Select(a => $"`{a.Name}`").ToArray(), "Words.Or"))])
                with { Sections = [Reply.Section(w["Lookup.DidYouMeanHeading"], near.NearMisses, a => $"{a.Name} ({a.Id})")] },
            _ => Reply.Refusal(w["Lookup.NoSuchTitle"], none),
        };
    }
}
