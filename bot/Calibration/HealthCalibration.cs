using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using SuccessBot.Core.Backtest;
using SuccessBot.Core.Language;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Calibration;

/// <summary>Precision and recall of one way of flagging on the newer months, at a given number of flags.</summary>
public sealed record FlagFigures(int Flagged, int FlaggedThenCanceled, int CanceledFlagged, int Canceled, double? Precision, double? Recall, double? Lift);

/// <summary>What a calibration found: the months it fitted and reported on, the fitted weights, and the before/after figures.</summary>
/// <param name="Coefficients">Per component, the change in log-odds of cancelling per 100 points of its score (0 or less).</param>
/// <param name="PoorBelow">The score below which the fitted weights flag as many fit account-months as today's poor band did.</param>
public sealed record Calibrated(IReadOnlyList<DateOnly> FitMonths, IReadOnlyList<DateOnly> ReportMonths, int HorizonDays, int FitObservations, int FitCanceled,
    IReadOnlyDictionary<Signal, double> Coefficients, HealthOptions Fitted, int PoorBelow, FlagFigures Before, FlagFigures After, int Csms, double Weeks,
    int PoorNow);

/// <summary>
/// Fits the health weights to the book's history: a logistic regression of "cancelled within the horizon" on the component
/// scores (MathNet.Numerics' L-BFGS-B, each coefficient bounded at 0 so that a better component never raises the risk and
/// the weights stay weights), fitted on the older months whose horizon ends before the newer ones start, and reported on
/// the newer months at the alert volume today's poor band has there.
/// </summary>
public static class HealthCalibration
{
    private static readonly Signal[] Components = [.. Replay.Components];

    /// <summary>Weights a little above nothing keep the fit from resting on one lucky component; small enough to leave the signal alone.</summary>
    private const double Ridge = 1e-4;

    /// <returns>The fit, or why there is none, in a reader's words.</returns>
    public static (Calibrated? Result, Func<Reader, string>? Refusal) Fit(IReadOnlyList<Observation> observations, BacktestWindow window, HealthOptions current)
    {
        var split = window.Months.Count / 2;
        var reportMonths = window.Months.Skip(split).ToArray();
        if (split == 0 || reportMonths.Length == 0)
            return (null, w => w.Plural("Calibrate.TooFewMonths", window.Months.Count));
        // A fit month whose horizon reaches into the newer months would see their cancellations: it is left out.
        var fitMonths = window.Months.Take(split).Where(m => m.AddDays(window.HorizonDays) <= reportMonths[0]).ToArray();
        if (fitMonths.Length == 0)
            return (null, w => w.Plural("Calibrate.NoFitMonth", split, ("horizon", w.Plural("Calibrate.WithHorizon", window.HorizonDays))));
        var fit = observations.Where(o => o.Start <= fitMonths[^1]).ToArray();
        var report = observations.Where(o => o.Start >= reportMonths[0]).ToArray();
        var fitCanceled = CanceledAccounts(fit);
        var reportCanceled = CanceledAccounts(report);
        var needed = BacktestReport.MeaningfulCancellations;
        if (fitCanceled < needed || reportCanceled < needed)
            return (null, w => w.Plural("Calibrate.TooFewCancellations", fitCanceled, ("within", w.Plural("Accuracy.Within", window.HorizonDays)),
                ("fitted", BacktestAnswer.Months(w, fitMonths)), ("reported", reportCanceled), ("reportedOn", BacktestAnswer.Months(w, reportMonths)), ("needed", needed)));

        var used = Components.Where(c => fit.Any(o => Value(o.Scores, c) is not null)).ToArray();
        var means = used.ToDictionary(c => c, c => fit.Select(o => Value(o.Scores, c)).Where(v => v is not null).Average(v => v!.Value) / 100);
        var x = fit.Select(o => used.Select(c => (Value(o.Scores, c) ?? means[c] * 100) / 100).ToArray()).ToArray();
        var y = fit.Select(o => o.Canceled ? 1.0 : 0.0).ToArray();
        var b = Logistic(x, y);

        var coefficients = used.Select((c, i) => (c, b[i + 1])).ToDictionary(p => p.c, p => p.Item2);
        var total = coefficients.Values.Sum(v => -v);
        // Every coefficient at 0: no component tells leavers apart; today's weights stay.
        var fitted = total <= 1e-9 ? current : WithWeights(current, coefficients.ToDictionary(p => p.Key, p => Math.Max(0, Math.Round(100 * -p.Value / total, 1))));

        var poorBelow = Threshold(fit.Select(o => Health.Combine(o.Scores, fitted)).ToArray(), Volume(fit, current));
        var volume = Volume(report, current);
        var before = Figures(report, Lowest(report, report.Select(o => o.Score).ToArray(), volume));
        var after = Figures(report, Lowest(report, report.Select(o => Health.Combine(o.Scores, fitted)).ToArray(), volume));
        var weeks = (reportMonths[^1].AddMonths(1).DayNumber - reportMonths[0].DayNumber) / 7.0;
        var csms = report.Select(o => o.Owner).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        return (new Calibrated(fitMonths, reportMonths, window.HorizonDays, fit.Length, fitCanceled, coefficients, fitted, poorBelow, before, after, csms, weeks,
            report.Count(o => o.Score < current.PoorBelow)), null);
    }

