using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;

namespace SuccessBot.Core.Backtest;

/// <summary>What a flag says: a nudge rule, a health component scoring poor, the baseline, or any rule at all.</summary>
public enum Signal
{
    PoorBand, HealthDrop, FallingUsage, Inactivity, Detractor, RenewalRisk, AnyRule,
    Recency, Frequency, Breadth, Trend, Users, Nps, Renewal,
    Baseline,
}

/// <summary>The months a backtest replays: each month's start, and how long after it a cancellation counts.</summary>
/// <param name="Months">The first day of each month replayed, oldest first; every one's horizon has ended by today.</param>
/// <param name="UsageFrom">The first day of usage the book has; months whose 8 weeks before it lie before it are left out.</param>
/// <param name="MonthsLeftOut">How many of the months asked for were left out because the usage history does not reach back far enough.</param>
/// <param name="OlderUsageWeekly">True when usage before <paramref name="UsageFrom"/> exists but is kept by the week (`Storage:UsageHistoryDays`), which the replay cannot score from.</param>
public sealed record BacktestWindow(IReadOnlyList<DateOnly> Months, int HorizonDays, DateOnly? UsageFrom, int MonthsAsked, int MonthsLeftOut, bool OlderUsageWeekly = false)
{
    public bool IsEmpty => Months.Count == 0;

    /// <summary>The last day whose outcome counts: the end of the last month's horizon.</summary>
    public DateOnly? OutcomesThrough => IsEmpty ? null : Months[^1].AddDays(HorizonDays - 1);
}

/// <summary>
/// One account scored at the start of one month, from what was known the day before, and what then happened:
/// whether it cancelled within the horizon (and when), which signals flagged it, and its component scores.
/// </summary>
public readonly record struct Observation(int Position, int Month, DateOnly Start, string Owner, DateOnly? CanceledOn, bool Canceled,
    uint Flags, ComponentScores Scores, int Score)
{
    public bool Has(Signal signal) => (Flags & Replay.Bit(signal)) != 0;
}

/// <summary>
/// The history replayed month by month as a pure function of the book: at the start of each month every account that was a
/// customer is scored as of the day before, from what the book knew then (usage, NPS answers and the account as it stood),
/// never from anything after it, with the nudge rules and bands as configured now.
/// </summary>
public static class Replay
{
    /// <summary>The baseline every signal is compared with: sessions fell this share in 4 weeks against the 4 before.</summary>
    public const double BaselineFall = 0.3;

    /// <summary>Health looks 8 weeks back (4 weeks and the 4 before): a month is replayed only when the usage history covers them.</summary>
    public const int LookBackDays = 2 * Health.WindowDays;

    public static uint Bit(Signal signal) => 1u << (int)signal;

    public static readonly IReadOnlyList<Signal> Rules = [Signal.PoorBand, Signal.HealthDrop, Signal.FallingUsage, Signal.Inactivity, Signal.Detractor, Signal.RenewalRisk];
    public static readonly IReadOnlyList<Signal> Components = [Signal.Recency, Signal.Frequency, Signal.Breadth, Signal.Trend, Signal.Users, Signal.Nps, Signal.Renewal];

    /// <summary>
    /// The last <paramref name="months"/> month starts whose horizon has ended by <paramref name="today"/>, less those the usage
    /// history does not reach back 8 weeks before.
    /// </summary>
    public static BacktestWindow Window(BookOfBusiness book, DateOnly today, int months, int horizonDays)
    {
        var last = new DateOnly(today.Year, today.Month, 1);
        while (last.AddDays(horizonDays) > today) last = last.AddMonths(-1);
        var starts = Enumerable.Range(0, Math.Max(0, months)).Select(k => last.AddMonths(k - months + 1)).ToArray();
        DateOnly? usageFrom = null;
        var weekly = false;
        for (var p = 0; p < book.Count; p++)
        {
            if (book.UsageAt(p) is { Length: > 0 } days && (usageFrom is null || days[0].Date < usageFrom)) usageFrom = days[0].Date;
            weekly |= book.WeeksAt(p).Length > 0;
        }
        var covered = usageFrom is { } from ? starts.Where(m => m.AddDays(-LookBackDays) >= from).ToArray() : [];
        return new BacktestWindow(covered, horizonDays, usageFrom, starts.Length, starts.Length - covered.Length, weekly);
    }

    /// <summary>The account as it was known at the end of <paramref name="day"/>: not cancelled yet, renewing as <see cref="RenewalAsOf"/> says.</summary>
    public static Account AsKnownOn(Account account, DateOnly day) =>
        account with { CanceledOn = null, ChurnReason = null, RenewalOn = RenewalAsOf(account, day) };

    /// <summary>Contracts run for whole terms of this many months: a renewal date says when every other renewal of the account falls.</summary>
    public const int TermMonths = 12;

