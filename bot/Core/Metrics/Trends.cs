using System.Globalization;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Time;

namespace SuccessBot.Core.Metrics;

/// <summary>One monthly cohort: the accounts that started in <see cref="Month"/>, and how many of them and of their MRR are still there.</summary>
public sealed record Cohort(Period Month, DateOnly MeasuredOn, int Accounts, int Retained, decimal StartMrr, decimal MrrNow)
{
    public double LogoRetention => Rates.Share(Retained, Accounts);

    /// <summary>What the cohort pays on <see cref="MeasuredOn"/> over what it paid when each account started, expansion included.</summary>
    public double NetMrrRetention => Rates.Share((double)MrrNow, (double)StartMrr);
}

/// <summary>How many accounts are in each health band.</summary>
public sealed record BandCounts(int Good, int Medium, int Poor)
{
    public int Total => Good + Medium + Poor;
}

/// <summary>The figures over time that the charts draw: each a pure function of the book, month by month, quarter by quarter or week by week.</summary>
public static class Trends
{
    /// <summary>
    /// The calendar spans of <paramref name="months"/> months (1: months, 3: quarters) that <paramref name="period"/> covers, each cut
    /// to the period: "the last 12 months" is twelve whole months, "this year" ends with the running month, to date.
    /// </summary>
    public static IReadOnlyList<Period> Buckets(Period period, int months)
    {
        var buckets = new List<Period>();
        var first = new DateOnly(period.Start.Year, (period.Start.Month - 1) / months * months + 1, 1);
        for (var start = first; start < period.EndExclusive; start = start.AddMonths(months))
        {
            var whole = Period.Calendar(start, months);
            var from = whole.Start < period.Start ? period.Start : whole.Start;
            var to = whole.EndExclusive > period.EndExclusive ? period.EndExclusive : whole.EndExclusive;
            buckets.Add(from == whole.Start && to == whole.EndExclusive ? whole
                : new Period(from, to, $"{whole.Label} ({Period.Format(from)} – {Period.Format(to.AddDays(-1))})"));
        }
        return buckets;
    }

    /// <summary>A bucket's name on a chart's axis: "Oct '26", "Q3 '26".</summary>
    public static string Short(Period bucket, int months) => months == 3
        ? $"Q{(bucket.Start.Month - 1) / 3 + 1} '{bucket.Start.Year % 100:00}"
        : bucket.Start.ToString("MMM", CultureInfo.InvariantCulture) + $" '{bucket.Start.Year % 100:00}";

    /// <summary>Churn of each bucket, each over the accounts that were customers at its start (see <see cref="ChurnMetrics.Churn"/>).</summary>
    public static IReadOnlyList<ChurnResult> Churn(BookOfBusiness book, IReadOnlyList<Period> buckets, Func<Account, bool>? includes = null) =>
        buckets.Select(b => ChurnMetrics.Churn(book, b, includes)).ToArray();

    /// <summary>The average of the monthly rates of the buckets that had customers at their start; null when none had.</summary>
    public static double? Average(IReadOnlyList<ChurnResult> months, Func<ChurnResult, double> rate)
    {
        var counted = months.Where(m => m.ActiveAtStart > 0).Select(rate).ToArray();
        return counted.Length == 0 ? null : counted.Average();
    }

