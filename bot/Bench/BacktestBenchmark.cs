using System.Diagnostics;
using SuccessBot.Calibration;
using SuccessBot.Core.Backtest;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;

namespace SuccessBot.Bench;

/// <summary>
/// `bench backtest`: a 12-month backtest with a 90-day horizon over a generated book with 15 months of daily usage (the
/// issue's size: 100,000 accounts, and the 8 weeks health reads before the first month), then the calibration over the same months: time, memory allocated and peak resident memory.
/// </summary>
public static class BacktestBenchmark
{
    /// <summary>As the demo keeps: 15 months of daily usage and the 8 weeks before, so that all 12 months are replayed.</summary>
    public const int UsageDays = DemoGenerator.DefaultUsageDays;

    public static void Run(TextWriter output, BookOfBusiness book, DateOnly today)
    {
        var team = new TeamSettings { Texts = Settings.Texts, CoreFeatures = DemoGenerator.CoreFeatures, Managers = [DemoGenerator.Manager], Health = new HealthOptions { PlanSeats = DemoGenerator.PlanSeats } };
        var checks = new CheckOptions();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine();
        output.WriteLine($"Backtest over {book.Count:N0} accounts with {UsageDays} days of usage (read model {heap / 1024 / 1024:N0} MB managed, process {Benchmark.Resident("VmRSS")}; target < 60 s):");

        Benchmark.ResetPeakMemory();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var report = BacktestMetrics.Run(book, today, 12, 90, team, checks);
        var seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"  backtest, 12 months, 90-day horizon: {seconds:0.0} s for {report.Observations:N0} account-months ({report.Window.Months.Count} months replayed, "
            + $"{report.CanceledAccounts:N0} accounts cancelled within the horizon); {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024 / 1024:N0} MB allocated, peak memory {Benchmark.PeakMemory()}");
        output.WriteLine($"  any rule: recall {BacktestAnswer.Percent(report[Signal.AnyRule].Recall)}, precision {BacktestAnswer.Percent(report[Signal.AnyRule].Precision)}; base rate {BacktestAnswer.Percent(report.BaseRate, 1)}");

        Benchmark.ResetPeakMemory();
        clock.Restart();
        var observations = Replay.Observations(book, report.Window, team, checks).ToList();
        var replayed = clock.Elapsed.TotalSeconds;
        var (calibrated, refusal) = HealthCalibration.Fit(observations, report.Window, team.Health);
        output.WriteLine($"  calibrate: replay kept in memory {replayed:0.0} s, fit and report {clock.Elapsed.TotalSeconds - replayed:0.0} s; peak memory {Benchmark.PeakMemory()}; "
            + (calibrated is { } c ? $"precision {BacktestAnswer.Percent(c.Before.Precision)} to {BacktestAnswer.Percent(c.After.Precision)} at the same volume" : refusal!(team.ReaderIn(Core.Language.Languages.English))));
    }
}
