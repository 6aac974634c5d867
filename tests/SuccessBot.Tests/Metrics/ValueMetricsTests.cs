using SuccessBot.Core.Metrics;
using SuccessBot.Core.Time;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Metrics;

public class ValueMetricsTests
{
    private static readonly string[] Core = ["reports", "dashboards"];

    [Fact]
    public void Adoption_is_500_of_1000_when_half_the_active_accounts_use_every_core_feature()
    {
        var book = new BookBuilder();
        var day = new DateOnly(2026, 10, 10);
        for (var i = 0; i < 1000; i++)
        {
            var a = An.Account().StartedOn(2025, 1, 1).Build();
            book.With(a);
            if (i < 500) book.Used(a, day, 5, "reports", "dashboards");
            else if (i < 700) book.Used(a, day, 5, "reports");
        }
        var result = ValueMetrics.Adoption(book.Build(), new Period(new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1), "October"), Core);

        Assert.Equal(1000, result.ActiveAccounts);
        Assert.Equal(500, result.Adopted);
        Assert.Equal(0.5, result.Rate);
        Assert.Equal([("reports", 700), ("dashboards", 500)], result.ByFeature);
    }

    [Fact]
    public void Clv_is_average_mrr_times_the_inverse_of_monthly_churn()
    {
        // 36 accounts at $100 at the start of each month, one cancels each month: 1/36 monthly churn, a 36-month life.
        var today = new DateOnly(2026, 11, 15);
        var book = new BookBuilder();
        for (var i = 0; i < 24; i++) book.With(An.Account().StartedOn(2020, 1, 1).Paying(100));
        for (var m = 1; m <= 12; m++)
        {
            var month = new DateOnly(2026, 11, 1).AddMonths(-m);
            // Each month one account leaves and one joins, so 36 are active at every month's start.
            book.With(An.Account().StartedOn(2020, 1, 1).Paying(100).CanceledOn(month.Year, month.Month, 10, "price"));
            book.With(An.Account().StartedOn(month.Year, month.Month, 10).Paying(100));
        }
        var clv = ValueMetrics.Clv(book.Build(), today);

        Assert.Equal(1.0 / 36, clv.MonthlyChurnRate, 10);
        Assert.Equal(100m, clv.AverageMrr);
        Assert.Equal(36, clv.ExpectedLifetimeMonths!.Value, 6);
        Assert.Equal(3600m, Math.Round(clv.LifetimeValue!.Value));
        Assert.Equal(12, clv.ChurnedAccounts);
    }

    [Fact]
    public void Realised_value_of_a_churned_account_is_what_it_paid_each_month()
    {
        var a = An.Account().StartedOn(2023, 1, 1).Paying(100).CanceledOn(2026, 1, 1).Build();
        Assert.Equal(3600m, ValueMetrics.RealisedValue(new BookBuilder().With(a).Build(), a));
    }

    [Fact]
    public void Time_to_value_is_the_median_days_to_the_first_core_feature()
    {
        var a = An.Account().StartedOn(2026, 9, 1).Build();
        var b = An.Account().StartedOn(2026, 9, 10).Build();
        var c = An.Account().StartedOn(2026, 9, 20).Build();
        var never = An.Account().StartedOn(2026, 9, 25).Build();
        var earlier = An.Account().StartedOn(2026, 1, 1).Build();
        var book = new BookBuilder().With(a, b, c, never, earlier)
            .Used(a, new DateOnly(2026, 9, 2), 3, "exports").Used(a, new DateOnly(2026, 9, 5), 3, "reports")   // 4 days
            .Used(b, new DateOnly(2026, 9, 20), 3, "dashboards")                                                  // 10 days
            .Used(c, new DateOnly(2026, 10, 20), 3, "reports")                                                    // 30 days
            .Used(never, new DateOnly(2026, 9, 26), 3, "exports")
            .Used(earlier, new DateOnly(2026, 9, 1), 3, "reports").Build();

        var ttv = ValueMetrics.TimeToValue(book, new Period(new DateOnly(2026, 9, 1), new DateOnly(2026, 10, 1), "September"), Core);

        Assert.Equal(4, ttv.Started);
        Assert.Equal(3, ttv.Reached);
        Assert.Equal(10, ttv.MedianDays);
    }
}