    /// <summary>
    /// The alerts compared: as many as today's poor band raises, or, when it raises fewer, as many as there were account-months
    /// before a cancellation (a band that flags almost nobody would compare nothing).
    /// </summary>
    private static int Volume(IReadOnlyCollection<Observation> observations, HealthOptions current) =>
        Math.Max(observations.Count(o => o.Score < current.PoorBelow), observations.Count(o => o.Canceled));

    /// <summary>The fit in the reader's words and figures, and what to paste (setting names and values as appsettings.json takes them).</summary>
    public static string Describe(Calibrated c, HealthOptions current, Reader w)
    {
        var text = new StringBuilder();
        text.AppendLine(w["Calibrate.Title", ("fitted", BacktestAnswer.Months(w, c.FitMonths)), ("reported", BacktestAnswer.Months(w, c.ReportMonths)),
            ("horizon", w.Plural("Accuracy.Horizon", c.HorizonDays))]);
        text.AppendLine(w.Plural("Calibrate.Method", c.FitCanceled, ("within", w.Plural("Accuracy.Within", c.HorizonDays)), ("observations", w.Count(c.FitObservations))));
        text.AppendLine();
        var volume = c.PoorNow >= c.Before.Flagged ? w["Calibrate.VolumePoorBand"] : w["Calibrate.VolumeCancelled", ("poor", w.Count(c.PoorNow))];
        text.AppendLine(w["Calibrate.Compared", ("flags", w.Count(c.Before.Flagged)), ("rate", w.Number(Rate(c.Before.Flagged, c.Csms, c.Weeks), "0.0")), ("volume", volume)]);
        string[][] rows =
        [
            ["", w["Calibrate.Precision"], w["Calibrate.Recall"], w["Calibrate.Lift"]],
            .. new[] { (w["Calibrate.TodaysWeights"], c.Before), (w["Calibrate.FittedWeights"], c.After) }.Select(r => new[]
            {
                r.Item1, BacktestAnswer.Percent(w, r.Item2.Precision),
                w["Calibrate.RecallOf", ("recall", BacktestAnswer.Percent(w, r.Item2.Recall)), ("seen", w.Count(r.Item2.CanceledFlagged)), ("cancelled", w.Count(r.Item2.Canceled))],
                r.Item2.Lift is { } l ? w["Accuracy.Lift", ("lift", w.Number(l, "0.0"))] : w["Accuracy.NotAvailable"],
            }),
        ];
        // Names to the left, figures to the right under their headings, each column as wide as its widest cell.
        var widths = Enumerable.Range(0, 4).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
            text.AppendLine(("  " + row[0].PadRight(widths[0]) + string.Concat(Enumerable.Range(1, 3).Select(i => row[i].PadLeft(widths[i] + 3)))).TrimEnd());
        text.AppendLine();
        text.AppendLine(w["Calibrate.Coefficients"]);
        var names = c.Coefficients.Keys.ToDictionary(k => k, k => BacktestAnswer.ComponentName(w, k));
        var nameWidth = names.Values.Append("").Max(n => n.Length) + 2;
        foreach (var (component, value) in c.Coefficients) text.AppendLine($"  {names[component].PadRight(nameWidth)}{w.Number(value, "0.00").PadLeft(6)}");
        text.AppendLine();
        text.AppendLine(w["Calibrate.Paste"]);
        var settings = Settings(c, current);
        text.AppendLine("  \"Checks\": { \"Health\": { " + string.Join(", ", settings.Select(s => $"\"{s.Key}\": {s.Value}")) + " } }");
        text.AppendLine(w["Calibrate.Environment"]);
        foreach (var (key, value) in settings) text.AppendLine($"  Checks__Health__{key}={value}");
        return text.ToString();
    }

    private static IReadOnlyList<(string Key, string Value)> Settings(Calibrated c, HealthOptions current)
    {
        var inv = CultureInfo.InvariantCulture;
        var list = c.Coefficients.Keys.Select(k => (Key(k) + "Weight", Weight(c.Fitted, k).ToString("0.#", inv))).ToList();
        list.Add(("PoorBelow", c.PoorBelow.ToString(inv)));
        // The good band starts above the poor one, or the medium band would be empty.
        if (current.GoodFrom <= c.PoorBelow) list.Add(("GoodFrom", (c.PoorBelow + 1).ToString(inv)));
        return list;
    }

