using SuccessBot.Core.Language;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Time;

namespace SuccessBot.Core.Chat;

/// <summary>The charts of the figures over time, each built from the pure metric functions' results (<see cref="Trends"/>), with its numbers as a table, in the reader's words.</summary>
public static class TrendCharts
{
    /// <summary>Monthly logo churn and gross MRR churn as two lines, with each one's average over the months that had customers.</summary>
    public static Chart Churn(Reader w, IReadOnlyList<ChurnResult> months, Func<decimal, string> money)
    {
        var logo = months.Select(m => m.ActiveAtStart == 0 ? (double?)null : m.LogoChurnRate).ToArray();
        var mrr = months.Select(m => m.ActiveAtStart == 0 ? (double?)null : m.GrossMrrChurnRate).ToArray();
        var averageLogo = Trends.Average(months, m => m.LogoChurnRate) ?? 0;
        var averageMrr = Trends.Average(months, m => m.GrossMrrChurnRate) ?? 0;
        var table = new ChartTable(w["Chart.MonthByMonth"], [w["Chart.Month"], w["Chart.LogoChurnColumn"], w["Chart.GrossMrrChurnColumn"]], months.Select(m => (IReadOnlyList<string>)(m.ActiveAtStart == 0
            ? [w.Label(m.Period), w["Chart.NoCustomersAtStart"], w["Chart.None"]]
            : [w.Label(m.Period), w["Chart.OfActive", ("rate", w.Percent(m.LogoChurnRate)), ("part", m.Lost), ("whole", m.ActiveAtStart)],
                w["Chart.OfActive", ("rate", w.Percent(m.GrossMrrChurnRate)), ("part", money(m.MrrChurned)), ("whole", money(m.MrrAtStart))]])).ToArray());
        return new Chart(ChartKind.Line, w["Chart.MonthlyChurn"], months.Select(m => w.Short(m.Period, 1)).ToArray(),
            [new ChartSeries(w["Churn.LogoChurn"], logo), new ChartSeries(w["Churn.GrossMrrChurn"], mrr)], table)
        {
            XAxis = w["Chart.Month"],
            YAxis = w["Chart.ChurnedInMonth"],
            Culture = NumbersOf(w),
            Missing = w["Chart.None"],
            Unit = ChartUnit.Percent,
            Marks = [new ChartMark(w["Chart.Average", ("rate", w.Percent(averageLogo))], averageLogo, 0), new ChartMark(w["Chart.Average", ("rate", w.Percent(averageMrr))], averageMrr, 1)],
            Description = w["Chart.ChurnDescription", ("range", Range(w, months.Select(m => m.Period))), ("logo", w.Percent(averageLogo)), ("mrr", w.Percent(averageMrr))],
        };
    }

    /// <summary>The NPS of each quarter or month as a line, with the number of answers under each point.</summary>
    public static Chart NpsScores(Reader w, IReadOnlyList<Period> buckets, IReadOnlyList<NpsCounts> counts, int months) =>
        new(ChartKind.Line, w[months == 1 ? "Chart.NpsByMonth" : "Chart.NpsByQuarter"], buckets.Select(b => w.Short(b, months)).ToArray(),
            [new ChartSeries("NPS", counts.Select(c => c.Responses == 0 ? (double?)null : c.Score).ToArray())], NpsTable(w, buckets, counts, months))
        {
            XAxis = w[months == 1 ? "Chart.Month" : "Chart.Quarter"],
            YAxis = w["Chart.NpsAxis"],
            Culture = NumbersOf(w),
            Missing = w["Chart.None"],
            Unit = ChartUnit.Points,
            Notes = counts.Select(c => w.Plural("Chart.Answers", c.Responses)).ToArray(),
            NotesAxis = w["Chart.UnderEachAnswers", ("axis", w[months == 1 ? "Chart.Month" : "Chart.Quarter"])],
            Description = w[months == 1 ? "Chart.NpsMonthsDescription" : "Chart.NpsQuartersDescription", ("range", Range(w, buckets))],
        };

