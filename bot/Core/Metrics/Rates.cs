namespace SuccessBot.Core.Metrics;

/// <summary>The formulas themselves, over counts and amounts.</summary>
public static class Rates
{
    /// <summary>Share of <paramref name="part"/> in <paramref name="whole"/>, as a fraction; 0 when the whole is 0.</summary>
    public static double Share(double part, double whole) => whole == 0 ? 0 : part / whole;

    /// <summary>Customers lost in a period over customers at its start: 50 of 1000 is 0.05.</summary>
    public static double Churn(int activeAtStart, int lost) => Share(lost, activeAtStart);

    /// <summary>A rate over <paramref name="months"/> months expressed over twelve: 1 - (1 - r)^(12 / months).</summary>
    public static double Annualise(double rate, double months) => months <= 0 ? rate : 1 - Math.Pow(1 - rate, 12 / months);

    /// <summary>NPS = % promoters - % detractors, from -100 to 100.</summary>
    public static double NetPromoterScore(int promoters, int passives, int detractors)
    {
        var total = promoters + passives + detractors;
        return total == 0 ? 0 : 100.0 * (promoters - detractors) / total;
    }

    /// <summary>Customer lifetime value: revenue per month times months retained ($100 x 36 = $3,600).</summary>
    public static decimal LifetimeValue(decimal revenuePerMonth, double monthsRetained) => revenuePerMonth * (decimal)monthsRetained;

    /// <summary>Expected lifetime in months from a monthly churn rate (1 / m); null when nothing churns.</summary>
    public static double? ExpectedLifetimeMonths(double monthlyChurn) => monthlyChurn <= 0 ? null : 1 / monthlyChurn;

    /// <summary>The median of <paramref name="values"/>; null for none.</summary>
    public static double? Median(IReadOnlyList<int> values)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }
}
