using System.Runtime.CompilerServices;
using SuccessBot.Core.Domain;

namespace SuccessBot.Core.Metrics;

public enum HealthBand { Poor, Medium, Good }

/// <summary>Weights (any scale; they are normalised) and thresholds of the usage-based health score.</summary>
public sealed record HealthOptions
{
    public double RecencyWeight { get; init; } = 25;
    public double FrequencyWeight { get; init; } = 20;
    public double BreadthWeight { get; init; } = 20;
    public double TrendWeight { get; init; } = 25;
    public double NpsWeight { get; init; } = 10;
    public double UsersWeight { get; init; } = 10;
    public double RenewalWeight { get; init; } = 5;

    /// <summary>Seats per plan, for active users against seats; an account whose plan is not listed leaves that component out.</summary>
    public IReadOnlyDictionary<string, int> PlanSeats { get; init; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Share of seats active on an average active day that scores full marks.</summary>
    public double UsersFullShare { get; init; } = 0.5;

    /// <summary>A renewal closer than this many days lowers the score, to 0 on the day.</summary>
    public int RenewalRiskDays { get; init; } = 90;

    /// <summary>Scores from this up are good.</summary>
    public int GoodFrom { get; init; } = 70;

    /// <summary>Scores below this are poor.</summary>
    public int PoorBelow { get; init; } = 40;

    /// <summary>Days without use after which recency scores 0 (twice the inactivity alert).</summary>
    public int InactiveDays { get; init; } = 14;

    /// <summary>Active days in the last 4 weeks that count as full frequency.</summary>
    public int FullFrequencyDays { get; init; } = 20;

    /// <summary>A fall in sessions of this share (4 weeks against the 4 before) scores the trend 0 and puts the account at risk.</summary>
    public double FallingShare { get; init; } = 0.3;
}

/// <summary>What health is computed from: usage over the last 4 weeks and the 4 before, and the latest NPS answer.</summary>
public sealed record HealthFacts(int? DaysIdle, int ActiveDays, int CoreFeaturesUsed, int CoreFeatures, int RecentSessions, int PreviousSessions, NpsAnswer? LatestNps,
    double AverageActiveUsers, int? Seats, int? DaysToRenewal)
{
    /// <summary>Change in sessions, 4 weeks against the 4 before; null when there were none before.</summary>
    public double? SessionTrend => PreviousSessions == 0 ? null : (double)(RecentSessions - PreviousSessions) / PreviousSessions;
}

/// <summary>Each component's score 0-100; <see cref="Nps"/> and <see cref="Users"/> are null when left out (no answer within a year, no seats configured).</summary>
public readonly record struct ComponentScores(double Recency, double Frequency, double Breadth, double Trend, double Renewal, double? Nps, double? Users);

/// <summary>One part of the score: its name (`recency`, `trend`, ...), score 0-100 and weight, and the facts its detail tells.</summary>
public sealed record HealthComponent(string Name, double Score, double Weight, HealthFacts Facts)
{
    /// <summary>"recency" in English, "Letzte Nutzung" in German.</summary>
    public string NameIn(Language.Reader reader) => reader[$"Health.Part.{Name}"];

    /// <summary>The numbers behind the score: "last active 3 days ago", "sessions 420 to 210 (-50%) in 4 weeks".</summary>
    public string DetailIn(Language.Reader reader) => Name switch
    {
        "recency" => Facts.DaysIdle switch
        {
            null => reader["Health.Detail.NeverActive"],
            0 => reader["Health.Detail.ActiveToday"],
            1 => reader["Health.Detail.ActiveYesterday"],
            var d => reader.Plural("Health.Detail.ActiveDaysAgo", d.Value),
        },
        "frequency" => reader.Plural("Health.Detail.Frequency", Health.WindowDays, ("active", Facts.ActiveDays)),
        "breadth" => reader.Plural("Health.Detail.Breadth", Facts.CoreFeatures, ("used", Facts.CoreFeaturesUsed)),
        "trend" => Facts.SessionTrend is { } t
            ? reader["Health.Detail.Sessions", ("previous", Facts.PreviousSessions), ("recent", Facts.RecentSessions), ("trend", reader.Signed(t))]
            : Facts.RecentSessions > 0 ? reader.Plural("Health.Detail.SessionsNew", Facts.RecentSessions) : reader["Health.Detail.NoSessions"],
        "users" => reader.Plural("Health.Detail.Users", Facts.Seats ?? 0, ("average", Facts.AverageActiveUsers)),
        "nps" => reader["Health.Detail.Nps", ("score", Facts.LatestNps!.Score), ("date", DateOnly.FromDateTime(Facts.LatestNps.AnsweredAt.DateTime))],
        "renewal" => Facts.DaysToRenewal is { } days ? reader.Plural("Health.Detail.RenewsIn", days) : reader["Health.Detail.NoRenewal"],
        _ => throw new ArgumentOutOfRangeException(nameof(Name), Name, "No such health component."),
    };
}

public sealed record HealthReport(Account Account, int Score, HealthBand Band, HealthFacts Facts, HealthOptions Options)
{
    public double? SessionTrend => Facts.SessionTrend;
    public DateOnly? LastActive(DateOnly today) => Facts.DaysIdle is { } idle ? today.AddDays(-idle) : null;
    public bool IsFalling => SessionTrend is { } t && t <= -Options.FallingShare;

