using SuccessBot.Core.Time;

namespace SuccessBot.Core.Chat;

/// <summary>Who a command is for: the customer success team, or the customers who answer surveys.</summary>
public enum Audience { Team, Customers }

/// <summary>What a command was read with: its period, or the account it names (as typed) and whether `force` was added; <see cref="ByMonth"/>: "by month" was asked.</summary>
public sealed record Reading(Period? Period, string Account, bool Force, bool ByMonth = false);

/// <summary>
/// One command of the chat language: its verb, the other words people use for it, how it is used, and what it takes:
/// a period (<see cref="DefaultPeriod"/> set; <see cref="LooksAhead"/> for figures about the future), an account, or nothing.
/// </summary>
public sealed record CommandSpec(string Verb, string[] Synonyms, string Usage, string Example, string Description, Func<Reading, ChatCommand> Make)
{
    public Audience Audience { get; init; } = Audience.Team;
    public string? DefaultPeriod { get; init; }
    public bool LooksAhead { get; init; }
    public bool TakesAccount { get; init; }

    /// <summary>Answers `by segment|plan|owner` and `for SEGMENT|PLAN|EMAIL`.</summary>
    public bool Sliceable { get; init; }

    /// <summary>The verb of the same figure over time, drawn: what "churn over time", "monthly churn" or "a chart of churn" ask for.</summary>
    public string? Trend { get; init; }

    /// <summary>A figure over time, drawn (`churn trend`): more words asking for a chart are read as part of it.</summary>
    public bool IsTrend { get; init; }

    /// <summary>A trend by quarter that "by month" draws by month instead, from this default period.</summary>
    public string? DefaultPeriodByMonth { get; init; }

    /// <summary>For managers only: help lists it for them, and app menus (shown to everyone) leave it out.</summary>
    public bool ManagersOnly { get; init; }
}