    /// <summary>Promoters, passives and detractors of each quarter or month as stacked bars.</summary>
    public static Chart NpsMix(Reader w, IReadOnlyList<Period> buckets, IReadOnlyList<NpsCounts> counts, int months) =>
        new(ChartKind.StackedBars, w["Chart.NpsMix"], buckets.Select(b => w.Short(b, months)).ToArray(),
        [
            new ChartSeries(w["Nps.Detractors"], counts.Select(c => (double?)c.Detractors).ToArray()) { Tone = ChartTone.Attention },
            new ChartSeries(w["Nps.Passives"], counts.Select(c => (double?)c.Passives).ToArray()) { Tone = ChartTone.Warning },
            new ChartSeries(w["Nps.Promoters"], counts.Select(c => (double?)c.Promoters).ToArray()) { Tone = ChartTone.Good },
        ], NpsTable(w, buckets, counts, months))
        {
            XAxis = w[months == 1 ? "Chart.Month" : "Chart.Quarter"],
            YAxis = w["Chart.AnswersAxis"],
            Culture = NumbersOf(w),
            Missing = w["Chart.None"],
            Unit = ChartUnit.Count,
            Description = w[months == 1 ? "Chart.MixMonthsDescription" : "Chart.MixQuartersDescription", ("range", Range(w, buckets))],
        };

    private static ChartTable NpsTable(Reader w, IReadOnlyList<Period> buckets, IReadOnlyList<NpsCounts> counts, int months) =>
        new(w[months == 1 ? "Chart.MonthByMonth" : "Chart.QuarterByQuarter"],
            [w[months == 1 ? "Chart.Month" : "Chart.Quarter"], "NPS", w["Chart.AnswersColumn"], w["Chart.PromotersColumn"], w["Chart.PassivesColumn"], w["Chart.DetractorsColumn"]],
            buckets.Select((b, i) => (IReadOnlyList<string>)[w.Label(b), counts[i].Responses == 0 ? w["Chart.None"] : Points(w, counts[i].Score), w.Count(counts[i].Responses),
                w.Count(counts[i].Promoters), w.Count(counts[i].Passives), w.Count(counts[i].Detractors)]).ToArray());

    /// <summary>The logo and net MRR retention of each monthly cohort as two lines, with the cohort's size under each point.</summary>
    public static Chart Cohorts(Reader w, IReadOnlyList<Cohort> cohorts, Func<decimal, string> money)
    {
        var measured = cohorts.Count == 0 ? "" : w.Date(cohorts[0].MeasuredOn);
        var table = new ChartTable(w["Chart.CohortByCohort"], [w["Chart.Cohort"], w["Chart.AccountsColumn"], w["Chart.LogoRetentionColumn"], w["Chart.NetMrrRetentionColumn"]],
            cohorts.Select(c => (IReadOnlyList<string>)(c.Accounts == 0
            ? [w.Label(c.Month), w.Count(0), w["Chart.None"], w["Chart.None"]]
            : [w.Label(c.Month), w.Count(c.Accounts), w["Chart.OfActive", ("rate", w.Percent(c.LogoRetention)), ("part", c.Retained), ("whole", c.Accounts)],
                w["Chart.OfActive", ("rate", w.Percent(c.NetMrrRetention)), ("part", money(c.MrrNow)), ("whole", money(c.StartMrr))]])).ToArray());
        return new Chart(ChartKind.Line, w["Chart.Cohorts"], cohorts.Select(c => w.Short(c.Month, 1)).ToArray(),
        [
            new ChartSeries(w["Retention.Logo"], cohorts.Select(c => c.Accounts == 0 ? (double?)null : c.LogoRetention).ToArray()),
            new ChartSeries(w["Retention.Net"], cohorts.Select(c => c.Accounts == 0 ? (double?)null : c.NetMrrRetention).ToArray()),
        ], table)
        {
            XAxis = w["Chart.CohortAxis"],
            YAxis = w["Chart.RetainedOn", ("date", measured)],
            Culture = NumbersOf(w),
            Missing = w["Chart.None"],
            Unit = ChartUnit.Percent,
            Notes = cohorts.Select(c => w.Plural("Chart.Accounts", c.Accounts)).ToArray(),
            NotesAxis = w["Chart.UnderEachAccounts", ("axis", w["Chart.CohortAxis"])],
            Description = w["Chart.CohortsDescription", ("date", measured), ("range", Range(w, cohorts.Select(c => c.Month)))],
        };
    }

