using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Time;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Metrics;

public class ChurnMetricsTests
{
    private static readonly Period February = new(new DateOnly(2026, 2, 1), new DateOnly(2026, 3, 1), "February 2026");

    /// <summary>1000 accounts active at the start of February, 50 of them cancel in February.</summary>
    private static BookOfBusiness ThousandWithFiftyCancelledInFebruary()
    {
        var accounts = Enumerable.Range(0, 1000).Select(i =>
        {
            var a = An.Account().StartedOn(2025, 6, 1).Paying(100);
            return i < 50 ? a.CanceledOn(2026, 2, 1 + i % 28, i % 3 == 0 ? "price" : "missing feature").Build() : a.Build();
        });
        // Noise that must not count: gone before February, started after it began, cancelled in March.
        var noise = new Account[]
        {
            An.Account().StartedOn(2025, 1, 1).CanceledOn(2026, 1, 31, "price"),
            An.Account().StartedOn(2026, 2, 10),
            An.Account().StartedOn(2025, 1, 1).CanceledOn(2026, 3, 1, "price"),
        };
        return new BookBuilder().With(accounts).With(noise).Build();
    }

    [Fact]
    public void February_churn_is_5_percent_when_50_of_1000_cancel()
    {
        var churn = ChurnMetrics.Churn(ThousandWithFiftyCancelledInFebruary(), February);

        Assert.Equal(1001, churn.ActiveAtStart); // the 1000, plus the one cancelled on 1 March, still a customer all February
        Assert.Equal(50, churn.Lost);
        Assert.Equal(50.0 / 1001, churn.LogoChurnRate, 10);
    }

    [Fact]
    public void Exactly_1000_at_the_start_and_50_lost_is_5_percent()
    {
        var accounts = Enumerable.Range(0, 1000).Select(i =>
            i < 50 ? An.Account().StartedOn(2025, 1, 1).CanceledOn(2026, 2, 14).Build() : An.Account().StartedOn(2025, 1, 1).Build());
        var churn = ChurnMetrics.Churn(new BookBuilder().With(accounts).Build(), February);

        Assert.Equal(1000, churn.ActiveAtStart);
        Assert.Equal(0.05, churn.LogoChurnRate, 10);
        Assert.Equal(5000m, churn.MrrChurned);
        Assert.Equal(0.05, churn.GrossMrrChurnRate, 10);
    }

    [Fact]
    public void An_account_cancelled_on_the_first_day_counts_in_that_month()
    {
        var book = new BookBuilder().With(An.Account().StartedOn(2025, 1, 1).CanceledOn(2026, 2, 1)).Build();

        Assert.Equal(1, ChurnMetrics.Churn(book, February).Lost);
        Assert.Equal(0, ChurnMetrics.Churn(book, February.Previous()).Lost);
    }

    [Fact]
    public void A_period_without_churn_is_zero_percent()
    {
        var book = new BookBuilder().With(An.Account().StartedOn(2025, 1, 1), An.Account().StartedOn(2025, 3, 1)).Build();
        var churn = ChurnMetrics.Churn(book, February);

        Assert.Equal(2, churn.ActiveAtStart);
        Assert.Equal(0, churn.LogoChurnRate);
        Assert.Empty(churn.Reasons);
    }

    [Fact]
    public void Reasons_are_ranked_by_count()
    {
        var churn = ChurnMetrics.Churn(ThousandWithFiftyCancelledInFebruary(), February);

        Assert.Equal(["missing feature", "price"], churn.Reasons.Select(r => r.Reason));
        Assert.Equal([33, 17], churn.Reasons.Select(r => r.Accounts));
    }