/// <summary>
/// The one reader every channel uses. It reads a message the way a person means it: punctuation, backticks, capitals,
/// filler words and word order do not matter, synonyms count, and the period, breakdown and filter may stand anywhere
/// ("what was churn in october?", "show me at risk accounts", "nps last quarter by segment").
/// </summary>
public static class CommandLanguage
{
    public static readonly IReadOnlyList<CommandSpec> Commands =
    [
        new("churn", ["churned", "churning", "churns", "cancellations", "cancellation", "cancelled", "canceled", "cancels", "lost accounts", "accounts lost",
                "lost", "lose", "who left", "attrition", "logo churn", "mrr churn"],
            "churn [PERIOD]", "churn last month", "logo and MRR churn, who left and why (default: last month); add `trend` for a chart",
            r => new ChurnCommand(r.Period!)) { DefaultPeriod = "last month", Sliceable = true, Trend = "churn trend" },
        new("churn trend", ["churn trends", "churn chart", "churn graph", "churn history"],
            "churn trend [PERIOD]", "churn trend", "monthly logo and gross MRR churn as a chart, with the period's average (default: the last 12 complete months)",
            r => new ChurnTrendCommand(r.Period!)) { DefaultPeriod = "last 12 months", Sliceable = true, IsTrend = true },
        new("retention", ["retained", "retain", "net retention", "gross retention", "revenue retention", "net revenue retention", "nrr", "grr"],
            "retention [PERIOD]", "retention last 12 months", "logo, gross and net MRR retention of the accounts active at the start (default: last 12 months); add `trend` for a chart of cohorts",
            r => new RetentionCommand(r.Period!)) { DefaultPeriod = "last 12 months", Sliceable = true, Trend = "retention trend" },
        new("retention trend", ["retention trends", "retention chart", "retention graph", "cohort retention", "retention cohorts", "retention by cohort", "cohorts"],
            "retention trend [PERIOD]", "retention trend", "logo and net MRR retention of each monthly cohort (the accounts that started that month), as a chart (default: last 12 months)",
            r => new RetentionTrendCommand(r.Period!)) { DefaultPeriod = "last 12 months", Sliceable = true, IsTrend = true },
        new("nps send", ["send nps", "send survey", "send surveys", "send a survey", "send the survey", "survey send"],
            "nps send ACCOUNT [force]", "nps send ACME", "survey the account's contacts now (the 90-day cooldown holds unless you add `force`)",
            r => new NpsSendCommand(r.Account, r.Force)) { TakesAccount = true },
        new("nps", ["net promoter score", "net promoter", "promoter score", "nps score"],
            "nps [PERIOD]", "nps this quarter", "NPS with promoters, passives, detractors and the change (default: this quarter); add `trend` for a chart",
            r => new NpsCommand(r.Period!)) { DefaultPeriod = "this quarter", Sliceable = true, Trend = "nps trend" },
        new("nps trend", ["nps trends", "nps chart", "nps graph", "nps history"],
            "nps trend [PERIOD] [by month]", "nps trend", "NPS per quarter (per month with `by month`) with the answers behind each point, and promoters, passives and detractors, as charts (default: the last 4 quarters, or 12 months)",
            r => new NpsTrendCommand(r.Period!, r.ByMonth)) { DefaultPeriod = "last 4 quarters", DefaultPeriodByMonth = "last 12 months", Sliceable = true, IsTrend = true },
        new("health", ["health score", "health check", "healthy"],
            "health ACCOUNT", "health ACME", "an account's health band and what drives it",
            r => new HealthCommand(r.Account)) { TakesAccount = true },
        new("health accuracy", ["alert accuracy", "alerts accuracy", "health score accuracy", "health backtest", "backtest", "accuracy"],
            "health accuracy", "health accuracy", "managers: how well the alerts foretold last year's cancellations (recall, precision, lead time)",
            _ => new HealthAccuracyCommand()) { ManagersOnly = true },
        new("renewals", ["renewal", "renewing", "renews", "renew", "up for renewal", "due for renewal", "coming up"],
            "renewals [PERIOD]", "renewals next 30 days", "accounts renewing, their MRR, owner and health (default: next 30 days)",
            r => new RenewalsCommand(r.Period!)) { DefaultPeriod = "next 30 days", LooksAhead = true, Sliceable = true },
        new("at-risk", ["at risk", "atrisk", "risk", "risky", "in danger", "endangered", "poor health", "churn risk", "risk of churn", "risk of churning"],
            "at-risk", "at-risk", "active accounts in poor health or with falling usage",
            _ => new AtRiskCommand()) { Sliceable = true },
        new("clv", ["ltv", "lifetime value", "customer lifetime value", "life time value"],
            "clv", "clv", "customer lifetime value, and what churned accounts paid",
            _ => new ClvCommand()),
        new("adoption", ["adopted", "adopting", "feature adoption"],
            "adoption [PERIOD]", "adoption last 30 days", "share of active accounts using every core feature (default: last 30 days)",
            r => new AdoptionCommand(r.Period!)) { DefaultPeriod = "last 30 days" },
        new("ttv", ["time to value", "time-to-value", "time to first value", "first value"],
            "ttv [PERIOD]", "ttv last 6 months", "median days from start to first use of a core feature (default: last 12 months)",
            r => new TimeToValueCommand(r.Period!)) { DefaultPeriod = "last 12 months" },
        new("stop", ["unsubscribe", "stop surveys", "no more surveys", "opt out"],
            "stop", "stop", "customers: no more surveys",
            _ => new StopSurveysCommand()) { Audience = Audience.Customers },
        new("help", ["commands", "what can you do", "what can i ask", "how does this work"],
            "help", "help", "this list",
            _ => new HelpCommand()),
    ];

    /// <summary>Words that carry no meaning of their own in a question ("what was", "show me", "please", "for", "in", "over the", "how many").</summary>
    private static readonly HashSet<string> Filler = new(StringComparer.Ordinal)
    {
        "what", "what's", "whats", "which", "who", "how", "many", "much", "was", "were", "is", "are", "be", "been", "it", "its", "there",
        "the", "a", "an", "our", "my", "me", "us", "we", "i", "you", "your", "all", "any", "of", "for", "in", "on", "at", "over", "during",
        "from", "to", "with", "and", "by", "per", "show", "tell", "give", "list", "get", "see", "let", "know", "like", "i'd", "can", "could",
        "would", "please", "pls", "thanks", "thank", "hi", "hey", "hello", "so", "far", "now", "currently", "right", "just", "only", "also",
        "did", "do", "does", "have", "has", "had", "got", "accounts", "account", "customers", "customer", "clients", "client", "rate", "rates",
        "figure", "figures", "number", "numbers", "score", "total", "overall", "team", "whole", "report", "stats", "metrics", "data",
        "looking", "look", "up", "about", "time", "period", "them", "that", "these", "those", "happened", "owned", "each", "every",
        "split", "broken", "down", "breakdown", "grouped", "group", "want", "need", "quick", "check", "bot", "successbot", "summary",
        "doing", "going", "upcoming", "recent", "recently", "may", "might", "shall", "should", "will",
    };