    /// <summary>
    /// An account's weekly sessions and its health score at the end of each week, as two line charts with one table. The
    /// account's name is in the answer's title and the charts' descriptions, not in their titles, which some channels read as markup.
    /// </summary>
    public static (Chart Sessions, Chart Health) Account(Reader w, string name, IReadOnlyList<Period> weeks, IReadOnlyList<int> sessions, IReadOnlyList<int> scores, HealthOptions options)
    {
        var labels = weeks.Select(week => week.LastDay.ToString("d MMM", w.IsEnglish ? Format.Culture : w.Culture)).ToArray();
        var table = new ChartTable(w["Chart.WeekByWeek"], [w["Chart.WeekTo"], w["Chart.SessionsColumn"], w["Chart.HealthColumn"]],
            weeks.Select((week, i) => (IReadOnlyList<string>)[w.Day(week.LastDay), w.Count(sessions[i]), $"{scores[i]}/100"]).ToArray());
        var range = weeks.Count == 0 ? "" : w.Plural("Chart.Weeks", weeks.Count, ("from", w.Date(weeks[0].Start)), ("to", w.Date(weeks[^1].LastDay)));
        var usage = new Chart(ChartKind.Line, w["Chart.WeeklySessions"], labels, [new ChartSeries(w["Chart.Sessions"], sessions.Select(s => (double?)s).ToArray())], table)
        {
            XAxis = w["Chart.WeekTo"],
            YAxis = w["Chart.Sessions"],
            Culture = NumbersOf(w),
            Missing = w["Chart.None"],
            Unit = ChartUnit.Count,
            Description = w["Chart.SessionsDescription", ("account", name), ("range", range), ("first", sessions.FirstOrDefault()), ("last", sessions.LastOrDefault())],
        };
        var health = new Chart(ChartKind.Line, w["Chart.HealthScore"], labels, [new ChartSeries(w["Fact.Health"], scores.Select(s => (double?)s).ToArray())], table)
        {
            XAxis = w["Chart.WeekTo"],
            YAxis = w["Chart.ScoreAxis"],
            Culture = NumbersOf(w),
            Missing = w["Chart.None"],
            Unit = ChartUnit.Score,
            Marks =
            [
                new ChartMark(w["Chart.GoodFrom", ("score", options.GoodFrom)], options.GoodFrom, 0) { Tone = ChartTone.Good },
                new ChartMark(w["Chart.PoorBelow", ("score", options.PoorBelow)], options.PoorBelow, 0) { Tone = ChartTone.Attention },
            ],
            Description = w["Chart.HealthDescription", ("account", name), ("range", range), ("first", scores.FirstOrDefault()), ("last", scores.LastOrDefault()),
                ("good", options.GoodFrom), ("poor", options.PoorBelow)],
        };
        return (usage, health);
    }

    /// <summary>The active accounts over good, medium and poor health, as a donut.</summary>
    public static Chart Bands(Reader w, BandCounts bands, decimal goodMrr, decimal mediumMrr, decimal poorMrr, HealthOptions options, Func<decimal, string> money)
    {
        string Share(int n) => w["Nps.Share", ("count", n), ("share", w.Percent(Rates.Share(n, bands.Total)))];
        var table = new ChartTable(w["Chart.ByBand"], [w["Chart.Band"], w["Chart.AccountsColumn"], "MRR"],
        [
            [w["Chart.GoodBand", ("good", options.GoodFrom)], Share(bands.Good), money(goodMrr)],
            [w["Chart.MediumBand", ("poor", options.PoorBelow), ("top", options.GoodFrom - 1)], Share(bands.Medium), money(mediumMrr)],
            [w["Chart.PoorBand", ("poor", options.PoorBelow)], Share(bands.Poor), money(poorMrr)],
        ]);
        return new Chart(ChartKind.Donut, w["Chart.ByHealth"], [w["Chart.Good"], w["Chart.Medium"], w["Chart.Poor"]],
            [new ChartSeries(w["Chart.AccountsSeries"], [bands.Good, bands.Medium, bands.Poor])], table)
        {
            Culture = NumbersOf(w),
            Missing = w["Chart.None"],
            Unit = ChartUnit.Count,
            Tones = [ChartTone.Good, ChartTone.Warning, ChartTone.Attention],
            Description = w.Plural("Chart.BandsDescription", bands.Total, ("good", bands.Good), ("medium", bands.Medium), ("poor", bands.Poor)),
        };
    }

    /// <summary>A trend is one line per figure; a breakdown is asked without `trend`.</summary>
    public static Reply NoBreakdown(Reader w, string verb) => Reply.Refusal(w["Chart.OneTrendTitle"], w["Chart.OneTrend"], w["Chart.OneTrendNote", ("verb", verb)]);

    /// <summary>An NPS as points: "+12.5", "-3".</summary>
    public static string Points(Reader w, double score) => (score > 0 ? "+" : "") + w.Number(score);

    /// <summary>The culture a chart writes its numbers in: the reader's, or none for the English figures every English answer shows.</summary>
    private static string NumbersOf(Reader w) => w.IsEnglish ? "" : w.Culture.Name;

    private static string Range(Reader w, IEnumerable<Period> buckets)
    {
        var list = buckets.ToArray();
        return list.Length == 0 ? w["Chart.NoMonths"] : w["Chart.Range", ("from", w.Date(list[0].Start)), ("to", w.Date(list[^1].LastDay))];
    }
}
