using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Nudges;

/// <summary>
/// The order of a day's cards over the budget, as `Checks:MaxNudgesPerDay` promises it: MRR at stake x nearness of renewal
/// (1 beyond 90 days, up to 4 on the day) x risk (1 at health 100, up to 5 at 0).
/// </summary>
public class UrgencyTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static HealthReport Scored(Account account, int score) =>
        new(account, score, HealthBand.Medium, new HealthFacts(0, 20, 3, 3, 100, 100, null, 1, null, null), new HealthOptions());

    private static double Of(AccountBuilder account, int score = 100)
    {
        var built = account.Build();
        return Urgency.Of(built, Scored(built, score), Today);
    }

    [Theory]
    [InlineData(0, 4.0)]
    [InlineData(45, 2.5)]
    [InlineData(89, 1 + 1 / 30.0)]
    [InlineData(90, 1.0)]
    [InlineData(120, 1.0)]
    [InlineData(-1, 1.0)]
    public void A_renewal_counts_four_times_on_its_day_and_not_at_all_beyond_ninety_days_or_once_past(int daysToRenewal, double nearness)
    {
        var renewal = Today.AddDays(daysToRenewal);

        Assert.Equal(100 * nearness, Of(An.Account().Paying(100).RenewsOn(renewal.Year, renewal.Month, renewal.Day)), 9);
    }

    [Theory]
    [InlineData(100, 1.0)]
    [InlineData(50, 3.0)]
    [InlineData(0, 5.0)]
    [InlineData(-20, 5.0)]
    [InlineData(130, 1.0)]
    public void Poor_health_counts_up_to_five_times(int score, double risk)
    {
        Assert.Equal(100 * risk, Of(An.Account().Paying(100), score), 9);
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(0.5, 1.0)]
    [InlineData(4200, 4200.0)]
    public void Free_accounts_still_order_by_renewal_and_health_as_if_they_paid_one(double mrr, double atStake)
    {
        Assert.Equal(atStake * 4 * 5, Of(An.Account().Paying((decimal)mrr).RenewsOn(2026, 11, 25), 0), 9);
    }
}