    /// <summary>Words that start a filter ("for enterprise"), when what follows them is not a period.</summary>
    private static readonly string[] ForWords = ["for", "of"];

    /// <summary>Words that start a breakdown ("by segment"), or an owner ("owned by anna@example.com").</summary>
    private static readonly string[] ByWords = ["by", "per"];

    /// <summary>Words that show someone meant a period, so an unread one is reported as a period.</summary>
    private static readonly HashSet<string> PeriodWords = new(StringComparer.Ordinal)
    {
        "last", "next", "past", "previous", "this", "since", "between", "until", "ytd", "qtd", "mtd",
        "day", "days", "week", "weeks", "month", "months", "quarter", "quarters", "year", "years",
    };

    private static readonly string[] PronounsNotAccounts = ["we", "us", "things", "you", "i", "it", "everything", "everyone", "the team", "our team", "business"];

    public static ChatCommand Parse(string? message, DateOnly today)
    {
        var text = string.Join(' ', (message ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length == 0) return new NotUnderstood(new("Parse.Empty"));
        if (text.Length > 500) return new NotUnderstood(new("Parse.TooLong", ("length", text.Length)));

        var words = Words.Of(text);
        if (words.Count == 0) return text.Trim('`', '\'', '"', ' ') == "?" ? new HelpCommand() : new NotUnderstood(new("Parse.NotUnderstood", ("text", Format.Quote(text))));
        var share = words.Count > 1 && words.Lower(words.Count - 1) == "share";
        if (share) words.RemoveLast();

        var command = Read(words, today, text);
        return command with { Share = share };
    }

    private static ChatCommand Read(Words words, DateOnly today, string text)
    {
        var topics = Topics(words);
        if (topics.Count == 0)
        {
            if (HowIsItDoing(words) is { } account) return new HealthCommand(account);
            return new NotUnderstood(new("Parse.NotUnderstood", ("text", Format.Quote(text))), Nearest: Nearest(words));
        }

        var (spec, at, length) = topics[0];
        if (spec.TakesAccount) return ReadAccount(spec, words, at, length);
        var specs = topics.Select(t => t.Spec).Distinct().ToArray();
        if (specs.Length > 1)
            return new NotUnderstood(new("Parse.MoreThanOne", ("text", Format.Quote(text)), ("verbs", specs.Select(s => $"`{s.Verb}`").ToArray())));
        foreach (var (_, start, count) in topics) words.Consume(start, count);
        // "churn over time", "monthly churn", "a chart of nps by month": the figure's trend.
        var trend = spec.IsTrend ? spec : spec.Trend is { } verb ? Commands.First(c => c.Verb == verb) : null;
        var byMonth = false;
        if (trend is not null && ReadTrendWords(words, quarters: trend.DefaultPeriodByMonth is not null, out byMonth)) spec = trend;

        var period = FindPeriod(words, today, spec.LooksAhead);
        if (period is not null && FindPeriod(words, today, spec.LooksAhead) is { } second)
            return new NotUnderstood(new("Parse.TwoPeriods", ("first", Format.Quote(period.Value.Words)), ("second", Format.Quote(second.Words))), Nearest: spec.Verb);
        var slice = FindSlice(words, out var badBreakdown);
        if (badBreakdown is not null)
            return new NotUnderstood(new("Parse.BadBreakdown", ("what", Format.Quote(badBreakdown))), new("Parse.BreakdownExample", ("verb", spec.Verb)));

        var unread = words.Unread().Where(w => !Filler.Contains(w.Lower)).ToArray();
        if (unread.Length > 0)
        {
            var unreadText = string.Join(' ', unread.Select(w => w.Original));
            if (spec.DefaultPeriod is not null && unread.Any(w => LooksLikePeriod(w.Lower)))
                return new NotUnderstood(new("Parse.NotAPeriod", ("text", Format.Quote(unreadText))), new("Parse.PeriodsLookLike", ("examples", new Language.Said("Help.PeriodExamples"))), spec.Verb);
            // "enterprise churn": words left over may name a segment, plan or owner; the answer finds out, against the book.
            if (!spec.Sliceable || slice.For is not null)
                return new NotUnderstood(new("Parse.ReadVerbNotRest", ("verb", spec.Verb), ("text", Format.Quote(unreadText))), Nearest: spec.Verb);
            slice = slice with { For = unreadText, Guessed = true };
        }

        if (!slice.IsWhole && !spec.Sliceable)
            return new NotUnderstood(new("Parse.NoSlice", ("verb", spec.Verb)), Nearest: spec.Verb);
        if (spec.DefaultPeriod is null)
        {
            // "at risk today" asks for what at-risk always answers; any other period is a different question.
            if (period is { Period.Label: not "today" } asked)
                return new NotUnderstood(new("Parse.TakesNoPeriod", ("verb", spec.Verb), ("text", Format.Quote(asked.Words))), Nearest: spec.Verb);
            return spec.Make(new Reading(null, "", false)) with { Slice = slice };
        }

        var chosen = period?.Period ?? PeriodParser.TryParse(byMonth && spec.DefaultPeriodByMonth is { } monthly ? monthly : spec.DefaultPeriod, today, spec.LooksAhead)!;
        if (!spec.LooksAhead)
        {
            // A look-back figure over days still to come: "churn next month" is a question for later.
            if (chosen.Start > today || (chosen.Start == today && chosen.EndExclusive > today.AddDays(1) && chosen.CalendarMonths is null))
                return new NotUnderstood(new(chosen.Start > today ? "Parse.NotStarted" : "Parse.StillToCome", ("period", chosen), ("verb", spec.Verb)), new("Parse.TryLastMonth"));
            chosen = chosen.UpTo(today);
        }
        return spec.Make(new Reading(chosen, "", false, byMonth)) with { Slice = slice };
    }

    private static readonly string[][] TrendPhrases =
        [["trend"], ["trends"], ["trending"], ["chart"], ["charts"], ["graph"], ["graphs"], ["plot"], ["over", "time"], ["history"], ["historical"]];

    private static readonly string[][] MonthPhrases = [["month", "by", "month"], ["by", "month"], ["per", "month"], ["each", "month"], ["every", "month"], ["monthly"]];

    private static readonly string[][] QuarterPhrases = [["quarter", "by", "quarter"], ["by", "quarter"], ["per", "quarter"], ["each", "quarter"], ["every", "quarter"], ["quarterly"]];

    /// <summary>
    /// Reads the words that ask for a figure over time ("trend", "chart", "over time", "by month"); true when there were any.
    /// <paramref name="byMonth"/>: a month phrase was among them. Quarter phrases are read for a trend that is by quarter unless asked by month.
    /// </summary>
    private static bool ReadTrendWords(Words words, bool quarters, out bool byMonth)
    {
        byMonth = false;
        var found = false;
        for (var i = 0; i < words.Count; i++)
        {
            foreach (var (phrases, monthly) in new[] { (MonthPhrases, true), (QuarterPhrases, false), (TrendPhrases, false) })
            {
                if (phrases == QuarterPhrases && !quarters) continue;
                if (phrases.FirstOrDefault(p => words.Matches(i, p)) is not { } phrase) continue;
                words.Consume(i, phrase.Length);
                (found, byMonth) = (true, byMonth || monthly);
                break;
            }
        }
        return found;
    }

    /// <summary>The commands named in the message, longest wording first at each place, in the order they appear.</summary>
    private static List<(CommandSpec Spec, int At, int Length)> Topics(Words words)
    {
        var found = new List<(CommandSpec, int, int)>();
        for (var i = 0; i < words.Count;)
        {
            var best = Phrases.Where(p => words.Matches(i, p.Words)).OrderByDescending(p => p.Words.Length).FirstOrDefault();
            if (best.Spec is null) { i++; continue; }
            found.Add((best.Spec, i, best.Words.Length));
            i += best.Words.Length;
        }
        // "accounts at risk of churn" asks for at-risk; "help with churn" for churn.
        var dropped = found.Where(f => (f.Item1.Verb == "churn" && found.Any(o => o.Item1.Verb == "at-risk")) || (f.Item1.Verb == "help" && found.Any(o => o.Item1.Verb != "help"))).ToArray();
        foreach (var (_, at, length) in dropped) words.Consume(at, length);
        return found.Except(dropped).ToList();
    }

    private static readonly (CommandSpec Spec, string[] Words)[] Phrases =
        Commands.SelectMany(c => c.Synonyms.Prepend(c.Verb).Select(s => (c, s.Split(' ')))).ToArray();

    /// <summary>"health acme c", "what's acme c's health?", "nps send ACME force": the account is what stands after the command, or before it.</summary>
    private static ChatCommand ReadAccount(CommandSpec spec, Words words, int at, int length)
    {
        var after = Edges(words.Range(at + length, words.Count)).ToList();
        var force = spec.Verb == "nps send" && after.Count > 0 && after[^1].Lower == "force";
        if (force) after.RemoveAt(after.Count - 1);
        var account = after.Count > 0 ? after : Edges(words.Range(0, at)).ToList();
        var name = Name(account);
        return name.Length == 0 ? new NotUnderstood(new("Parse.NeedsAccount", ("verb", spec.Verb)), new("Parse.ForExample", ("example", spec.Example))) : spec.Make(new Reading(null, name, force));
    }

    /// <summary>"how is Acme Capital doing?" asks for the health of Acme Capital.</summary>
    private static string? HowIsItDoing(Words words)
    {
        var verbs = new[] { "is", "are", "how's", "hows" };
        var start = Enumerable.Range(0, words.Count).FirstOrDefault(i => words.Lower(i) is "how" or "how's" or "hows", -1);
        var end = Enumerable.Range(0, words.Count).LastOrDefault(i => words.Lower(i) is "doing" or "going" or "looking", -1);
        if (start < 0 || end <= start) return null;
        var from = words.Lower(start) is "how's" or "hows" ? start + 1 : start + 1 < words.Count && verbs.Contains(words.Lower(start + 1)) ? start + 2 : -1;
        if (from < 0 || from >= end) return null;
        var name = Name(Edges(words.Range(from, end)).ToList());
        return name.Length == 0 || PronounsNotAccounts.Contains(name.ToLowerInvariant()) ? null : name;
    }

    private static readonly HashSet<string> NameEdges = new(StringComparer.Ordinal)
    {
        "what", "what's", "whats", "how", "how's", "is", "was", "are", "the", "of", "for", "on", "about", "show", "me", "tell", "give", "please",
        "account", "accounts", "score", "check", "doing", "now", "today", "looking", "like", "us", "our", "to", "send",
    };

    private static IEnumerable<Word> Edges(IReadOnlyList<Word> words) =>
        words.SkipWhile(w => NameEdges.Contains(w.Lower)).Reverse().SkipWhile(w => NameEdges.Contains(w.Lower)).Reverse();

    /// <summary>The account as typed, without a possessive at the end ("acme c's" is "acme c").</summary>
    private static string Name(IReadOnlyList<Word> words)
    {
        var name = string.Join(' ', words.Select(w => w.Original));
        return name.EndsWith("'s", StringComparison.OrdinalIgnoreCase) ? name[..^2] : name;
    }

    private static readonly string[] MonthNames = System.Globalization.CultureInfo.InvariantCulture.DateTimeFormat.MonthNames
        .Where(m => m.Length > 0).Select(m => m.ToLowerInvariant()).ToArray();

    /// <summary>A word someone wrote for a period: a period word, a number, or a month misspelt ("octobr", "janaury").</summary>
    private static bool LooksLikePeriod(string word) =>
        PeriodWords.Contains(word) || word.Any(char.IsDigit)
        || (word.Length >= 4 && (MonthNames.Any(m => Distance(word, m) <= 2) || PeriodWords.Any(p => p.Length >= 4 && Distance(word, p) <= 1)));

    /// <summary>The longest run of unread words that is a period, leftmost first; its words are then read.</summary>
    private static (Period Period, string Words)? FindPeriod(Words words, DateOnly today, bool ahead)
    {
        for (var i = 0; i < words.Count; i++)
        {
            for (var length = Math.Min(6, words.Count - i); length >= 1; length--)
            {
                if (!words.AllUnread(i, length) || PeriodParser.TryParse(words.Text(i, length), today, ahead) is not { } period) continue;
                // "may I see churn for last month": a "may" that asks is not the month.
                if (length == 1 && words.Lower(i) == "may" && i + 1 < words.Count && words.Lower(i + 1) is "i" or "we") continue;
                words.Consume(i, length);
                return (period, words.Original(i, length));
            }
        }
        return null;
    }

    private static readonly Dictionary<string, Breakdown> BreakdownWords = new(StringComparer.Ordinal)
    {
        ["segment"] = Breakdown.Segment, ["segments"] = Breakdown.Segment,
        ["plan"] = Breakdown.Plan, ["plans"] = Breakdown.Plan, ["tier"] = Breakdown.Plan, ["tiers"] = Breakdown.Plan,
        ["owner"] = Breakdown.Owner, ["owners"] = Breakdown.Owner, ["csm"] = Breakdown.Owner, ["csms"] = Breakdown.Owner, ["rep"] = Breakdown.Owner, ["reps"] = Breakdown.Owner,
    };

    /// <summary>"by segment", "per csm", "for enterprise", "for anna@example.com", "owned by anna@example.com": read after the period, so "for last month" stays a period.</summary>
    private static Slice FindSlice(Words words, out string? badBreakdown)
    {
        badBreakdown = null;
        var by = Breakdown.None;
        string? only = null;
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (words.IsRead(i) || words.IsRead(i + 1) || !ByWords.Contains(words.Lower(i))) continue;
            var next = words.Lower(i + 1);
            if (next.Contains('@')) only ??= words.Original(i + 1, 1);
            else if (BreakdownWords.TryGetValue(next, out var b)) by = b;
            else if (!Filler.Contains(next) && !PeriodWords.Contains(next)) { badBreakdown = words.Original(i, 2); return Slice.Whole; }
            else continue;
            words.Consume(i, 2);
        }
        for (var i = 0; i < words.Count && only is null; i++)
        {
            if (words.IsRead(i)) continue;
            if (words.Lower(i).Contains('@')) { only = words.Original(i, 1); words.Consume(i, 1); break; }
            if (!ForWords.Contains(words.Lower(i))) continue;
            var first = i + 1;
            while (first < words.Count && !words.IsRead(first) && words.Lower(first) is "the" or "all" or "our" or "each" or "every") first++;
            var end = first;
            // An email is one word: "for anna@example.com" ends there.
            if (first < words.Count && !words.IsRead(first) && words.Lower(first).Contains('@')) end = first + 1;
            else while (end < words.Count && !words.IsRead(end) && !Filler.Contains(words.Lower(end)) && !PeriodWords.Contains(words.Lower(end)) && !words.Lower(end).Contains('@')) end++;
            if (end == first) continue;
            // "for each segment" is a breakdown, not a filter.
            if (end == first + 1 && BreakdownWords.TryGetValue(words.Lower(first), out var each)) by = each;
            else only = words.Original(first, end - first);
            words.Consume(i, end - i);
        }
        return by == Breakdown.None && only is null ? Slice.Whole : new Slice(by, only);
    }

