using SuccessBot.Core.Metrics;
using SuccessBot.Core.Time;

namespace SuccessBot.Core.Chat;

/// <summary>The charts of the figures over time, each built from the pure metric functions' results (<see cref="Trends"/>), with its numbers as a table.</summary>
public static class TrendCharts
{
    /// <summary>Monthly logo churn and gross MRR churn as two lines, with each one's average over the months that had customers.</summary>
    public static Chart Churn(IReadOnlyList<ChurnResult> months, Func<decimal, string> money)
    {
        var logo = months.Select(m => m.ActiveAtStart == 0 ? (double?)null : m.LogoChurnRate).ToArray();
        var mrr = months.Select(m => m.ActiveAtStart == 0 ? (double?)null : m.GrossMrrChurnRate).ToArray();
        var averageLogo = Trends.Average(months, m => m.LogoChurnRate) ?? 0;
        var averageMrr = Trends.Average(months, m => m.GrossMrrChurnRate) ?? 0;
        var table = new ChartTable("Month by month", ["Month", "logo churn", "gross MRR churn"], months.Select(m => (IReadOnlyList<string>)(m.ActiveAtStart == 0
            ? [m.Period.Label, "no customers at the start", "none"]
            : [m.Period.Label, $"{Format.Percent(m.LogoChurnRate)} ({Format.Count(m.Lost)} of {Format.Count(m.ActiveAtStart)})",
                $"{Format.Percent(m.GrossMrrChurnRate)} ({money(m.MrrChurned)} of {money(m.MrrAtStart)})"])).ToArray());
        return new Chart(ChartKind.Line, "Monthly churn", months.Select(m => Trends.Short(m.Period, 1)).ToArray(),
            [new ChartSeries("Logo churn", logo), new ChartSeries("Gross MRR churn", mrr)], table)
        {
            XAxis = "Month",
            YAxis = "Churned in the month",
            Unit = ChartUnit.Percent,
            Marks = [new ChartMark($"average {Format.Percent(averageLogo)}", averageLogo, 0), new ChartMark($"average {Format.Percent(averageMrr)}", averageMrr, 1)],
            Description = $"Line chart of monthly logo churn and gross MRR churn, {Range(months.Select(m => m.Period))}; dashed lines at the averages, "
                + $"{Format.Percent(averageLogo)} and {Format.Percent(averageMrr)}.",
        };
    }

    /// <summary>The NPS of each quarter or month as a line, with the number of answers under each point.</summary>
    public static Chart NpsScores(IReadOnlyList<Period> buckets, IReadOnlyList<NpsCounts> counts, int months) =>
        new(ChartKind.Line, months == 1 ? "NPS by month" : "NPS by quarter", buckets.Select(b => Trends.Short(b, months)).ToArray(),
            [new ChartSeries("NPS", counts.Select(c => c.Responses == 0 ? (double?)null : c.Score).ToArray())], NpsTable(buckets, counts, months))
        {
            XAxis = months == 1 ? "Month" : "Quarter",
            YAxis = "NPS (-100 to 100)",
            Unit = ChartUnit.Points,
            Notes = counts.Select(c => $"{Format.Count(c.Responses)} answers").ToArray(),
            Description = $"Line chart of the NPS {(months == 1 ? "of each month" : "of each quarter")}, {Range(buckets)}, with the number of answers under each point.",
        };

    /// <summary>Promoters, passives and detractors of each quarter or month as stacked bars.</summary>
    public static Chart NpsMix(IReadOnlyList<Period> buckets, IReadOnlyList<NpsCounts> counts, int months) =>
        new(ChartKind.StackedBars, "Promoters, passives and detractors", buckets.Select(b => Trends.Short(b, months)).ToArray(),
        [
            new ChartSeries("Detractors (0-6)", counts.Select(c => (double?)c.Detractors).ToArray()) { Tone = ChartTone.Attention },
            new ChartSeries("Passives (7-8)", counts.Select(c => (double?)c.Passives).ToArray()) { Tone = ChartTone.Warning },
            new ChartSeries("Promoters (9-10)", counts.Select(c => (double?)c.Promoters).ToArray()) { Tone = ChartTone.Good },
        ], NpsTable(buckets, counts, months))
        {
            XAxis = months == 1 ? "Month" : "Quarter",
            YAxis = "Answers",
            Unit = ChartUnit.Count,
            Description = $"Stacked bars of the answers {(months == 1 ? "of each month" : "of each quarter")}, {Range(buckets)}: detractors at the bottom, then passives, then promoters.",
        };

    private static ChartTable NpsTable(IReadOnlyList<Period> buckets, IReadOnlyList<NpsCounts> counts, int months) =>
        new(months == 1 ? "Month by month" : "Quarter by quarter", [months == 1 ? "Month" : "Quarter", "NPS", "answers", "promoters", "passives", "detractors"],
            buckets.Select((b, i) => (IReadOnlyList<string>)[b.Label, counts[i].Responses == 0 ? "none" : Points(counts[i].Score), Format.Count(counts[i].Responses),
                Format.Count(counts[i].Promoters), Format.Count(counts[i].Passives), Format.Count(counts[i].Detractors)]).ToArray());

