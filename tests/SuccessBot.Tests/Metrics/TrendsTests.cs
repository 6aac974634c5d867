using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Time;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Metrics;

/// <summary>The figures the charts draw, against worked examples, and the charts' points against the pure metric functions.</summary>
public class TrendsTests
{
    private static readonly SuccessBot.Core.Language.Reader English = new(SuccessBot.Settings.Texts, SuccessBot.Core.Language.Languages.English);

    private static readonly DateOnly Today = new(2026, 11, 25);

    private static Period Asked(string words) => PeriodParser.TryParse(words, Today)!.UpTo(Today);

    [Fact]
    public void The_last_12_months_are_twelve_whole_months_and_this_year_ends_with_the_running_month_to_date()
    {
        var months = Trends.Buckets(Asked("last 12 months"), 1);
        var year = Trends.Buckets(Asked("this year"), 1);
        var quarters = Trends.Buckets(Asked("last 4 quarters"), 3);

        Assert.Equal(["November 2025", "December 2025", "January 2026", "February 2026", "March 2026", "April 2026", "May 2026", "June 2026",
            "July 2026", "August 2026", "September 2026", "October 2026"], months.Select(m => m.Label));
        Assert.Equal(11, year.Count);
        Assert.Equal((new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 26)), (year[^1].Start, year[^1].EndExclusive));
        Assert.Equal(["Q4 2025", "Q1 2026", "Q2 2026", "Q3 2026"], quarters.Select(q => q.Label));
        Assert.Equal(["Q4 '25", "Q1 '26", "Q2 '26", "Q3 '26"], quarters.Select(q => Trends.Short(q, 3)));
    }

    /// <summary>
    /// 20 accounts from 2025; 2 cancel in March (one of them paid 300), 1 in May; a new one starts in April. March: 2 of 20
    /// (10%), $400 of $2,200 (18.2%); April: 0 of 18; May: 1 of 19 (5.3%), $100 of $1,900.
    /// </summary>
    [Fact]
    public void Monthly_churn_is_each_months_churn_with_the_average_of_the_months()
    {
        var accounts = Enumerable.Range(0, 17).Select(_ => (Account)An.Account().StartedOn(2025, 1, 1).Paying(100)).ToList();
        accounts.Add(An.Account().StartedOn(2025, 1, 1).Paying(300).CanceledOn(2026, 3, 10, "price"));
        accounts.Add(An.Account().StartedOn(2025, 1, 1).Paying(100).CanceledOn(2026, 3, 31, "price"));
        accounts.Add(An.Account().StartedOn(2025, 1, 1).Paying(100).CanceledOn(2026, 5, 2, "budget"));
        accounts.Add(An.Account().StartedOn(2026, 4, 15).Paying(100));
        var book = new BookBuilder().With(accounts).Build();
        var spring = new Period(new DateOnly(2026, 3, 1), new DateOnly(2026, 6, 1), "spring");

        var months = Trends.Churn(book, Trends.Buckets(spring, 1));

        Assert.Equal([(20, 2), (18, 0), (19, 1)], months.Select(m => (m.ActiveAtStart, m.Lost)));
        Assert.Equal(0.1, months[0].LogoChurnRate, 10);
        Assert.Equal(400.0 / 2200, months[0].GrossMrrChurnRate, 10);
        Assert.Equal(1.0 / 19, months[2].LogoChurnRate, 10);
        Assert.Equal((0.1 + 0 + 1.0 / 19) / 3, Trends.Average(months, m => m.LogoChurnRate)!.Value, 10);
        // Each month is exactly the churn figure of that month.
        foreach (var month in months)
            Assert.Equal((ChurnMetrics.Churn(book, month.Period).Lost, ChurnMetrics.Churn(book, month.Period).MrrChurned), (month.Lost, month.MrrChurned));
    }

    [Fact]
    public void The_churn_charts_points_are_the_monthly_figures_and_a_month_without_customers_is_a_gap()
    {
        var book = new BookBuilder().With(
            An.Account().StartedOn(2026, 2, 10).Paying(100),
            An.Account().StartedOn(2026, 2, 10).Paying(100).CanceledOn(2026, 4, 3)).Build();
        var months = Trends.Churn(book, Trends.Buckets(new Period(new DateOnly(2026, 1, 1), new DateOnly(2026, 5, 1), "jan-apr"), 1));

        var chart = TrendCharts.Churn(English, months, m => "$" + m);

        Assert.Equal(ChartKind.Line, chart.Kind);
        Assert.Equal(["Jan '26", "Feb '26", "Mar '26", "Apr '26"], chart.Labels);
        Assert.Equal(months.Select(m => m.ActiveAtStart == 0 ? (double?)null : m.LogoChurnRate), chart.Series[0].Values);
        Assert.Equal(months.Select(m => m.ActiveAtStart == 0 ? (double?)null : m.GrossMrrChurnRate), chart.Series[1].Values);
        Assert.Equal(new double?[] { null, null, 0.0, 0.5 }, chart.Series[0].Values);
        Assert.Equal(0.25, chart.Marks[0].Value, 10);
        Assert.Equal(["January 2026", "no customers at the start", "none"], chart.Table.Rows[0]);
        Assert.Equal(["April 2026", "50.0% (1 of 2)", "50.0% ($100 of $200)"], chart.Table.Rows[3]);
        Assert.Contains("April 2026: logo churn 50.0% (1 of 2); gross MRR churn 50.0% ($100 of $200)", chart.Section().Lines);
    }

    [Fact]
    public void NPS_answers_count_in_the_quarter_of_their_day_in_the_teams_time_zone()
    {
        var acme = An.Account().StartedOn(2024, 1, 1).Build();
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var answers = new[]
        {
            new NpsAnswer(acme.Id, "a@x.example", 10, null, new DateTimeOffset(2026, 8, 1, 12, 0, 0, TimeSpan.Zero)),
            new NpsAnswer(acme.Id, "b@x.example", 9, null, new DateTimeOffset(2026, 8, 2, 12, 0, 0, TimeSpan.Zero)),
            new NpsAnswer(acme.Id, "c@x.example", 3, null, new DateTimeOffset(2026, 9, 1, 12, 0, 0, TimeSpan.Zero)),
            // 23:30 UTC on 30 September is 1 October in Berlin: Q4 there.
            new NpsAnswer(acme.Id, "d@x.example", 8, null, new DateTimeOffset(2026, 9, 30, 23, 30, 0, TimeSpan.Zero)),
            new NpsAnswer(acme.Id, "e@x.example", 0, null, new DateTimeOffset(2026, 10, 5, 12, 0, 0, TimeSpan.Zero)),
        };
        var book = new BookOfBusiness([acme], [], [], answers);
        var quarters = Trends.Buckets(new Period(new DateOnly(2026, 7, 1), new DateOnly(2027, 1, 1), "h2"), 3);

        var counts = Trends.Nps(book, quarters, berlin);
        var utc = Trends.Nps(book, quarters, TimeZoneInfo.Utc);

        Assert.Equal([new NpsCounts(2, 0, 1), new NpsCounts(0, 1, 1)], counts);
        Assert.Equal([new NpsCounts(2, 1, 1), new NpsCounts(0, 0, 1)], utc);
        Assert.Equal(100.0 * (2 - 1) / 3, counts[0].Score, 10);
        for (var q = 0; q < quarters.Count; q++) Assert.Equal(NpsMetrics.Count(answers, quarters[q], berlin), counts[q]);
    }

    [Fact]
    public void The_nps_charts_draw_each_score_with_its_answers_and_the_mix_as_stacked_bars()
    {
        var quarters = Trends.Buckets(new Period(new DateOnly(2026, 1, 1), new DateOnly(2026, 10, 1), "q1-q3"), 3);
        var counts = new[] { new NpsCounts(6, 2, 2), new NpsCounts(0, 0, 0), new NpsCounts(1, 1, 2) };

        var scores = TrendCharts.NpsScores(English, quarters, counts, 3);
        var mix = TrendCharts.NpsMix(English, quarters, counts, 3);

        Assert.Equal(new double?[] { 40.0, null, -25.0 }, scores.Series[0].Values);
        Assert.Equal(["10 answers", "0 answers", "4 answers"], scores.Notes);
        Assert.Equal(ChartKind.StackedBars, mix.Kind);
        Assert.Equal([[2.0, 0, 2], [2.0, 0, 1], [6.0, 0, 1]], mix.Series.Select(s => s.Values.Select(v => v!.Value).ToArray()));
        Assert.Equal([ChartTone.Attention, ChartTone.Warning, ChartTone.Good], mix.Series.Select(s => s.Tone));
        Assert.Equal(["Q1 2026", "+40", "10", "6", "2", "2"], scores.Table.Rows[0]);
    }

    /// <summary>
    /// January: 3 accounts start at $100 each; one cancels in March, one grows to $250. On 31 May: 2 of 3 retained (66.7%),
    /// paying $350 of $300 (116.7%). February: one account at $200 that shrinks to $150: 1 of 1, 75%. March: none started.
    /// </summary>
    [Fact]
    public void Each_monthly_cohort_keeps_its_accounts_and_their_mrr_from_the_day_each_started()
    {
        var a = An.Account().StartedOn(2026, 1, 5).Paying(100).Build();
        var b = An.Account().StartedOn(2026, 1, 20).Paying(100).CanceledOn(2026, 3, 3).Build();
        var c = An.Account().StartedOn(2026, 1, 31).Paying(250).Build();
        var d = An.Account().StartedOn(2026, 2, 1).Paying(150).Build();
        var before = An.Account().StartedOn(2025, 12, 31).Build();
        var book = new BookBuilder().With(a, b, c, d, before)
            .MrrChange(c, 2026, 1, 31, 100).MrrChange(c, 2026, 4, 1, 250)
            .MrrChange(d, 2026, 2, 1, 200).MrrChange(d, 2026, 5, 1, 150).Build();
        var months = Trends.Buckets(new Period(new DateOnly(2026, 1, 1), new DateOnly(2026, 4, 1), "q1"), 1);

        var cohorts = Trends.Cohorts(book, months, new DateOnly(2026, 5, 31));

        Assert.Equal([(3, 2, 300m, 350m), (1, 1, 200m, 150m), (0, 0, 0m, 0m)], cohorts.Select(x => (x.Accounts, x.Retained, x.StartMrr, x.MrrNow)));
        Assert.Equal(2.0 / 3, cohorts[0].LogoRetention, 10);
        Assert.Equal(350.0 / 300, cohorts[0].NetMrrRetention, 10);
        var chart = TrendCharts.Cohorts(English, cohorts, m => "$" + m);
        Assert.Equal(new double?[] { 2.0 / 3, 1.0, null }, chart.Series[0].Values);
        Assert.Equal(new double?[] { 350.0 / 300, 0.75, null }, chart.Series[1].Values);
    }

    [Fact]
    public void Weekly_sessions_sum_each_seven_days_ending_today_and_health_is_the_score_at_each_weeks_end()
    {
        var acme = An.Account().StartedOn(2026, 1, 1).Build();
        var builder = new BookBuilder().With(acme);
        for (var day = Today.AddDays(-27); day <= Today; day = day.AddDays(1)) builder.Used(acme, day, sessions: day >= Today.AddDays(-6) ? 2 : 10, "reports");
        var book = builder.Build();
        var weeks = Trends.Weeks(Today, 12);

        var sessions = Trends.Sessions(book, acme, weeks);
        var scores = Trends.HealthScores(book, acme, weeks, ["reports"], new HealthOptions());

        Assert.Equal((new DateOnly(2026, 9, 3), Today), (weeks[0].Start, weeks[^1].LastDay));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 70, 70, 70, 14], sessions);
        Assert.Equal(weeks.Select(w => Health.Assess(book, acme, w.LastDay, ["reports"], new HealthOptions()).Score), scores);
    }

    [Fact]
    public void The_book_splits_over_good_medium_and_poor_as_the_health_score_bands_it()
    {
        var account = An.Account().Build();
        HealthReport Report(int score, HealthBand band) => new(account, score, band, new HealthFacts(0, 0, 0, 0, 0, 0, null, 0, null, null), new HealthOptions());

        var bands = Trends.Bands([Report(90, HealthBand.Good), Report(75, HealthBand.Good), Report(50, HealthBand.Medium), Report(10, HealthBand.Poor)]);
        var chart = TrendCharts.Bands(English, bands, 300, 100, 50, new HealthOptions(), m => "$" + m);

        Assert.Equal(new BandCounts(2, 1, 1), bands);
        Assert.Equal(new double?[] { 2.0, 1.0, 1.0 }, chart.Series[0].Values);
        Assert.Equal(["good (70 and up)", "2 (50.0%)", "$300"], chart.Table.Rows[0]);
    }
}
