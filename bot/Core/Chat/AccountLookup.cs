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

    /// <summary>What <paramref name="query"/> names among the accounts <paramref name="book"/> sees (a CSM's own, or all), found through the book's names index.</summary>
    public static Result Find(BookOfBusiness book, string query)
    {
        var q = AccountNames.KeyOf(query);
        if (q.Length == 0) return new NoMatch([]);
        var names = book.Names;
        var words = q.Split(' ');
        var starting = names.Starting(q).ToArray();
        var exact = book.AccountsAt(names.WithId(query.Trim()).Concat(starting.Where(p => names.KeyAt(p) == q)).Distinct().Order());
        if (exact.Count > 0) return One(exact);
        var prefixed = book.AccountsAt(starting);
        if (prefixed.Count > 0) return One(prefixed);
        var byWords = book.AccountsAt(names.WithAWordStarting(words[0]).Where(p => WordsStartWith(names.KeyAt(p), words)));
        if (byWords.Count > 0) return One(byWords);

        // Near misses: names whose start is within a few letters of what was typed, or whose first word is within one of its first word.
        var near = new List<(Account Account, int Distance)>();
        var accounts = book.Accounts;
        var startWithin = Math.Max(1, q.Length / 4);
        for (var i = 0; i < accounts.Count; i++)
        {
            var name = names.KeyAt(book.WholeBookPositionOf(i)).AsSpan();
            // Counted only as far as the bounds: beyond them a name is no near miss, and within them the smaller distance is exact.
            var start = CommandLanguage.Distance(q, name[..Math.Min(name.Length, q.Length)], startWithin);
            var first = CommandLanguage.Distance(words[0], name.IndexOf(' ') is var space and >= 0 ? name[..space] : name, Math.Max(1, startWithin));
            if (start <= startWithin || (words[0].Length >= 3 && first <= 1)) near.Add((accounts[i], Math.Min(start, first)));
        }
        return new NoMatch(near.OrderBy(x => x.Distance).ThenBy(x => x.Account.Name, StringComparer.OrdinalIgnoreCase).Take(5).Select(x => x.Account).ToArray());
    }

    private static Result One(IReadOnlyList<Account> matches) => matches.Count == 1
        ? new Found(matches[0])
        : new Ambiguous(matches.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToArray());

    /// <summary>Each typed word starts a word of the name, in the same order ("acme c" in "Acme Capital", "foods 2" in "Acme Foods #2").</summary>
    private static bool WordsStartWith(string name, string[] typed)
    {
        var rest = name.AsSpan();
        foreach (var word in typed)
        {
            while (true)
            {
                if (rest.IsEmpty) return false;
                var space = rest.IndexOf(' ');
                var nameWord = space < 0 ? rest : rest[..space];
                rest = space < 0 ? [] : rest[(space + 1)..];
                if (nameWord.StartsWith(word, StringComparison.Ordinal)) break;
            }
        }
        return true;
    }

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