    /// <summary>Each component with its score, weight and the numbers behind it (built on demand: most callers need the score only).</summary>
    public IReadOnlyList<HealthComponent> Components => Health.Describe(Facts, Options);
}

/// <summary>A health score 0-100 from usage over the last 4 weeks, its trend against the 4 before, and the latest NPS.</summary>
public static class Health
{
    public const int WindowDays = 28;

    public static HealthReport Assess(BookOfBusiness book, Account account, DateOnly today, IReadOnlyList<string> coreFeatures, HealthOptions options)
    {
        var position = book.PositionOf(account);
        var history = book.HistoryAt(position);
        var table = book.FeatureSetTable;
        if (KeptWith.TryGetValue(history, out var kept) && kept.Today == today && ReferenceEquals(kept.Report.Account, account)
            && ReferenceEquals(kept.CoreFeatures, coreFeatures) && ReferenceEquals(kept.Report.Options, options) && ReferenceEquals(kept.FeatureTable, table))
            return kept.Report;
        var facts = Gather(book, position, account, today, coreFeatures, options);
        var score = Combine(Scores(facts, options), options);
        var report = new HealthReport(account, score, BandOf(score, options), facts, options);
        KeptWith.AddOrUpdate(history, new Kept(today, coreFeatures, table, report));
        return report;
    }

    // Each assessment is kept with the immutable history it was computed from: book versions share the histories a write did
    // not change, so the next version reassesses only the accounts it touched (at-risk over 100,000 accounts, every question).
    private static readonly ConditionalWeakTable<AccountHistory, Kept> KeptWith = new();

    private sealed record Kept(DateOnly Today, IReadOnlyList<string> CoreFeatures, object FeatureTable, HealthReport Report);

    public static HealthBand BandOf(int score, HealthOptions options) =>
        score >= options.GoodFrom ? HealthBand.Good : score < options.PoorBelow ? HealthBand.Poor : HealthBand.Medium;

    /// <summary>The score 0-100 of component scores under these weights: their weighted average, a missing component left out.</summary>
    public static int Combine(ComponentScores scores, HealthOptions options)
    {
        double weighted = scores.Recency * options.RecencyWeight + scores.Frequency * options.FrequencyWeight + scores.Breadth * options.BreadthWeight
            + scores.Trend * options.TrendWeight + scores.Renewal * options.RenewalWeight;
        double weights = options.RecencyWeight + options.FrequencyWeight + options.BreadthWeight + options.TrendWeight + options.RenewalWeight;
        if (scores.Nps is { } n)
        {
            weighted += n * options.NpsWeight;
            weights += options.NpsWeight;
        }
        if (scores.Users is { } u)
        {
            weighted += u * options.UsersWeight;
            weights += options.UsersWeight;
        }
        return (int)Math.Round(weights == 0 ? 0 : weighted / weights);
    }

    public static HealthFacts Gather(BookOfBusiness book, Account account, DateOnly today, IReadOnlyList<string> coreFeatures, HealthOptions options) =>
        Gather(book, book.PositionOf(account), account, today, coreFeatures, options);

    private static HealthFacts Gather(BookOfBusiness book, int position, Account account, DateOnly today, IReadOnlyList<string> coreFeatures, HealthOptions options)
    {
        var windowStart = today.AddDays(1 - WindowDays);
        int activeDays = 0, recentSessions = 0, previousSessions = 0, userDays = 0;
        var bySet = CoreFeaturesBySet(book.FeatureSetTable, coreFeatures);
        ulong used = 0;
        foreach (var day in book.UsageBetween(position, windowStart, today.AddDays(1)))
        {
            if (day.Sessions > 0 || day.ActiveUsers > 0) activeDays++;
            recentSessions += day.Sessions;
            userDays += day.ActiveUsers;
            used |= bySet[day.FeatureSet];
        }
        foreach (var day in book.UsageBetween(position, windowStart.AddDays(-WindowDays), windowStart)) previousSessions += day.Sessions;

        int? idle = null;
        // Up to today only: an assessment of a past day (the backtest's) never reads what came after it.
        var all = book.UsageBetween(position, DateOnly.MinValue, today.AddDays(1));
        for (var i = all.Length - 1; i >= 0; i--)
        {
            if (all[i].Sessions == 0 && all[i].ActiveUsers == 0) continue;
            idle = today.DayNumber - all[i].Date.DayNumber;
            break;
        }
        var coreUsed = System.Numerics.BitOperations.PopCount(used);
        int? seats = account.Plan is { } plan && options.PlanSeats.TryGetValue(plan, out var n) && n > 0 ? n : null;
        int? daysToRenewal = account.RenewalOn is { } r && r >= today ? r.DayNumber - today.DayNumber : null;
        return new HealthFacts(idle, activeDays, coreUsed, coreFeatures.Count, recentSessions, previousSessions, LatestNps(book.NpsAt(position), today),
            activeDays == 0 ? 0 : (double)userDays / activeDays, seats, daysToRenewal);
    }

