using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Time;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Metrics;

public class NpsAndHealthTests
{
    [Fact]
    public void Nps_counts_the_three_groups_and_compares_with_the_previous_quarter()
    {
        var a = An.Account().Build();
        var book = new BookBuilder().With(a)
            // Q3 2026: 2 promoters, 1 passive, 1 detractor: 50% - 25% = +25.
            .Answered(a, 10, 2026, 7, 2).Answered(a, 9, 2026, 8, 2).Answered(a, 7, 2026, 9, 2).Answered(a, 6, 2026, 9, 30)
            // Q2 2026: 1 promoter, 1 detractor: 0.
            .Answered(a, 9, 2026, 4, 2).Answered(a, 0, 2026, 6, 30)
            .Build();
        var q3 = PeriodParser.TryParse("Q3 2026", new DateOnly(2026, 11, 25))!;

        var nps = NpsMetrics.Nps(book, q3, TimeZoneInfo.Utc);

        Assert.Equal(new NpsCounts(2, 1, 1), nps.Current);
        Assert.Equal(25, nps.Current.Score, 10);
        Assert.Equal(new NpsCounts(1, 0, 1), nps.Previous);
        Assert.Equal(25, nps.Change!.Value, 10);
    }

    [Fact]
    public void Scores_nine_and_ten_promote_seven_and_eight_are_passive_and_six_or_less_detract()
    {
        var a = An.Account().Build();
        var book = new BookBuilder().With(a);
        for (var score = 0; score <= 10; score++) book.Answered(a, score, 2026, 10, 1 + score);
        var counts = NpsMetrics.Count(book.Build().NpsAnswers, new Period(new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1), "Oct"), TimeZoneInfo.Utc);

        Assert.Equal(new NpsCounts(2, 2, 7), counts);
    }

    [Fact]
    public void An_account_whose_usage_fell_away_is_poor_and_falling()
    {
        var today = new DateOnly(2026, 11, 25);
        var quiet = An.Account().StartedOn(2025, 1, 1).Build();
        var busy = An.Account().StartedOn(2025, 1, 1).Build();
        var book = new BookBuilder().With(quiet, busy);
        for (var d = 1; d <= 56; d++)
        {
            var day = today.AddDays(-d);
            if (d > 28) book.Used(quiet, day, 10, "reports", "dashboards");
            else if (d == 27) book.Used(quiet, day, 1);
            book.Used(busy, day, 10, "reports", "dashboards", "integrations");
        }
        var built = book.Build();
        string[] core = ["reports", "dashboards", "integrations"];
        var options = new HealthOptions();

        var poor = Health.Assess(built, quiet, today, core, options);
        var good = Health.Assess(built, busy, today, core, options);

        Assert.Equal(HealthBand.Poor, poor.Band);
        Assert.True(poor.IsFalling);
        Assert.Equal(1.0 / 270 - 1, poor.SessionTrend!.Value, 6); // 27 days of 10 sessions in the 4 weeks before, then 1
        Assert.Equal(HealthBand.Good, good.Band);
        Assert.False(good.IsFalling);
        Assert.Equal(today.AddDays(-1), good.LastActive(today));
    }

    [Fact]
    public void Breadth_counts_each_core_feature_used_on_any_day_of_the_last_four_weeks_whatever_its_case()
    {
        var today = new DateOnly(2026, 11, 25);
        var account = An.Account().StartedOn(2025, 1, 1).Build();
        var book = new BookBuilder().With(account)
            .Used(account, today.AddDays(-3), 5, "Reports").Used(account, today.AddDays(-2), 5, "exports").Used(account, today.AddDays(-1), 5, "DASHBOARDS", "exports")
            // Integrations were used five weeks ago: outside the window.
            .Used(account, today.AddDays(-35), 5, "integrations")
            .Build();

        var facts = Health.Assess(book, account, today, ["reports", "dashboards", "integrations"], new HealthOptions()).Facts;

        Assert.Equal((2, 3), (facts.CoreFeaturesUsed, facts.CoreFeatures));
        Assert.Equal(1, Health.Assess(book, account, today.AddDays(-2), ["reports", "dashboards", "integrations"], new HealthOptions()).Facts.CoreFeaturesUsed);
    }

    [Fact]
    public void A_new_version_of_the_book_reassesses_the_account_a_write_changed_and_keeps_the_others_assessment()
    {
        var today = new DateOnly(2026, 11, 25);
        var quiet = An.Account().StartedOn(2025, 1, 1).Build();
        var other = An.Account().StartedOn(2025, 1, 1).Build();
        var book = new BookBuilder().With(quiet, other);
        for (var d = 1; d <= 56; d++) book.Used(other, today.AddDays(-d), 10, "reports");
        var before = book.Build();
        string[] core = ["reports"];
        var options = new HealthOptions();
        var quietBefore = Health.Assess(before, quiet, today, core, options);
        var otherBefore = Health.Assess(before, other, today, core, options);

        var after = before.Apply([new UsageDaysCounted([new UsageDay(quiet.Id, today, 3, 12, 60, ["reports"])])]);

        var quietAfter = Health.Assess(after, quiet, today, core, options);
        Assert.Equal((0, 1), (quietBefore.Facts.ActiveDays, quietAfter.Facts.ActiveDays));
        Assert.Equal(0, quietAfter.Facts.DaysIdle);
        Assert.Same(otherBefore, Health.Assess(after, other, today, core, options));
        // The same history on another day, or under other settings, is assessed again.
        Assert.Equal(0, Health.Assess(after, quiet, today.AddDays(40), core, options).Facts.ActiveDays);
        Assert.Equal(HealthBand.Poor, Health.Assess(after, quiet, today, core, options with { GoodFrom = 101, PoorBelow = 101 }).Band);
    }
}
