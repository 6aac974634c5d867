using System.Globalization;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Language;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;

namespace SuccessBot.Core.Backtest;

/// <summary>A backtest as people read it, the same in chat (`health accuracy`) and at the command line (`backtest`).</summary>
public static class BacktestAnswer
{
    public static Reply Of(Reader w, BacktestReport report, TeamSettings team, CheckOptions checks)
    {
        var window = report.Window;
        if (window.IsEmpty) return Reply.Refusal(w["Accuracy.NothingTitle"], NothingToReplay(w, window));

        var horizon = window.HorizonDays;
        var within = w.Plural("Accuracy.Within", horizon);
        var title = w["Accuracy.Title", ("months", Months(w, window.Months)),
            ("horizon", w.Plural("Accuracy.Horizon", horizon)), ("scope", w["Scope.All"])];
        var any = report[Signal.AnyRule];
        var summary = report.CanceledAccounts == 0
            ? w["Accuracy.NothingToSee", ("within", within), ("flagged", Count(w, any.Flagged))]
            : w[any.MedianLeadDays is null ? "Accuracy.Summary" : "Accuracy.SummaryAhead", ("seen", Count(w, any.CanceledFlagged)), ("cancelled", Count(w, report.CanceledAccounts)),
                ("recall", Percent(w, any.Recall)), ("ahead", Ahead(w, any.MedianLeadDays)), ("precision", Percent(w, any.Precision)), ("within", within),
                ("lift", any.Lift is { } lift ? w["Accuracy.Times", ("lift", w.Number(lift, "0.0"))] : w["Accuracy.TimesNotAvailable"]), ("base", Percent(w, report.BaseRate, decimals: 1))];
        var notes = new List<string> { w.Plural("Accuracy.Method", horizon) };
        if (window.MonthsLeftOut > 0)
            notes.Add(w["Accuracy.LeftOut", ("left", window.MonthsLeftOut), ("asked", window.MonthsAsked), ("start", UsageStart(w, window))]);
        if (!report.IsMeaningful)
            notes.Insert(0, w.Plural("Accuracy.NotMeaningful", report.CanceledAccounts, ("within", within), ("meaningful", BacktestReport.MeaningfulCancellations)));

        return new Reply(title)
        {
            Summary = summary,
            Facts =
            [
                new(w["Accuracy.MonthsReplayed"], w["Accuracy.MonthsReplayedValue", ("months", window.Months.Count), ("date", window.OutcomesThrough!.Value)]),
                new(w["Accuracy.AccountsScored"], w["Accuracy.AccountsScoredValue", ("accounts", Count(w, report.Accounts)), ("observations", Count(w, report.Observations))]),
                new(w["Accuracy.CancelledWithin"], w.Plural("Accuracy.CancelledWithinValue", report.CanceledAccounts, ("observations", Count(w, report.CanceledObservations)))),
                new(w["Accuracy.BaseRate"], w["Accuracy.BaseRateValue", ("rate", Percent(w, report.BaseRate, decimals: 1)), ("within", within)]),
                new(w["Accuracy.Csms"], w.Plural("Accuracy.CsmsValue", Math.Round(report.Weeks, MidpointRounding.AwayFromZero), ("csms", Count(w, report.Csms)))),
            ],
            Sections =
            [
                Reply.Section(w["Accuracy.Rules"], Replay.Rules.Append(Signal.AnyRule).ToArray(), s => Line(w, report[s], team.Health, checks), max: 20),
                Reply.Section(w["Accuracy.Components", ("poor", team.Health.PoorBelow)], Replay.Components.ToArray(), s => Line(w, report[s], team.Health, checks), max: 20),
                Reply.Section(w["Accuracy.Baseline"], new[] { Signal.Baseline }, s => Line(w, report[s], team.Health, checks)),
            ],
            Note = string.Join(" ", notes),
        };
    }

    /// <summary>"in the last backtest (Oct 2025 to Sep 2026) this rule flagged 61% of the accounts that later cancelled, 44 days ahead on median; 18% of its flags were followed by a cancellation".</summary>
    public static string Record(Reader w, BacktestReport report, Signal signal)
    {
        var f = report[signal];
        var window = report.Window;
        return w[f.MedianLeadDays is null ? "Accuracy.Record" : "Accuracy.RecordAhead",
            ("when", window.IsEmpty ? "" : w["Accuracy.RecordWhen", ("from", Month(w, window.Months[0])), ("to", Month(w, window.Months[^1]))]),
            ("recall", Percent(w, f.Recall)), ("ahead", Ahead(w, f.MedianLeadDays)), ("precision", Percent(w, f.Precision)), ("within", w.Plural("Accuracy.Within", window.HorizonDays)),
            ("caveat", report.IsMeaningful ? "" : w.Plural("Accuracy.RecordNotMeaningful", report.CanceledAccounts))];
    }

