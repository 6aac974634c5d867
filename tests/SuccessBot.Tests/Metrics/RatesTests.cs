using SuccessBot.Core.Metrics;

namespace SuccessBot.Tests.Metrics;

public class RatesTests
{
    [Fact]
    public void Churn_is_customers_lost_over_customers_at_the_start() => Assert.Equal(0.05, Rates.Churn(1000, 50), 10);

    [Fact]
    public void Churn_of_an_empty_start_is_zero_not_a_division_error() => Assert.Equal(0, Rates.Churn(0, 0));

    [Fact]
    public void Nps_is_percent_promoters_minus_percent_detractors() =>
        // 50 promoters, 30 passives, 20 detractors: 50% - 20% = 30.
        Assert.Equal(30, Rates.NetPromoterScore(50, 30, 20), 10);

    [Fact]
    public void Lifetime_value_is_revenue_per_month_times_months() => Assert.Equal(3600m, Rates.LifetimeValue(100m, 36));

    [Fact]
    public void Adoption_share_of_500_in_1000_is_half() => Assert.Equal(0.5, Rates.Share(500, 1000));

    [Fact]
    public void A_monthly_rate_annualises_over_twelve_months() =>
        Assert.Equal(1 - Math.Pow(0.95, 12), Rates.Annualise(0.05, 1), 10);

    [Fact]
    public void A_quarterly_rate_annualises_over_four_quarters() =>
        Assert.Equal(1 - Math.Pow(0.9, 4), Rates.Annualise(0.1, 3), 10);

    [Fact]
    public void Expected_lifetime_is_the_inverse_of_monthly_churn()
    {
        Assert.Equal(36, Rates.ExpectedLifetimeMonths(1.0 / 36)!.Value, 6);
        Assert.Null(Rates.ExpectedLifetimeMonths(0));
    }

    [Fact]
    public void Median_of_odd_and_even_counts()
    {
        Assert.Equal(5, Rates.Median([9, 1, 5]));
        Assert.Equal(4, Rates.Median([1, 3, 5, 9]));
        Assert.Equal(4, Rates.Median([9, 5, 3, 1]));
        Assert.Null(Rates.Median([]));
    }

    [Fact]
    public void A_rate_over_no_months_is_left_as_it_is() => Assert.Equal(0.05, Rates.Annualise(0.05, 0));

    [Fact]
    public void Nps_of_no_answers_is_zero_not_a_division_error() => Assert.Equal(0, Rates.NetPromoterScore(0, 0, 0));
}