    /// <summary>
    /// The NPS answers of each bucket (by the answer's day in the team's time zone), in one pass over the accounts: each
    /// account's answers are sorted by time, so only those inside the buckets are read.
    /// </summary>
    public static IReadOnlyList<NpsCounts> Nps(BookOfBusiness book, IReadOnlyList<Period> buckets, TimeZoneInfo zone, Func<Account, bool>? includes = null)
    {
        var counts = new int[buckets.Count, 3];
        if (buckets.Count == 0) return [];
        var starts = buckets.Select(b => NpsMetrics.Instants(b, zone).From).ToArray();
        var end = NpsMetrics.Instants(buckets[^1], zone).To;
        var ends = buckets.Select(b => NpsMetrics.Instants(b, zone).To).ToArray();
        for (var position = 0; position < book.Accounts.Count; position++)
        {
            var answers = book.NpsAt(position);
            if (answers.Count == 0 || answers[^1].AnsweredAt < starts[0] || answers[0].AnsweredAt >= end) continue;
            if (includes is not null && !includes(book.Accounts[position])) continue;
            foreach (var answer in answers)
            {
                if (answer.AnsweredAt < starts[0]) continue;
                if (answer.AnsweredAt >= end) break;
                var bucket = Array.BinarySearch(starts, answer.AnsweredAt);
                if (bucket < 0) bucket = ~bucket - 1;
                // Buckets meet end to start, but a cut first or last one may leave a gap; an answer in it is in none.
                if (answer.AnsweredAt < ends[bucket]) counts[bucket, (int)answer.Category]++;
            }
        }
        return Enumerable.Range(0, buckets.Count)
            .Select(b => new NpsCounts(counts[b, (int)NpsCategory.Promoter], counts[b, (int)NpsCategory.Passive], counts[b, (int)NpsCategory.Detractor])).ToArray();
    }

    /// <summary>
    /// Each month's cohort (the accounts that started in it) on <paramref name="measuredOn"/>: how many are still customers at the
    /// end of that day, and their MRR then against their MRR on the day each started.
    /// </summary>
    public static IReadOnlyList<Cohort> Cohorts(BookOfBusiness book, IReadOnlyList<Period> months, DateOnly measuredOn, Func<Account, bool>? includes = null)
    {
        var sizes = new int[months.Count];
        var retained = new int[months.Count];
        var start = new decimal[months.Count];
        var now = new decimal[months.Count];
        if (months.Count == 0) return [];
        var firsts = months.Select(m => m.Start).ToArray();
        for (var position = 0; position < book.Accounts.Count; position++)
        {
            var account = book.Accounts[position];
            if (account.StartedOn < firsts[0] || account.StartedOn >= months[^1].EndExclusive || account.StartedOn > measuredOn) continue;
            if (includes is not null && !includes(account)) continue;
            var month = Array.BinarySearch(firsts, account.StartedOn);
            if (month < 0) month = ~month - 1;
            if (!months[month].Contains(account.StartedOn)) continue;
            sizes[month]++;
            start[month] += book.MrrOn(position, account.StartedOn);
            if (!account.IsActiveOn(measuredOn)) continue;
            retained[month]++;
            now[month] += book.MrrOn(position, measuredOn);
        }
        return Enumerable.Range(0, months.Count).Select(m => new Cohort(months[m], measuredOn, sizes[m], retained[m], start[m], now[m])).ToArray();
    }

    /// <summary>The weeks of the last <paramref name="weeks"/> weeks, oldest first; the last ends with <paramref name="today"/>.</summary>
    public static IReadOnlyList<Period> Weeks(DateOnly today, int weeks) =>
        Enumerable.Range(0, weeks).Select(k => today.AddDays(-7 * (weeks - 1 - k)))
            .Select(end => new Period(end.AddDays(-6), end.AddDays(1), $"week to {Period.Format(end)}")).ToArray();

    /// <summary>The account's sessions in each week.</summary>
    public static IReadOnlyList<int> Sessions(BookOfBusiness book, Account account, IReadOnlyList<Period> weeks)
    {
        var position = book.PositionOf(account);
        return weeks.Select(w =>
        {
            var sessions = 0;
            foreach (var day in book.UsageBetween(position, w.Start, w.EndExclusive)) sessions += day.Sessions;
            return sessions;
        }).ToArray();
    }

    /// <summary>The account's health score as it stood on the last day of each week.</summary>
    public static IReadOnlyList<int> HealthScores(BookOfBusiness book, Account account, IReadOnlyList<Period> weeks, IReadOnlyList<string> coreFeatures, HealthOptions options) =>
        weeks.Select(w => Health.Assess(book, account, w.LastDay, coreFeatures, options).Score).ToArray();

    public static BandCounts Bands(IEnumerable<HealthReport> reports)
    {
        int good = 0, medium = 0, poor = 0;
        foreach (var report in reports)
        {
            switch (report.Band)
            {
                case HealthBand.Good: good++; break;
                case HealthBand.Medium: medium++; break;
                default: poor++; break;
            }
        }
        return new BandCounts(good, medium, poor);
    }
}