    /// <summary>The core features a health assessment counts at most (`Adoption:CoreFeatures`), one bit each.</summary>
    public const int MaxCoreFeatures = 64;

    /// <summary>
    /// Which core features each numbered feature set holds, as bits (the core feature at index i is bit i), per table of sets:
    /// an assessment reads four weeks of sets, and comparing their names took most of its time over a large book.
    /// </summary>
    private static ulong[] CoreFeaturesBySet(IReadOnlyList<IReadOnlyList<string>> table, IReadOnlyList<string> coreFeatures)
    {
        if (CoreBits.TryGetValue(table, out var known) && ReferenceEquals(known.CoreFeatures, coreFeatures)) return known.BySet;
        if (coreFeatures.Count > MaxCoreFeatures) throw new ArgumentException($"At most {MaxCoreFeatures} core features are counted; {coreFeatures.Count} were given.", nameof(coreFeatures));
        var bySet = new ulong[table.Count];
        for (var set = 0; set < table.Count; set++)
            foreach (var feature in table[set])
                for (var i = 0; i < coreFeatures.Count; i++)
                    if (string.Equals(coreFeatures[i], feature, StringComparison.OrdinalIgnoreCase)) bySet[set] |= 1UL << i;
        CoreBits.AddOrUpdate(table, new CoreFeatureBits(coreFeatures, bySet));
        return bySet;
    }

    // A table of sets is never changed (a new set makes a new table), so its bits are kept with it.
    private static readonly ConditionalWeakTable<object, CoreFeatureBits> CoreBits = new();

    private sealed record CoreFeatureBits(IReadOnlyList<string> CoreFeatures, ulong[] BySet);

    /// <summary>Each component's score 0-100 from the facts; NPS and users are null when left out.</summary>
    public static ComponentScores Scores(HealthFacts f, HealthOptions options)
    {
        var zeroAt = Math.Max(2, options.InactiveDays * 2);
        var recency = f.DaysIdle is { } d ? Clamp(100.0 * (zeroAt - Math.Max(0, d - 1)) / zeroAt) : 0;
        var frequency = Clamp(100.0 * f.ActiveDays / Math.Max(1, options.FullFrequencyDays));
        var breadth = f.CoreFeatures == 0 ? 100 : 100.0 * f.CoreFeaturesUsed / f.CoreFeatures;
        var trend = f.SessionTrend is { } t ? Clamp(100.0 * (1 + Math.Min(0, t) / Math.Max(0.01, options.FallingShare))) : f.RecentSessions > 0 ? 100 : 0;
        var renewal = f.DaysToRenewal is { } days && days < options.RenewalRiskDays ? 100.0 * days / Math.Max(1, options.RenewalRiskDays) : 100;
        double? users = f.Seats is { } seats ? Clamp(100.0 * f.AverageActiveUsers / seats / Math.Max(0.01, options.UsersFullShare)) : null;
        return new ComponentScores(recency, frequency, breadth, trend, renewal, f.LatestNps is { } n ? n.Score * 10.0 : null, users);
    }

    public static IReadOnlyList<HealthComponent> Describe(HealthFacts f, HealthOptions options)
    {
        var scores = Scores(f, options);
        var components = new List<HealthComponent>
        {
            new("recency", scores.Recency, options.RecencyWeight, f),
            new("frequency", scores.Frequency, options.FrequencyWeight, f),
            new("breadth", scores.Breadth, options.BreadthWeight, f),
            new("trend", scores.Trend, options.TrendWeight, f),
        };
        if (scores.Users is { } users) components.Add(new("users", users, options.UsersWeight, f));
        if (scores.Nps is { } nps && f.LatestNps is not null) components.Add(new("nps", nps, options.NpsWeight, f));
        components.Add(new("renewal", scores.Renewal, options.RenewalWeight, f));
        return components;
    }

    private static NpsAnswer? LatestNps(IReadOnlyList<NpsAnswer> answers, DateOnly today)
    {
        var cutoff = new DateTimeOffset(today.AddDays(-365).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(today.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        for (var i = answers.Count - 1; i >= 0; i--)
        {
            if (answers[i].AnsweredAt < cutoff) return null;
            if (answers[i].AnsweredAt < end) return answers[i];
        }
        return null;
    }

    public static string Signed(double share) => (share >= 0 ? "+" : "") + share.ToString("P0", System.Globalization.CultureInfo.InvariantCulture).Replace(" ", "");

    private static double Clamp(double v) => Math.Clamp(v, 0, 100);
}
