using SuccessBot.Core.Domain;
using SuccessBot.Core.Time;

namespace SuccessBot.Core.Metrics;

public sealed record ClvResult(
    int ActiveAccounts,
    decimal AverageMrr,
    double MonthlyChurnRate,
    int MonthsObserved,
    double? ExpectedLifetimeMonths,
    decimal? LifetimeValue,
    int ChurnedAccounts,
    decimal RealisedValueOfChurned)
{
    public decimal AverageRealisedValue => ChurnedAccounts == 0 ? 0 : RealisedValueOfChurned / ChurnedAccounts;
}

public sealed record AdoptionResult(Period Period, int ActiveAccounts, int Adopted, IReadOnlyList<(string Feature, int Accounts)> ByFeature)
{
    public double Rate => Rates.Share(Adopted, ActiveAccounts);
}

public sealed record TimeToValueResult(Period Period, int Started, IReadOnlyList<int> DaysToValue)
{
    public int Reached => DaysToValue.Count;
    public double? MedianDays => Rates.Median(DaysToValue);
}

public static class ValueMetrics
{
    public const int ClvMonths = 12;

    /// <summary>
    /// CLV = average MRR of today's active accounts x expected lifetime (1 / average monthly logo churn over the last
    /// twelve complete months); plus what churned accounts actually paid while they were customers.
    /// </summary>
    public static ClvResult Clv(BookOfBusiness book, DateOnly today)
    {
        var active = book.Accounts.Where(a => a.IsActiveOn(today)).ToArray();
        var averageMrr = active.Length == 0 ? 0 : active.Average(a => a.Mrr);
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        int atStarts = 0, lost = 0;
        for (var m = 1; m <= ClvMonths; m++)
        {
            var result = ChurnMetrics.Churn(book, new Period(monthStart.AddMonths(-m), monthStart.AddMonths(1 - m), ""));
            atStarts += result.ActiveAtStart;
            lost += result.Lost;
        }
        var monthly = Rates.Churn(atStarts, lost);
        var lifetime = Rates.ExpectedLifetimeMonths(monthly);
        var churned = book.Accounts.Where(a => a.CanceledOn is { } c && c <= today).ToArray();
        var realised = churned.Sum(a => RealisedValue(book, a));
        return new ClvResult(active.Length, averageMrr, monthly, ClvMonths, lifetime,
            lifetime is { } months ? Rates.LifetimeValue(averageMrr, months) : null, churned.Length, realised);
    }

    /// <summary>What a churned account paid over its life: its MRR month by month from start to cancellation.</summary>
    public static decimal RealisedValue(BookOfBusiness book, Account account)
    {
        if (account.CanceledOn is not { } end) return 0;
        decimal total = 0;
        var day = account.StartedOn;
        while (day < end)
        {
            var next = day.AddMonths(1);
            var coveredDays = Math.Min(next.DayNumber, end.DayNumber) - day.DayNumber;
            var monthDays = next.DayNumber - day.DayNumber;
            total += book.MrrOn(account, day) * coveredDays / monthDays;
            day = next;
        }
        return decimal.Round(total, 2);
    }

    /// <summary>Accounts active at the period's end that used every core feature in the period, and each feature's reach.</summary>
    public static AdoptionResult Adoption(BookOfBusiness book, Period period, IReadOnlyList<string> coreFeatures)
    {
        var lastDay = period.LastDay;
        var byFeature = new int[coreFeatures.Count];
        int active = 0, adopted = 0;
        var used = new bool[coreFeatures.Count];
        foreach (var account in book.Accounts)
        {
            if (!account.IsActiveOn(lastDay)) continue;
            active++;
            Array.Clear(used);
            foreach (var day in book.UsageBetween(account.Id, period.Start, period.EndExclusive))
                foreach (var feature in book.FeaturesOf(day))
                    for (var i = 0; i < coreFeatures.Count; i++)
                        if (string.Equals(coreFeatures[i], feature, StringComparison.OrdinalIgnoreCase)) used[i] = true;
            var all = coreFeatures.Count > 0;
            for (var i = 0; i < used.Length; i++)
            {
                if (used[i]) byFeature[i]++; else all = false;
            }
            if (all) adopted++;
        }
        return new AdoptionResult(period, active, adopted, coreFeatures.Select((f, i) => (f, byFeature[i])).ToArray());
    }

    /// <summary>Days from start to the first day a core feature was used, over accounts started in the period.</summary>
    public static TimeToValueResult TimeToValue(BookOfBusiness book, Period period, IReadOnlyList<string> coreFeatures)
    {
        var core = new HashSet<string>(coreFeatures, StringComparer.OrdinalIgnoreCase);
        var started = 0;
        var days = new List<int>();
        for (var position = 0; position < book.Accounts.Count; position++)
        {
            var account = book.Accounts[position];
            if (!period.Contains(account.StartedOn)) continue;
            started++;
            if (FirstValueOn(book, position, core) is { } first) days.Add(first.DayNumber - account.StartedOn.DayNumber);
        }
        return new TimeToValueResult(period, started, days);
    }

    /// <summary>The first day of usage anywhere in the book: before it, no first use of a feature can be seen. Null when there is no usage.</summary>
    public static DateOnly? UsageStartsOn(BookOfBusiness book)
    {
        DateOnly? first = null;
        for (var position = 0; position < book.Accounts.Count; position++)
        {
            var days = book.WeeksAt(position) is { Length: > 0 } weeks ? weeks : book.UsageAt(position);
            if (days.Length > 0 && (first is null || days[0].Date < first)) first = days[0].Date;
        }
        return first;
    }

    /// <summary>
    /// The first day since its start the account at <paramref name="position"/> used a core feature (<paramref name="core"/> ignores
    /// case). Before the book's daily usage, a week's rollup stands for its first day of use (at most 6 days early).
    /// </summary>
    public static DateOnly? FirstValueOn(BookOfBusiness book, int position, IReadOnlySet<string> core)
    {
        var started = book.Accounts[position].StartedOn;
        foreach (var week in book.WeeksAt(position))
            if (week.Date >= started && book.FeaturesOf(week).Any(core.Contains)) return week.Date;
        foreach (var day in book.UsageAt(position))
            if (day.Date >= started && book.FeaturesOf(day).Any(core.Contains)) return day.Date;
        return null;
    }
}