    /// <summary>The logo and net MRR retention of each monthly cohort as two lines, with the cohort's size under each point.</summary>
    public static Chart Cohorts(IReadOnlyList<Cohort> cohorts, Func<decimal, string> money)
    {
        var measured = cohorts.Count == 0 ? "" : Period.Format(cohorts[0].MeasuredOn);
        var table = new ChartTable("Cohort by cohort", ["Cohort", "accounts", "logo retention", "net MRR retention"], cohorts.Select(c => (IReadOnlyList<string>)(c.Accounts == 0
            ? [c.Month.Label, "0", "none", "none"]
            : [c.Month.Label, Format.Count(c.Accounts), $"{Format.Percent(c.LogoRetention)} ({Format.Count(c.Retained)} of {Format.Count(c.Accounts)})",
                $"{Format.Percent(c.NetMrrRetention)} ({money(c.MrrNow)} of {money(c.StartMrr)})"])).ToArray());
        return new Chart(ChartKind.Line, "Retention of each monthly cohort", cohorts.Select(c => Trends.Short(c.Month, 1)).ToArray(),
        [
            new ChartSeries("Logo retention", cohorts.Select(c => c.Accounts == 0 ? (double?)null : c.LogoRetention).ToArray()),
            new ChartSeries("Net MRR retention", cohorts.Select(c => c.Accounts == 0 ? (double?)null : c.NetMrrRetention).ToArray()),
        ], table)
        {
            XAxis = "Month the accounts started",
            YAxis = $"Retained on {measured}",
            Unit = ChartUnit.Percent,
            Notes = cohorts.Select(c => $"{Format.Count(c.Accounts)} accounts").ToArray(),
            Description = $"Line chart of the logo and net MRR retention on {measured} of the accounts that started in each month, {Range(cohorts.Select(c => c.Month))}.",
        };
    }

    /// <summary>
    /// An account's weekly sessions and its health score at the end of each week, as two line charts with one table. The
    /// account's name is in the answer's title and the charts' descriptions, not in their titles, which some channels read as markup.
    /// </summary>
    public static (Chart Sessions, Chart Health) Account(string name, IReadOnlyList<Period> weeks, IReadOnlyList<int> sessions, IReadOnlyList<int> scores, HealthOptions options)
    {
        var labels = weeks.Select(w => w.LastDay.ToString("d MMM", Format.Culture)).ToArray();
        var table = new ChartTable("Week by week", ["Week to", "sessions", "health"],
            weeks.Select((w, i) => (IReadOnlyList<string>)[Format.Day(w.LastDay), Format.Count(sessions[i]), $"{scores[i]}/100"]).ToArray());
        var range = weeks.Count == 0 ? "" : $"the {Format.Count(weeks.Count)} weeks from {Period.Format(weeks[0].Start)} to {Period.Format(weeks[^1].LastDay)}";
        var usage = new Chart(ChartKind.Line, "Weekly sessions", labels, [new ChartSeries("Sessions", sessions.Select(s => (double?)s).ToArray())], table)
        {
            XAxis = "Week to",
            YAxis = "Sessions",
            Unit = ChartUnit.Count,
            Description = $"Line chart of {name}'s sessions in each of {range}, from {Format.Count(sessions.FirstOrDefault())} to {Format.Count(sessions.LastOrDefault())}.",
        };
        var health = new Chart(ChartKind.Line, "Health score", labels, [new ChartSeries("Health", scores.Select(s => (double?)s).ToArray())], table)
        {
            XAxis = "Week to",
            YAxis = "Score out of 100",
            Unit = ChartUnit.Score,
            Marks =
            [
                new ChartMark($"good from {options.GoodFrom}", options.GoodFrom, 0) { Tone = ChartTone.Good },
                new ChartMark($"poor below {options.PoorBelow}", options.PoorBelow, 0) { Tone = ChartTone.Attention },
            ],
            Description = $"Line chart of {name}'s health score at the end of each of {range}, from {scores.FirstOrDefault()} to {scores.LastOrDefault()}; dashed lines where good starts ({options.GoodFrom}) and poor begins ({options.PoorBelow}).",
        };
        return (usage, health);
    }

    /// <summary>The active accounts over good, medium and poor health, as a donut.</summary>
    public static Chart Bands(BandCounts bands, decimal goodMrr, decimal mediumMrr, decimal poorMrr, HealthOptions options, Func<decimal, string> money)
    {
        string Share(int n) => $"{Format.Count(n)} ({Format.Percent(Rates.Share(n, bands.Total))})";
        var table = new ChartTable("By health band", ["Band", "accounts", "MRR"],
        [
            [$"good ({options.GoodFrom} and up)", Share(bands.Good), money(goodMrr)],
            [$"medium ({options.PoorBelow} to {options.GoodFrom - 1})", Share(bands.Medium), money(mediumMrr)],
            [$"poor (below {options.PoorBelow})", Share(bands.Poor), money(poorMrr)],
        ]);
        return new Chart(ChartKind.Donut, "Active accounts by health", ["Good", "Medium", "Poor"],
            [new ChartSeries("Accounts", [bands.Good, bands.Medium, bands.Poor])], table)
        {
            Unit = ChartUnit.Count,
            Tones = [ChartTone.Good, ChartTone.Warning, ChartTone.Attention],
            Description = $"Donut of the {Format.Count(bands.Total)} active accounts by health: {Format.Count(bands.Good)} good, {Format.Count(bands.Medium)} medium, {Format.Count(bands.Poor)} poor.",
        };
    }

    /// <summary>A trend is one line per figure; a breakdown is asked without `trend`.</summary>
    public static Reply NoBreakdown(string verb) => Reply.Refusal("One trend at a time",
        $"A trend draws the figure over time for one set of accounts, so it takes no `by segment`, `by plan` or `by owner`.",
        $"Ask `{verb} by segment` for the split, or `{verb} trend for enterprise` for one segment's trend.");

    public static string Points(double score) => (score > 0 ? "+" : "") + score.ToString("0.#", Format.Culture);

    private static string Range(IEnumerable<Period> buckets)
    {
        var list = buckets.ToArray();
        return list.Length == 0 ? "no months" : $"{Period.Format(list[0].Start)} to {Period.Format(list[^1].LastDay)}";
    }
}