    /// <summary>Maximum likelihood with a small ridge; coefficient 0 is the intercept (bounded loosely), the others at most 0.</summary>
    private static double[] Logistic(double[][] x, double[] y)
    {
        var k = x[0].Length;
        var n = x.Length;
        var objective = ObjectiveFunction.Gradient(w =>
        {
            var gradient = Vector<double>.Build.Dense(k + 1);
            double loss = 0;
            for (var i = 0; i < n; i++)
            {
                var z = w[0];
                for (var j = 0; j < k; j++) z += w[j + 1] * x[i][j];
                // log(1 + e^z) - y z, written so that neither a large z nor a small one overflows.
                loss += (z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z))) - y[i] * z;
                var residual = 1 / (1 + Math.Exp(-z)) - y[i];
                gradient[0] += residual;
                for (var j = 0; j < k; j++) gradient[j + 1] += residual * x[i][j];
            }
            loss /= n;
            gradient.Divide(n, gradient);
            for (var j = 1; j <= k; j++)
            {
                loss += Ridge * w[j] * w[j];
                gradient[j] += 2 * Ridge * w[j];
            }
            return (loss, gradient);
        });
        var lower = Vector<double>.Build.Dense(k + 1, -30);
        var upper = Vector<double>.Build.Dense(k + 1, i => i == 0 ? 30 : 0);
        var rate = Math.Clamp(y.Average(), 1e-4, 1 - 1e-4);
        var start = Vector<double>.Build.Dense(k + 1, i => i == 0 ? Math.Log(rate / (1 - rate)) : -0.01);
        var result = new BfgsBMinimizer(1e-8, 1e-10, 1e-12, 2_000).FindMinimum(objective, lower, upper, start);
        return result.MinimizingPoint.ToArray();
    }

    /// <summary>The score below which as many of <paramref name="scores"/> fall as <paramref name="volume"/> (the nearest it can, scores being whole).</summary>
    private static int Threshold(int[] scores, int volume)
    {
        var best = (Threshold: 0, Miss: int.MaxValue);
        for (var t = 0; t <= 101; t++)
        {
            var miss = Math.Abs(scores.Count(s => s < t) - volume);
            if (miss < best.Miss) best = (t, miss);
        }
        return best.Threshold;
    }

    /// <summary>
    /// The <paramref name="volume"/> lowest scores flagged, so the volume is exact; equal scores in an order that owes nothing to
    /// the accounts (a fixed scramble of account and month), lest the book's own order pick the ones that left.
    /// </summary>
    private static bool[] Lowest(Observation[] observations, int[] scores, int volume)
    {
        var flagged = new bool[scores.Length];
        foreach (var i in Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ThenBy(i => Scramble(observations[i])).Take(volume)) flagged[i] = true;
        return flagged;
    }

    private static uint Scramble(Observation o) => unchecked(((uint)o.Position * 2654435761u) ^ ((uint)o.Month * 40503u + 0x9E3779B9u)) * 2246822519u;

    private static FlagFigures Figures(Observation[] observations, bool[] flagged)
    {
        var window = new BacktestWindow(observations.Select(o => o.Start).Distinct().Order().ToArray(), 0, null, 0, 0);
        var flags = observations.Select((o, i) => o with { Flags = flagged[i] ? Replay.Bit(Signal.PoorBand) : 0 });
        var figures = BacktestMetrics.Of(flags, window);
        var poor = figures[Signal.PoorBand];
        return new FlagFigures(poor.Flagged, poor.FlaggedThenCanceled, poor.CanceledFlagged, figures.CanceledAccounts, poor.Precision, poor.Recall, poor.Lift);
    }

    private static int CanceledAccounts(IEnumerable<Observation> observations) => observations.Where(o => o.Canceled).Select(o => o.Position).Distinct().Count();

    private static double? Value(ComponentScores s, Signal component) => component switch
    {
        Signal.Recency => s.Recency,
        Signal.Frequency => s.Frequency,
        Signal.Breadth => s.Breadth,
        Signal.Trend => s.Trend,
        Signal.Users => s.Users,
        Signal.Nps => s.Nps,
        _ => s.Renewal,
    };

    private static string Key(Signal component) => component.ToString();

    private static double Weight(HealthOptions o, Signal component) => component switch
    {
        Signal.Recency => o.RecencyWeight,
        Signal.Frequency => o.FrequencyWeight,
        Signal.Breadth => o.BreadthWeight,
        Signal.Trend => o.TrendWeight,
        Signal.Users => o.UsersWeight,
        Signal.Nps => o.NpsWeight,
        _ => o.RenewalWeight,
    };

    private static HealthOptions WithWeights(HealthOptions o, IReadOnlyDictionary<Signal, double> w) => o with
    {
        RecencyWeight = w.GetValueOrDefault(Signal.Recency, o.RecencyWeight),
        FrequencyWeight = w.GetValueOrDefault(Signal.Frequency, o.FrequencyWeight),
        BreadthWeight = w.GetValueOrDefault(Signal.Breadth, o.BreadthWeight),
        TrendWeight = w.GetValueOrDefault(Signal.Trend, o.TrendWeight),
        UsersWeight = w.GetValueOrDefault(Signal.Users, o.UsersWeight),
        NpsWeight = w.GetValueOrDefault(Signal.Nps, o.NpsWeight),
        RenewalWeight = w.GetValueOrDefault(Signal.Renewal, o.RenewalWeight),
    };

    private static double Rate(int flagged, int csms, double weeks) => csms == 0 || weeks == 0 ? 0 : flagged / (double)csms / weeks;
}
