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

    private static (Calibrated? Result, Func<Core.Language.Reader, string>? Refusal) Calibrate(HistoryBook history, TeamSettings team)
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

        var text = HealthCalibration.Describe(c, team.Health, team.ReaderIn(Core.Language.Languages.English));
        Assert.Contains("Logistic regression (MathNet.Numerics, L-BFGS-B) of \"cancelled within 90 days\"", text);
        Assert.Contains($"Checks__Health__BreadthWeight={c.Fitted.BreadthWeight.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)}", text);
        Assert.Contains("\"Checks\": { \"Health\": { \"RecencyWeight\": ", text);
        Assert.Contains("(nothing was changed)", text);
    }

    [Fact]
    public void The_fit_reads_in_the_readers_language_and_figures_while_the_settings_to_paste_stay_as_appsettings_takes_them()
    {
        var (history, team) = BreadthTellsLeavers(60);
        var c = Calibrate(history, team).Result!;

        var english = HealthCalibration.Describe(c, team.Health, team.ReaderIn(Core.Language.Languages.English));
        var german = Language.Spaces.Plain(HealthCalibration.Describe(c, team.Health, team.ReaderIn(System.Globalization.CultureInfo.GetCultureInfo("de"))));

        var breadth = c.Fitted.BreadthWeight.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith("Calibration of the health weights · fitted on 4 months from Oct 2025 to Jan 2026, reported on 6 months from Apr 2026 to Sep 2026 · 90-day horizon", english);
        Assert.StartsWith("Kalibrierung der Health-Gewichte · angepasst auf 4 Monate von Okt 2025 bis Jan 2026, ausgewertet auf 6 Monate von Apr 2026 bis Sep 2026 · Horizont 90 Tage", german);
        Assert.Contains("Logistische Regression (MathNet.Numerics, L-BFGS-B) von „gekündigt innerhalb von 90 Tagen“ auf die Komponentenwerte", german);
        // The table's headings and rows in German, its figures as a German writes them ("4 %", "0,8").
        Assert.Matches(@"\n  heutige Gewichte +\d+ % +\d+ % \(\d+ von \d+\) +\d+,\dx\n", german);
        Assert.Matches(@"\n  Funktionsbreite +-\d,\d\d\n", german);
        Assert.Matches(@"\n  breadth +-\d\.\d\d\n", english);
        Assert.Contains("Um die angepassten Gewichte zu verwenden, fügen Sie dies in appsettings.json ein (nichts wurde geändert):", german);
        // What is pasted is read by the host as settings: the same in every language.
        Assert.Contains($"Checks__Health__BreadthWeight={breadth}", german);
        Assert.Equal(english[english.IndexOf("  \"Checks\"", StringComparison.Ordinal)..].Split('\n').Where(l => l.StartsWith("  ")),
            german[german.IndexOf("  \"Checks\"", StringComparison.Ordinal)..].Split('\n').Where(l => l.StartsWith("  ")));
    }

    [Fact]
    public void Too_few_cancellations_to_report_on_are_refused_with_the_counts()
    {
        var (history, team) = BreadthTellsLeavers(24);

        var (result, refusal) = Calibrate(history, team);

        Assert.Null(result);
        var said = refusal!(team.ReaderIn(Core.Language.Languages.English));
        Assert.StartsWith("too few cancellations to calibrate on: ", said);
        Assert.Contains("each needs at least 20, or the figures are noise. Nothing was fitted or changed.", said);
    }
}
