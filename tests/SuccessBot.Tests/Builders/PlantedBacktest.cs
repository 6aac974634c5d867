using SuccessBot.Core.Backtest;

namespace SuccessBot.Tests.Builders;

/// <summary>A backtest with figures set by hand, as `health accuracy` would have kept it: Oct 2025 to Sep 2026, a 90-day horizon.</summary>
public static class PlantedBacktest
{
    public static readonly BacktestWindow Window = new(Enumerable.Range(0, 12).Select(m => new DateOnly(2025, 10, 1).AddMonths(m)).ToArray(), 90, new DateOnly(2025, 6, 1), 12, 0);

    /// <summary>
    /// 36 accounts cancelled by default. Falling usage: 22 of them seen (61%), 44 days ahead on median, 22 of 120 flags (18%);
    /// health drop: 18 (50%), 30 days, 12 of 120 (10%); detractor and renewal risk: 9 (25%), 21 days, 9 of 60 (15%); inactivity never flagged.
    /// </summary>
    public static BacktestReport Report(int canceledAccounts = 36)
    {
        SignalFigures Figures(Signal s, int flagged, int hits, int seen, double? lead) =>
            new(s, flagged, hits, seen, flagged == 0 ? null : (double)hits / flagged, flagged == 0 ? null : (double)hits / flagged / 0.03,
                (double)seen / canceledAccounts, lead, flagged / 3.0 / 52);
        var figures = Enum.GetValues<Signal>().Select(s => s switch
        {
            Signal.FallingUsage => Figures(s, 120, 22, 22, 44),
            Signal.HealthDrop => Figures(s, 120, 12, 18, 30),
            Signal.Detractor or Signal.RenewalRisk or Signal.PoorBand => Figures(s, 60, 9, 9, 21),
            _ => Figures(s, 0, 0, 0, null),
        }).ToArray();
        return new BacktestReport(Window, 1_000, 12_000, 360, canceledAccounts, 3, 52, figures);
    }

    public const string FallingUsage = "in the last backtest (Oct 2025 to Sep 2026) this rule flagged 61% of the accounts that later cancelled, 44 days ahead on median; 18% of its flags were followed by a cancellation within 90 days";
    public const string HealthDrop = "in the last backtest (Oct 2025 to Sep 2026) this rule flagged 50% of the accounts that later cancelled, 30 days ahead on median; 10% of its flags were followed by a cancellation within 90 days";
    public const string Quarter = "in the last backtest (Oct 2025 to Sep 2026) this rule flagged 25% of the accounts that later cancelled, 21 days ahead on median; 15% of its flags were followed by a cancellation within 90 days";
}
