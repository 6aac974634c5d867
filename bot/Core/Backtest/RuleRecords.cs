using System.Collections.Concurrent;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Language;

namespace SuccessBot.Core.Backtest;

/// <summary>
/// Each nudge rule's record in one backtest as the line a card quotes, worked out once when the backtest is kept, so that a
/// daily check over a large book looks a line up per card instead of formatting it. A backtest with too few cancellations,
/// or a rule it never saw flag, has nothing to quote: a card says nothing rather than a meaningless number.
/// </summary>
public sealed class RuleRecords
{
    public static readonly RuleRecords None = new(null);

    private readonly BacktestReport? _report;

    // Each language's lines, worked out the first time a card in it quotes them.
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<Signal, string>> _lines = new(StringComparer.Ordinal);

    private RuleRecords(BacktestReport? report) => _report = report;

    public static RuleRecords Of(BacktestReport report) => report.IsMeaningful && !report.Window.IsEmpty ? new(report) : None;

    /// <summary>One fact per rule that has a record, labelled as cards and `health ACCOUNT` name the rule, in the reader's words.</summary>
    public IReadOnlyList<Fact> Facts(Reader w, IEnumerable<Signal> rules)
    {
        if (_report is not { } report) return [];
        var lines = _lines.GetOrAdd(w.Culture.Name, _ => Replay.Rules.Where(s => report[s].Flagged > 0).ToDictionary(s => s, s => BacktestAnswer.Record(w, report, s)));
        return rules.Distinct().Where(lines.ContainsKey).Select(s => new Fact(Label(w, s), lines[s])).ToArray();
    }

    /// <summary>The rule's name on a card ("Usage falling"), which labels its record.</summary>
    public static string Label(Reader w, Signal rule) => rule switch
    {
        Signal.PoorBand or Signal.HealthDrop or Signal.FallingUsage or Signal.Inactivity or Signal.Detractor or Signal.RenewalRisk => w[$"Record.{rule}"],
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Only a nudge rule has a record to quote."),
    };

    /// <summary>Whether a card's fact is a rule's record (a card of the day carries over those of the reasons it gathers, all in its reader's words).</summary>
    public static bool IsRecord(Reader w, Fact fact) => Replay.Rules.Any(rule => Label(w, rule) == fact.Label);
}
