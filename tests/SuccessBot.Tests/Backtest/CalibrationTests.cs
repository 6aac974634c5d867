using SuccessBot.Calibration;
using SuccessBot.Core.Backtest;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;

namespace SuccessBot.Tests.Backtest;

public class CalibrationTests
{
    private static readonly string[] Owners = ["ana@example.com", "ben@example.com", "chloe@example.com"];

    /// <summary>
    /// Leavers stop using the core features 60 days before they cancel but keep logging in every day; loyal accounts that
    /// use the product only on the first three days of each month never leave. Today's weights (with poor below 65) flag the
    /// loyal ones and miss the leavers.
    /// </summary>
    private static (HistoryBook History, TeamSettings Team) BreadthTellsLeavers(int leavers)
    {
        var history = new HistoryBook();
        for (var i = 0; i < leavers; i++)
        {
            var gone = new DateOnly(2025, 11, 5).AddDays(i * 300 / leavers);
            history.Using(Owners[i % 3], gone, day => day < gone.AddDays(-60) ? (10, HistoryBook.Core) : (10, new[] { "exports" }));
        }
        for (var i = 0; i < 90; i++) history.Using(Owners[i % 3], null, day => day.Day <= 3 ? (10, HistoryBook.Core) : null);
        for (var i = 0; i < 90; i++) history.Steady(Owners[i % 3]);
        return (history, new TeamSettings { Texts = SuccessBot.Settings.Texts, CoreFeatures = HistoryBook.Core, Health = new HealthOptions { PoorBelow = 65, GoodFrom = 70 } });
    }

    private static (Calibrated? Result, string? Refusal) Calibrate(HistoryBook history, TeamSettings team)
    {
        var book = history.Build();
        var window = Replay.Window(book, HistoryBook.Today, 12, 90);
        return HealthCalibration.Fit(Replay.Observations(book, window, team, new CheckOptions()).ToList(), window, team.Health);
    }

    [Fact]
    public void Weights_fitted_on_the_older_months_raise_precision_on_the_newer_ones_at_the_same_alert_volume()
    {
        var (history, team) = BreadthTellsLeavers(60);

        var (result, refusal) = Calibrate(history, team);

        Assert.Null(refusal);
        var c = result!;
        // Fitted on October to January (their 90 days end by April), reported on April to September.
        Assert.Equal(new[] { new DateOnly(2025, 10, 1), new DateOnly(2025, 11, 1), new DateOnly(2025, 12, 1), new DateOnly(2026, 1, 1) }, c.FitMonths);
        Assert.Equal(new DateOnly(2026, 4, 1), c.ReportMonths[0]);
        Assert.Equal(c.Before.Flagged, c.After.Flagged);
        Assert.True(c.Before.Precision < 0.05, $"today's weights: precision {c.Before.Precision}");
        Assert.True(c.After.Precision > c.Before.Precision + 0.05, $"precision {c.Before.Precision} to {c.After.Precision}");
        Assert.True(c.After.Recall > c.Before.Recall, $"recall {c.Before.Recall} to {c.After.Recall}");
        Assert.True(c.Fitted.BreadthWeight > c.Fitted.RecencyWeight + c.Fitted.FrequencyWeight, $"breadth {c.Fitted.BreadthWeight}, recency {c.Fitted.RecencyWeight}, frequency {c.Fitted.FrequencyWeight}");

        var text = HealthCalibration.Describe(c, team.Health);
        Assert.Contains("Logistic regression (MathNet.Numerics, L-BFGS-B) of \"cancelled within 90 days\"", text);
        Assert.Contains($"Checks__Health__BreadthWeight={c.Fitted.BreadthWeight.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)}", text);
        Assert.Contains("\"Checks\": { \"Health\": { \"RecencyWeight\": ", text);
        Assert.Contains("(nothing was changed)", text);
    }

    [Fact]
    public void Too_few_cancellations_to_report_on_are_refused_with_the_counts()
    {
        var (history, team) = BreadthTellsLeavers(24);

        var (result, refusal) = Calibrate(history, team);

        Assert.Null(result);
        Assert.StartsWith("too few cancellations to calibrate on: ", refusal);
        Assert.Contains("each needs at least 20, or the figures are noise. Nothing was fitted or changed.", refusal);
    }
}