    /// <summary>
    /// The renewal ahead on <paramref name="day"/> (the first on or after it): the book's renewal date stepped back (or on) by whole
    /// terms, or, when the book has none, the anniversary of the start.
    /// </summary>
    /// <remarks>
    /// The book keeps today's renewal date only, and it moves on a term at each renewal: the date itself was not known on the day,
    /// its place in the year was (a contract's terms are agreed in advance). Stepped to the day, it reads the same whichever renewal
    /// it names, so nothing that happened after the day (a renewal, a cancellation) moves it.
    /// </remarks>
    public static DateOnly RenewalAsOf(Account account, DateOnly day)
    {
        if (account.RenewalOn is not { } known) return NextAnniversary(account.StartedOn, day);
        // Terms counted from the known date, so that a renewal on 29 February keeps its place in the other years.
        var terms = ((day.Year - known.Year) * 12 + day.Month - known.Month) / TermMonths - 1;
        while (known.AddMonths(terms * TermMonths) < day) terms++;
        return known.AddMonths(terms * TermMonths);
    }

    /// <summary>The first anniversary of <paramref name="started"/> on or after <paramref name="day"/> (at least a year after the start).</summary>
    public static DateOnly NextAnniversary(DateOnly started, DateOnly day)
    {
        var years = Math.Max(1, day.Year - started.Year);
        while (started.AddYears(years) < day) years++;
        return started.AddYears(years);
    }

    /// <summary>Health as of the end of <paramref name="day"/>, from what the book knew then.</summary>
    public static HealthReport HealthOn(BookOfBusiness book, int position, DateOnly day, TeamSettings team) =>
        Health.Assess(book, AsKnownOn(book.HistoryAt(position).Account, day), day, team.CoreFeatures, team.Health);

    /// <summary>Every account scored at the start of every month of the window, account by account, each account's months in order.</summary>
    public static IEnumerable<Observation> Observations(BookOfBusiness book, BacktestWindow window, TeamSettings team, CheckOptions checks)
    {
        if (window.IsEmpty) yield break;
        var renewalDays = checks.RenewalWindows.Count == 0 ? 0 : checks.RenewalWindows.Max();
        for (var position = 0; position < book.Count; position++)
        {
            var account = book.HistoryAt(position).Account;
            // The band a month before the first month: a drop in the first month is a drop from it.
            var before = window.Months[0].AddMonths(-1);
            HealthBand? previous = account.IsActiveOn(before.AddDays(-1)) ? HealthOn(book, position, before.AddDays(-1), team).Band : null;
            for (var month = 0; month < window.Months.Count; month++)
            {
                var start = window.Months[month];
                var asOf = start.AddDays(-1);
                // A customer at the start of the month, as known the day before: started by then and not cancelled before the month.
                if (!account.IsActiveOn(asOf))
                {
                    previous = null;
                    continue;
                }
                var health = HealthOn(book, position, asOf, team);
                var scores = Health.Scores(health.Facts, team.Health);
                var flags = Flags(book, position, account, start, health, scores, previous, team.Health, checks, renewalDays);
                previous = health.Band;
                var canceled = account.CanceledOn is { } c && c >= start && c < start.AddDays(window.HorizonDays);
                yield return new Observation(position, month, start, account.OwnerEmail, account.CanceledOn, canceled, flags, scores, health.Score);
            }
        }
    }

    private static uint Flags(BookOfBusiness book, int position, Account account, DateOnly start, HealthReport health, ComponentScores scores,
        HealthBand? previous, HealthOptions options, CheckOptions checks, int renewalDays)
    {
        var asOf = start.AddDays(-1);
        uint flags = 0;
        void Set(Signal signal, bool on) { if (on) flags |= Bit(signal); }

        Set(Signal.PoorBand, health.Band == HealthBand.Poor);
        Set(Signal.HealthDrop, previous is { } was && health.Band < was);
        Set(Signal.FallingUsage, health.IsFalling);
        var age = asOf.DayNumber - account.StartedOn.DayNumber;
        Set(Signal.Inactivity, age >= checks.InactiveDays && (health.Facts.DaysIdle ?? int.MaxValue) >= checks.InactiveDays);
        Set(Signal.Detractor, DetractorDuring(book.NpsAt(position), start.AddMonths(-1), start));
        var renewal = RenewalAsOf(account, asOf);
        Set(Signal.RenewalRisk, renewal.DayNumber - asOf.DayNumber <= renewalDays && health.Band != HealthBand.Good);
        Set(Signal.AnyRule, flags != 0);

        Set(Signal.Recency, scores.Recency < options.PoorBelow);
        Set(Signal.Frequency, scores.Frequency < options.PoorBelow);
        Set(Signal.Breadth, scores.Breadth < options.PoorBelow);
        Set(Signal.Trend, scores.Trend < options.PoorBelow);
        Set(Signal.Users, scores.Users < options.PoorBelow);
        Set(Signal.Nps, scores.Nps < options.PoorBelow);
        Set(Signal.Renewal, scores.Renewal < options.PoorBelow);
        Set(Signal.Baseline, health.SessionTrend <= -BaselineFall);
        return flags;
    }

    /// <summary>An answer of 6 or less given on a day in [<paramref name="from"/>, <paramref name="toExclusive"/>) (answers are in moment order).</summary>
    private static bool DetractorDuring(IReadOnlyList<NpsAnswer> answers, DateOnly from, DateOnly toExclusive)
    {
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(toExclusive.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        for (var i = answers.Count - 1; i >= 0 && answers[i].AnsweredAt >= start; i--)
            if (answers[i].AnsweredAt < end && answers[i].Category == NpsCategory.Detractor) return true;
        return false;
    }
}
