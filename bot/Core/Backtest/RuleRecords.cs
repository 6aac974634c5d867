using SuccessBot.Core.Chat;

namespace SuccessBot.Core.Backtest;

/// <summary>
/// Each nudge rule's record in one backtest as the line a card quotes, worked out once when the backtest is kept, so that a
/// daily check over a large book looks a line up per card instead of formatting it. A backtest with too few cancellations,
/// or a rule it never saw flag, has nothing to quote: a card says nothing rather than a meaningless number.
/// </summary>
public sealed class RuleRecords
{
    public static readonly RuleRecords None = new(new Dictionary<Signal, string>());

    private readonly IReadOnlyDictionary<Signal, string> _lines;

    private RuleRecords(IReadOnlyDictionary<Signal, string> lines) => _lines = lines;

    public static RuleRecords Of(BacktestReport report) => report.IsMeaningful && !report.Window.IsEmpty
        ? new(Replay.Rules.Where(s => report[s].Flagged > 0).ToDictionary(s => s, s => BacktestAnswer.Record(report, s)))
        : None;

    /// <summary>One fact per rule that has a record, labelled as cards and `health ACCOUNT` name the rule.</summary>
    public IReadOnlyList<Fact> Facts(IEnumerable<Signal> rules) =>
        rules.Distinct().Where(_lines.ContainsKey).Select(s => new Fact(Label(s), _lines[s])).ToArray();

    /// <summary>The rule's name on a card ("Usage falling"), which labels its record.</summary>
    public static string Label(Signal rule) => rule switch
    {
        Signal.PoorBand => "Poor health",
        Signal.HealthDrop => "Health dropped",
        Signal.FallingUsage => "Usage falling",
        Signal.Inactivity => "No activity",
        Signal.Detractor => "Detractor",
        Signal.RenewalRisk => "Renewal at risk",
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Only a nudge rule has a record to quote."),
    };

    private static readonly HashSet<string> Labels = Replay.Rules.Select(Label).ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether a card's fact is a rule's record (a card of the day carries over those of the reasons it gathers).</summary>
    public static bool IsRecord(Fact fact) => Labels.Contains(fact.Label);
}
