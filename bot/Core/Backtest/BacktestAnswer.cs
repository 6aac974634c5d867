using System.Globalization;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;

namespace SuccessBot.Core.Backtest;

/// <summary>A backtest as people read it, the same in chat (`health accuracy`) and at the command line (`backtest`).</summary>
public static class BacktestAnswer
{
    public static Reply Of(BacktestReport report, TeamSettings team, CheckOptions checks)
    {
        var window = report.Window;
        if (window.IsEmpty) return Reply.Refusal("Health accuracy · nothing to replay", NothingToReplay(window));

        var title = $"Health accuracy · {Months(window)} · {window.HorizonDays}-day horizon · all accounts";
        var any = report[Signal.AnyRule];
        var summary = report.CanceledAccounts == 0
            ? $"No account cancelled within {window.HorizonDays} days of a month replayed, so there was nothing to see coming; {Count(any.Flagged)} account-months were flagged."
            : $"Had the team followed the alerts, it would have seen {Count(any.CanceledFlagged)} of the {Count(report.CanceledAccounts)} accounts that cancelled coming ({Percent(any.Recall)})"
              + (any.MedianLeadDays is { } lead ? $", {Days(lead)} ahead on median" : "")
              + $"; {Percent(any.Precision)} of the accounts flagged cancelled within {window.HorizonDays} days, {Times(any.Lift)} the base rate of {Percent(report.BaseRate, decimals: 1)}.";
        var notes = new List<string>
        {
            $"Each month every customer is scored from what was known the day before (usage, NPS answers, the account as it stood; renewals a whole number of years from the renewal date, or from the start when there is none), "
            + $"with the rules and bands as configured now, and compared with the next {window.HorizonDays} days. Recall and lead time count accounts; precision, lift and alerts count account-months.",
        };
        if (window.MonthsLeftOut > 0)
            notes.Add($"{window.MonthsLeftOut} of the {window.MonthsAsked} months asked for are left out: {UsageStart(window)}, and health reads the 8 weeks before a month.");
        if (!report.IsMeaningful)
            notes.Insert(0, $"Not meaningful yet: only {Count(report.CanceledAccounts)} account(s) cancelled within {window.HorizonDays} days of a month replayed. "
                + $"With fewer than {BacktestReport.MeaningfulCancellations}, one cancellation more or less moves recall by 5 points or more.");

        return new Reply(title)
        {
            Summary = summary,
            Facts =
            [
                new("Months replayed", $"{window.Months.Count} (outcomes through {Format.Day(window.OutcomesThrough!.Value)})"),
                new("Accounts scored", $"{Count(report.Accounts)} ({Count(report.Observations)} account-months)"),
                new("Cancelled within the horizon", $"{Count(report.CanceledAccounts)} accounts ({Count(report.CanceledObservations)} account-months)"),
                new("Base churn rate", $"{Percent(report.BaseRate, decimals: 1)} of account-months cancelled within {window.HorizonDays} days"),
                new("CSMs", $"{Count(report.Csms)} over {report.Weeks.ToString("0", CultureInfo.InvariantCulture)} weeks"),
            ],
            Sections =
            [
                Reply.Section("Rules", Replay.Rules.Append(Signal.AnyRule).ToArray(), s => Line(report[s], team.Health, checks), max: 20),
                Reply.Section($"Components (flagged when scoring below {team.Health.PoorBelow})", Replay.Components.ToArray(), s => Line(report[s], team.Health, checks), max: 20),
                Reply.Section("Baseline", new[] { Signal.Baseline }, s => Line(report[s], team.Health, checks)),
            ],
            Note = string.Join(" ", notes),
        };
    }