    [Fact]
    public void Reasons_with_as_many_accounts_are_ranked_by_the_mrr_they_took_summed_then_by_name()
    {
        var book = new BookBuilder().With(
            An.Account().StartedOn(2025, 1, 1).Paying(100).CanceledOn(2026, 2, 3, "price"),
            An.Account().StartedOn(2025, 1, 1).Paying(100).CanceledOn(2026, 2, 4, "price"),
            An.Account().StartedOn(2025, 1, 1).Paying(150).CanceledOn(2026, 2, 5, "budget cuts"),
            An.Account().StartedOn(2025, 1, 1).Paying(50).CanceledOn(2026, 2, 6, "budget cuts"),
            An.Account().StartedOn(2025, 1, 1).Paying(200).CanceledOn(2026, 2, 7, "acquired"),
            An.Account().StartedOn(2025, 1, 1).Paying(200).CanceledOn(2026, 2, 8, "acquired"),
            An.Account().StartedOn(2025, 1, 1).Paying(100).CanceledOn(2026, 2, 9, "champion left"),
            An.Account().StartedOn(2025, 1, 1).Paying(100).CanceledOn(2026, 2, 10, "champion left")).Build();

        var reasons = ChurnMetrics.Churn(book, February).Reasons;

        // Two accounts each: acquired took $400, then $200 three ways, in the order of their names.
        Assert.Equal(["acquired", "budget cuts", "champion left", "price"], reasons.Select(r => r.Reason));
        Assert.Equal([400m, 200m, 200m, 200m], reasons.Select(r => r.Mrr));
    }

    [Fact]
    public void Mrr_churn_uses_what_the_account_paid_at_the_start()
    {
        var grown = An.Account().StartedOn(2025, 1, 1).Paying(300).CanceledOn(2026, 2, 20).Build();
        var book = new BookBuilder().With(grown, An.Account().StartedOn(2025, 1, 1).Paying(100))
            .MrrChange(grown, 2025, 1, 1, 100).MrrChange(grown, 2026, 1, 15, 300).Build();

        var churn = ChurnMetrics.Churn(book, February);

        Assert.Equal(300m, churn.MrrChurned);
        Assert.Equal(400m, churn.MrrAtStart);
    }

    [Fact]
    public void Net_retention_counts_expansion_and_gross_does_not()
    {
        var expanding = An.Account().StartedOn(2025, 1, 1).Paying(150).Build();
        var shrinking = An.Account().StartedOn(2025, 1, 1).Paying(80).Build();
        var leaving = An.Account().StartedOn(2025, 1, 1).Paying(100).CanceledOn(2026, 2, 10).Build();
        var book = new BookBuilder().With(expanding, shrinking, leaving, An.Account().StartedOn(2025, 1, 1).Paying(100))
            .MrrChange(expanding, 2025, 1, 1, 100).MrrChange(expanding, 2026, 2, 15, 150)
            .MrrChange(shrinking, 2025, 1, 1, 100).MrrChange(shrinking, 2026, 2, 5, 80).Build();

        var r = ChurnMetrics.Retention(book, February);

        Assert.Equal(0.75, r.LogoRetentionRate, 10);
        Assert.Equal(400m, r.MrrAtStart);
        Assert.Equal((400 - 100 - 20) / 400.0, r.GrossMrrRetention, 10);
        Assert.Equal((400 - 100 - 20 + 50) / 400.0, r.NetMrrRetention, 10);
    }

    [Property(MaxTest = 200)]
    public Property Churn_and_retention_of_the_same_cohort_add_up_to_100_percent(PositiveInt seed) =>
        Prop.ToProperty(ChurnPlusRetentionIsOne(seed.Get));

    private static bool ChurnPlusRetentionIsOne(int seed)
    {
        var random = new Random(seed);
        var accounts = Enumerable.Range(0, random.Next(1, 200)).Select(_ =>
        {
            var start = new DateOnly(2025, 1, 1).AddDays(random.Next(0, 500));
            var a = An.Account().Build() with { StartedOn = start };
            return random.Next(3) == 0 ? a with { CanceledOn = start.AddDays(random.Next(0, 300)) } : a;
        }).ToArray();
        var book = new BookBuilder().With(accounts).Build();
        var from = new DateOnly(2025, 1, 1).AddDays(random.Next(0, 500));
        var period = new Period(from, from.AddDays(random.Next(1, 120)), "p");

        var churn = ChurnMetrics.Churn(book, period);
        var retention = ChurnMetrics.Retention(book, period);
        return churn.ActiveAtStart == retention.ActiveAtStart
            && (churn.ActiveAtStart == 0 || Math.Abs(churn.LogoChurnRate + retention.LogoRetentionRate - 1) < 1e-9);
    }
}