    /// <summary>The command whose wording is closest to a word typed, for "Did you mean `at-risk`?".</summary>
    private static string? Nearest(Words words)
    {
        var best = (Verb: (string?)null, Distance: int.MaxValue);
        foreach (var (spec, phrase) in Phrases)
        {
            var joined = string.Join(' ', phrase);
            for (var i = 0; i < words.Count; i++)
            {
                for (var length = 1; length <= 3 && i + length <= words.Count; length++)
                {
                    var typed = words.Text(i, length);
                    if (Filler.Contains(typed)) continue;
                    var distance = Distance(typed, joined);
                    if (distance < best.Distance && distance <= Math.Max(1, joined.Length / 3)) best = (spec.Verb, distance);
                }
            }
        }
        return best.Verb;
    }

    /// <summary>The fewest letters to add, remove, change or swap with the next to turn one word into the other ("stpo" is 1 from "stop").</summary>
    public static int Distance(string a, string b) => Distance(a.AsSpan(), b.AsSpan());

    /// <summary>Edits (insert, delete, change, swap two neighbours) between a and b, in three rows of the table: names are compared with every account's.</summary>
    public static int Distance(ReadOnlySpan<char> a, ReadOnlySpan<char> b) => Distance(a, b, int.MaxValue - 1);

    /// <summary>
    /// The same distance when it is at most <paramref name="atMost"/>, else <paramref name="atMost"/> + 1: the table stops at the
    /// first row beyond it (no later cell is smaller: a swap's cell two rows up is at least the row between, less one).
    /// </summary>
    public static int Distance(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int atMost)
    {
        var width = b.Length + 1;
        Span<int> rows = width <= 256 ? stackalloc int[3 * width] : new int[3 * width];
        Span<int> beforeLast = rows[..width], last = rows[width..(2 * width)], current = rows[(2 * width)..];
        for (var j = 0; j < width; j++) last[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var lowest = i;
            for (var j = 1; j < width; j++)
            {
                var d = Math.Min(Math.Min(last[j] + 1, current[j - 1] + 1), last[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d = Math.Min(d, beforeLast[j - 2] + 1);
                current[j] = d;
                lowest = Math.Min(lowest, d);
            }
            if (lowest > atMost) return atMost + 1;
            var reused = beforeLast;
            beforeLast = last;
            last = current;
            current = reused;
        }
        return Math.Min(last[b.Length], atMost + 1);
    }

    /// <summary>What a refusal of something not understood suggests: the nearest command, then examples for the asker's role.</summary>
    public static string Suggestion(Language.Reader reader, NotUnderstood problem, Role role)
    {
        var nearest = problem.Nearest is { } verb && Commands.FirstOrDefault(c => c.Verb == verb) is { } spec && (spec.Audience == Audience.Customers || role is not Role.Customer)
            ? reader["Refusal.DidYouMean", ("example", spec.Example)] + " " : "";
        var hint = problem.Hint is { } h && role is not Role.Customer ? reader.Say(h) + " " : "";
        return nearest + hint + ExamplesFor(reader, role);
    }

    /// <summary>Examples of what this person may ask, never someone else's commands.</summary>
    public static string ExamplesFor(Language.Reader reader, Role role) => reader[role switch
    {
        Role.Customer => "Refusal.ExamplesCustomer",
        Role.Unknown => "Refusal.ExamplesUnknown",
        Role.Csm => "Refusal.ExamplesCsm",
        _ => "Refusal.ExamplesManager",
    }];
}

/// <summary>A word of a message as typed and in lower case; <see cref="Read"/> once a command, period or filter has used it.</summary>
internal sealed record Word(string Original, string Lower)
{
    public bool Read { get; set; }
}

/// <summary>The words of a message without punctuation around them (quotes, backticks, a question mark, a leading slash).</summary>
internal sealed class Words
{
    private readonly List<Word> _words;

    private Words(List<Word> words) => _words = words;

    public static Words Of(string text)
    {
        var cleaned = text.Replace('\u2019', '\'').Replace('\u2018', '\'').Replace('\u201C', '"').Replace('\u201D', '"');
        var words = cleaned.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.TrimStart('`', '\'', '"', '(', '[', '{', '<', '*', '_', '/').TrimEnd('`', '\'', '"', '?', '!', '.', ',', ';', ':', ')', ']', '}', '>', '*', '_'))
            .Where(w => w.Length > 0)
            .Select(w => new Word(w, Lowered(w)))
            .ToList();
        return new Words(words);
    }

    private static readonly string[] KeepsItsS = ["what's", "how's", "it's", "that's", "there's", "who's", "let's", "here's"];

    /// <summary>The word to match: lower case, and "month's" read as "month" (but "what's" stays what it is).</summary>
    private static string Lowered(string word)
    {
        var lower = word.ToLowerInvariant();
        return lower.EndsWith("'s", StringComparison.Ordinal) && lower.Length > 3 && !KeepsItsS.Contains(lower) ? lower[..^2] : lower;
    }

    public int Count => _words.Count;
    public string Lower(int i) => _words[i].Lower;
    public bool IsRead(int i) => _words[i].Read;
    public void RemoveLast() => _words.RemoveAt(_words.Count - 1);

    public bool Matches(int at, string[] phrase) =>
        at + phrase.Length <= _words.Count && phrase.Select((p, k) => !_words[at + k].Read && _words[at + k].Lower == p).All(x => x);

    public bool AllUnread(int at, int length) => _words.Skip(at).Take(length).All(w => !w.Read);

    public void Consume(int at, int length)
    {
        foreach (var word in _words.Skip(at).Take(length)) word.Read = true;
    }

    public string Text(int at, int length) => string.Join(' ', _words.Skip(at).Take(length).Select(w => w.Lower));
    public string Original(int at, int length) => string.Join(' ', _words.Skip(at).Take(length).Select(w => w.Original));
    public IReadOnlyList<Word> Range(int from, int toExclusive) => _words.Skip(from).Take(Math.Max(0, toExclusive - from)).ToArray();
    public IEnumerable<Word> Unread() => _words.Where(w => !w.Read);
}
