using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Backtest;

/// <summary>
/// How well one signal foretold cancellations. Precision and the base rate count account-months (an account flagged in three
/// months is three alerts); recall and lead time count accounts (each account that cancelled once).
/// </summary>
/// <param name="Flagged">Account-months the signal flagged.</param>
/// <param name="FlaggedThenCanceled">Of those, the ones that cancelled within the horizon.</param>
/// <param name="CanceledFlagged">Accounts that cancelled within the horizon of a month replayed and were flagged in such a month, before they cancelled.</param>
/// <param name="MedianLeadDays">Median days from the first such flag to the cancellation.</param>
/// <param name="AlertsPerCsmWeek">Flags per CSM per week: account-months flagged / CSMs / weeks replayed.</param>
public sealed record SignalFigures(Signal Signal, int Flagged, int FlaggedThenCanceled, int CanceledFlagged, double? Precision, double? Lift, double? Recall,
    double? MedianLeadDays, double AlertsPerCsmWeek);

/// <summary>The figures of one backtest: what was replayed, the base churn rate, and each signal's figures.</summary>
/// <param name="Observations">Account-months scored.</param>
/// <param name="CanceledObservations">Account-months followed by a cancellation within the horizon.</param>
/// <param name="CanceledAccounts">Accounts that cancelled within the horizon of a month replayed.</param>
public sealed record BacktestReport(BacktestWindow Window, int Accounts, int Observations, int CanceledObservations, int CanceledAccounts, int Csms, double Weeks,
    IReadOnlyList<SignalFigures> Signals)
{
    /// <summary>Fewer cancellations than this make the figures noise: one more or less moves recall by 5 points or more.</summary>
    public const int MeaningfulCancellations = 20;

    public double? BaseRate => Observations == 0 ? null : (double)CanceledObservations / Observations;

    public bool IsMeaningful => CanceledAccounts >= MeaningfulCancellations;

    public SignalFigures this[Signal signal] => Signals.First(s => s.Signal == signal);
}

/// <summary>The figures of a backtest from its observations, in one pass that keeps only the accounts that cancelled.</summary>
public static class BacktestMetrics
{
    private static readonly Signal[] AllSignals = Enum.GetValues<Signal>();

    public static BacktestReport Of(IEnumerable<Observation> observations, BacktestWindow window)
    {
        var flagged = new int[AllSignals.Length];
        var hits = new int[AllSignals.Length];
        // For each account that cancelled: per signal, the earliest month start that flagged it within the horizon (its lead in days).
        var leads = new Dictionary<int, int?[]>();
        var owners = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var accounts = new HashSet<int>();
        int count = 0, canceled = 0;
        foreach (var o in observations)
        {
            count++;
            accounts.Add(o.Position);
            owners.Add(o.Owner);
            if (o.Canceled)
            {
                canceled++;
                if (!leads.TryGetValue(o.Position, out var lead)) leads[o.Position] = lead = new int?[AllSignals.Length];
                var days = o.CanceledOn!.Value.DayNumber - o.Start.DayNumber;
                foreach (var s in AllSignals)
                    if (o.Has(s) && (lead[(int)s] is not { } known || days > known)) lead[(int)s] = days;
            }
            foreach (var s in AllSignals)
            {
                if (!o.Has(s)) continue;
                flagged[(int)s]++;
                if (o.Canceled) hits[(int)s]++;
            }
        }

        var weeks = window.IsEmpty ? 0 : (window.Months[^1].AddMonths(1).DayNumber - window.Months[0].DayNumber) / 7.0;
        double? baseRate = count == 0 ? null : (double)canceled / count;
        var figures = AllSignals.Select(s =>
        {
            var ahead = leads.Values.Where(l => l[(int)s] is not null).Select(l => l[(int)s]!.Value).ToArray();
            double? precision = flagged[(int)s] == 0 ? null : (double)hits[(int)s] / flagged[(int)s];
            return new SignalFigures(s, flagged[(int)s], hits[(int)s], ahead.Length, precision,
                precision is { } p && baseRate is > 0 ? p / baseRate.Value : null,
                leads.Count == 0 ? null : (double)ahead.Length / leads.Count,
                Rates.Median(ahead),
                owners.Count == 0 || weeks == 0 ? 0 : flagged[(int)s] / (double)owners.Count / weeks);
        }).ToArray();
        return new BacktestReport(window, accounts.Count, count, canceled, leads.Count, owners.Count, weeks, figures);
    }

    /// <summary>The backtest of a book: its window, replayed, and the figures.</summary>
    public static BacktestReport Run(Domain.BookOfBusiness book, DateOnly today, int months, int horizonDays, Chat.TeamSettings team, Nudges.CheckOptions checks)
    {
        var window = Replay.Window(book, today, months, horizonDays);
        return Of(Replay.Observations(book, window, team, checks), window);
    }
}

/// <summary>
/// The last backtest this host ran (`health accuracy`) or the `backtest` verb saved beside the store, for answers and cards that
/// say how often a rule was right.
/// </summary>
public sealed class BacktestMemory
{
    private sealed record Kept(BacktestReport Report, RuleRecords Records, DateOnly? SavedOn);
    private volatile Kept? _last;

    public BacktestReport? Last => _last?.Report;

    /// <summary>The day the `backtest` verb ran, when <see cref="Last"/> is its saved report; null when this host ran it.</summary>
    public DateOnly? SavedOn => _last?.SavedOn;

    /// <summary>The rules' records of the last backtest, as cards quote them; none before a backtest.</summary>
    public RuleRecords Records => _last?.Records ?? RuleRecords.None;

    public void Keep(BacktestReport report, DateOnly? savedOn = null) => _last = new Kept(report, RuleRecords.Of(report), savedOn);
}