    /// <summary>"in the last backtest (Oct 2025 to Sep 2026) this rule flagged 61% of the accounts that later cancelled, 44 days ahead on median; 18% of its flags were followed by a cancellation".</summary>
    public static string Record(BacktestReport report, Signal signal)
    {
        var f = report[signal];
        var months = report.Window.IsEmpty ? "" : $" ({report.Window.Months[0].ToString("MMM yyyy", CultureInfo.InvariantCulture)} to {report.Window.Months[^1].ToString("MMM yyyy", CultureInfo.InvariantCulture)})";
        return $"in the last backtest{months} this rule flagged {Percent(f.Recall)} of the accounts that later cancelled"
            + (f.MedianLeadDays is { } lead ? $", {Days(lead)} ahead on median" : "")
            + $"; {Percent(f.Precision)} of its flags were followed by a cancellation within {report.Window.HorizonDays} days"
            + (report.IsMeaningful ? "" : $" (only {Count(report.CanceledAccounts)} cancellations: not meaningful yet)");
    }

    /// <summary>Why a backtest has no month to replay.</summary>
    public static string NothingToReplay(BacktestWindow window) => window.UsageFrom is not null
        ? $"{Capitalised(UsageStart(window))}, and health reads the 8 weeks before a month, so none of the {window.MonthsAsked} month(s) whose {window.HorizonDays}-day horizon has ended can be replayed yet."
        : "The book has no usage history to replay; import usage (`import usage FILE.csv`) or send usage events first.";

    /// <summary>"poor band: recall 61% (22 of 36), 44 days ahead on median; precision 18% (22 of 120 flags), lift 4.1x; 0.8 flags per CSM a week".</summary>
    public static string Line(SignalFigures f, HealthOptions health, CheckOptions checks) =>
        $"{Name(f.Signal, health, checks)}: recall {Percent(f.Recall)} ({Count(f.CanceledFlagged)} of the cancelled)"
        + (f.MedianLeadDays is { } lead ? $", {Days(lead)} ahead on median" : "")
        + $"; precision {Percent(f.Precision)} ({Count(f.FlaggedThenCanceled)} of {Count(f.Flagged)} flags), lift {(f.Lift is { } l ? l.ToString("0.0", CultureInfo.InvariantCulture) + "x" : "n/a")}"
        + $"; {f.AlertsPerCsmWeek.ToString("0.0", CultureInfo.InvariantCulture)} flags per CSM a week";

    public static string Name(Signal signal, HealthOptions health, CheckOptions checks) => signal switch
    {
        Signal.PoorBand => $"poor band (health below {health.PoorBelow})",
        Signal.HealthDrop => "health drop (the band fell since the month before)",
        Signal.FallingUsage => $"falling usage (sessions down {Percent(health.FallingShare)} in 4 weeks)",
        Signal.Inactivity => $"inactivity (no use for {checks.InactiveDays} days)",
        Signal.Detractor => "detractor (an NPS answer of 6 or less in the month before)",
        Signal.RenewalRisk => $"renewal risk (renewal within {(checks.RenewalWindows.Count == 0 ? 0 : checks.RenewalWindows.Max())} days, health not good)",
        Signal.AnyRule => "any rule",
        Signal.Baseline => $"sessions fell {Percent(Replay.BaselineFall)} in 4 weeks",
        var component => component.ToString().ToLowerInvariant(),
    };

    private static string UsageStart(BacktestWindow w) => w.OlderUsageWeekly
        ? $"daily usage is kept from {Format.Day(w.UsageFrom!.Value)} (`Storage:UsageHistoryDays`; older usage is kept by the week, which the replay cannot score)"
        : $"the usage history starts on {Format.Day(w.UsageFrom!.Value)}";

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static string Months(BacktestWindow w) =>
        $"{w.Months.Count} month{(w.Months.Count == 1 ? "" : "s")} from {w.Months[0].ToString("MMM yyyy", CultureInfo.InvariantCulture)} to {w.Months[^1].ToString("MMM yyyy", CultureInfo.InvariantCulture)}";

    public static string Percent(double? share, int decimals = 0) =>
        share is { } s ? (s * 100).ToString(decimals == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string Times(double? lift) => lift is { } l ? l.ToString("0.0", CultureInfo.InvariantCulture) + " times" : "n/a times";

    private static string Days(double days) => days.ToString("0", CultureInfo.InvariantCulture) is var n && n == "1" ? "1 day" : $"{n} days";

    private static string Count(int n) => Format.Count(n);
}