    /// <summary>Why a backtest has no month to replay.</summary>
    public static string NothingToReplay(Reader w, BacktestWindow window)
    {
        if (window.UsageFrom is null) return w["Accuracy.NoUsage"];
        var start = UsageStart(w, window);
        return w.Plural("Accuracy.NotYet", window.MonthsAsked, ("start", char.ToUpper(start[0], w.Culture) + start[1..]), ("horizon", window.HorizonDays));
    }

    /// <summary>"poor band: recall 61% (22 of 36), 44 days ahead on median; precision 18% (22 of 120 flags), lift 4.1x; 0.8 flags per CSM a week".</summary>
    public static string Line(Reader w, SignalFigures f, HealthOptions health, CheckOptions checks) =>
        w[f.MedianLeadDays is null ? "Accuracy.Line" : "Accuracy.LineAhead", ("name", Name(w, f.Signal, health, checks)), ("recall", Percent(w, f.Recall)),
            ("seen", Count(w, f.CanceledFlagged)), ("ahead", Ahead(w, f.MedianLeadDays)), ("precision", Percent(w, f.Precision)), ("hits", Count(w, f.FlaggedThenCanceled)),
            ("flags", Count(w, f.Flagged)), ("lift", f.Lift is { } l ? w["Accuracy.Lift", ("lift", w.Number(l, "0.0"))] : w["Accuracy.NotAvailable"]),
            ("rate", w.Number(f.AlertsPerCsmWeek, "0.0"))];

    public static string Name(Reader w, Signal signal, HealthOptions health, CheckOptions checks) => signal switch
    {
        Signal.PoorBand => w["Accuracy.Rule.PoorBand", ("poor", health.PoorBelow)],
        Signal.HealthDrop => w["Accuracy.Rule.HealthDrop"],
        Signal.FallingUsage => w["Accuracy.Rule.FallingUsage", ("share", Percent(w, health.FallingShare))],
        Signal.Inactivity => w.Plural("Accuracy.Rule.Inactivity", checks.InactiveDays),
        Signal.Detractor => w["Accuracy.Rule.Detractor"],
        Signal.RenewalRisk => w.Plural("Accuracy.Rule.RenewalRisk", checks.RenewalWindows.Count == 0 ? 0 : checks.RenewalWindows.Max()),
        Signal.AnyRule => w["Accuracy.Rule.AnyRule"],
        Signal.Baseline => w["Accuracy.Rule.Baseline", ("share", Percent(w, Replay.BaselineFall))],
        var component => ComponentName(w, component),
    };

    /// <summary>A health component as the reader names it: "recency", "Letzte Nutzung".</summary>
    public static string ComponentName(Reader w, Signal component) => w[$"Health.Part.{component.ToString().ToLowerInvariant()}"];

    /// <summary>"12 months from Oct 2025 to Sep 2026".</summary>
    public static string Months(Reader w, IReadOnlyList<DateOnly> months) =>
        w.Plural("Accuracy.Months", months.Count, ("from", Month(w, months[0])), ("to", Month(w, months[^1])));

    private static string UsageStart(Reader w, BacktestWindow window) =>
        w[window.OlderUsageWeekly ? "Accuracy.UsageDaily" : "Accuracy.UsageFrom", ("date", window.UsageFrom!.Value)];

    /// <summary>"Oct 2025" in English, "Okt. 2025" in German, "окт. 2025" within a Russian sentence.</summary>
    private static string Month(Reader w, DateOnly month) => month.ToString("MMM yyyy", w.IsEnglish ? CultureInfo.InvariantCulture : w.Culture);

    /// <summary>"44 days ahead on median", rounded to whole days; empty without a lead time.</summary>
    private static string Ahead(Reader w, double? days) => days is { } d ? w.Plural("Accuracy.Ahead", Math.Round(d, MidpointRounding.AwayFromZero)) : "";

    /// <summary>"61%" in English (no decimals unless asked), "61 %" in German; "n/a" for none.</summary>
    public static string Percent(Reader w, double? share, int decimals = 0) => w.IsEnglish ? Percent(share, decimals)
        : share is { } s ? s.ToString(decimals == 0 ? "P0" : "P1", w.Culture) : w["Accuracy.NotAvailable"];

    public static string Percent(double? share, int decimals = 0) =>
        share is { } s ? (s * 100).ToString(decimals == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string Count(Reader w, int n) => w.Count(n);
}
