using SuccessBot.Core.Chat;
using SuccessBot.Core.Chat.Handlers;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Language;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Nudges;

/// <summary>How a nudge reads: which account, what happened (with numbers), why it matters, and what to do.</summary>
public static class NudgeCards
{
    public const string Snooze = "nudge.snooze", LogTouchpoint = "nudge.touchpoint", MarkChurned = "nudge.churned", Open = "nudge.open";
    private const string WhyItMatters = ". Why it matters: ";
    public static readonly string[] SnoozeDays = ["7", "14", "30"];
    public static readonly string[] TouchpointKinds = ["call", "email", "meeting"];
    public static readonly string[] ChurnReasons = ["price", "missing feature", "switched to competitor", "low usage", "budget cuts", "champion left", "acquired", "other"];

    /// <param name="reader">The recipient's words.</param>
    /// <param name="records">How often the rules that raised the card were right in the last backtest, one fact each.</param>
    public static Reply Card(Reader reader, string title, string happened, Account account, HealthReport health, BookOfBusiness book, DateOnly today, TeamSettings team, string key,
        IReadOnlyList<Fact>? records = null)
    {
        var mrr = reader.Money(account.Mrr, team.CurrencySymbol);
        var matters = account.RenewalOn is { } r && r >= today
            ? reader.Plural("Nudge.MattersRenewal", r.DayNumber - today.DayNumber, ("date", r), ("mrr", mrr))
            : reader["Nudge.MattersMrr", ("mrr", mrr)];
        return new Reply(reader["Nudge.Title", ("title", title), ("account", account.Name)])
        {
            Summary = reader["Nudge.Summary", ("happened", happened), ("matters", matters)],
            Facts =
            [
                new(reader["Fact.Health"], reader["Nudge.HealthValue", ("band", HealthHandler.Band(reader, health.Band)), ("score", health.Score), ("weakest", Weakest(reader, health))]),
                new(reader["Fact.Mrr"], account.Plan is { } plan ? reader["Fact.MrrPlan", ("mrr", mrr), ("plan", plan)] : mrr),
                new(reader["Fact.LastTouchpoint"], HealthHandler.LastTouchpoint(reader, book, account.Id)),
                new(reader["Nudge.OpenIssues"], OpenIssues(reader, health, team.Health)),
                .. records ?? [],
            ],
            Buttons = Actions(reader, key),
        }.CutIn(reader);
    }

    /// <summary>The buttons in English, as the ledger rebuilds them for an English card.</summary>
    public static IReadOnlyList<ReplyButton> Actions(string key) => Actions(EnglishReader, key);

    public static IReadOnlyList<ReplyButton> Actions(Reader reader, string key) =>
    [
        Button(reader, reader["Nudge.Snooze"], Snooze, key, new("days", reader["Nudge.SnoozeDays"], SnoozeDays, Optional: false) { Missing = reader["Nudge.ChooseDays"] }, new("reason", reader["Nudge.Reason"])),
        Button(reader, reader["Nudge.LogTouchpoint"], LogTouchpoint, key, new("kind", reader["Nudge.Kind"], TouchpointKinds, Optional: false)
            { ChoiceLabels = [.. TouchpointKinds.Select(k => reader[$"Touchpoint.{k}"])], Missing = reader["Nudge.ChooseKind"] }, new("note", reader["Nudge.Note"])),
        Button(reader, reader["Nudge.MarkChurned"], MarkChurned, key, new("reason", reader["Nudge.Reason"], ChurnReasons, Optional: false)
            { ChoiceLabels = [.. ChurnReasons.Select(r => ChurnReason(reader, r))], Missing = reader["Nudge.ChooseReason"] }, new("note", reader["Nudge.Note"])),
    ];

    /// <summary>
    /// A churn reason in the reader's words: one of <see cref="ChurnReasons"/> (what the modal stores) or none given;
    /// any other (a CSV's, Stripe's) as it was written.
    /// </summary>
    public static string ChurnReason(Reader reader, string? reason) =>
        string.IsNullOrWhiteSpace(reason) || reason == ChurnMetrics.UnknownReason ? reader["ChurnReason.none"]
        : ChurnReasons.FirstOrDefault(r => string.Equals(r, reason.Trim(), StringComparison.OrdinalIgnoreCase)) is { } canonical ? reader[ChurnReasonKey(canonical)]
        : reason;

    /// <summary>The message key of one of <see cref="ChurnReasons"/>: "ChurnReason.budget_cuts".</summary>
    public static string ChurnReasonKey(string canonical) => $"ChurnReason.{canonical.Replace(' ', '_')}";

    private static ReplyButton Button(Reader reader, string label, string actionId, string key, params ReplyInput[] inputs) =>
        new(label, actionId, key) { Inputs = inputs, Submit = reader["Modal.Save"], Cancel = reader["Modal.Cancel"] };

    /// <summary>
    /// The buttons a ledger card carries, rebuilt from its rule and key: they are derived, so the ledger does not store them
    /// (a third of a card's size, over tens of thousands of nudges a day). A roll-up's buttons name the cards it lists: kept.
    /// </summary>
    public static IReadOnlyList<ReplyButton> ButtonsFor(string rule, string key, IReadOnlyList<ReplyButton> kept) => rule switch
    {
        NudgeRules.Digest => [],
        NudgeRules.RollUp => kept,
        // A survey's buttons are kept, their opt-out label in the contact's language; older ones were English.
        Surveys.SurveyService.Rule => kept.Count > 0 ? kept : Surveys.SurveyCards.Buttons(key[(Surveys.SurveyService.Rule.Length + 1)..], Surveys.SurveyCards.EnglishOptOut),
        // A card in another language keeps its buttons; an English one's are rebuilt.
        _ => kept.Count > 0 ? kept : Actions(key),
    };

    /// <summary>Whether the ledger keeps a card's buttons: they cannot be rebuilt from its rule and key, or are not in English.</summary>
    public static bool KeepsButtons(string rule, Reply card) =>
        rule is NudgeRules.RollUp or Surveys.SurveyService.Rule || card.Buttons.Count > 0 && card.Buttons[0].Label != EnglishSnooze;

    /// <summary>The English words the ledger's cards were written in before they had a reader's language.</summary>
    private static readonly Reader EnglishReader = new(new EnglishTexts(), Languages.English);
    private static readonly string EnglishSnooze = EnglishReader["Nudge.Snooze"];

    /// <summary>The English file read straight from this assembly, for the ledger that rebuilds buttons without the host's localizer.</summary>
    private sealed class EnglishTexts : ITexts
    {
        private static readonly System.Resources.ResourceManager Resources = new(typeof(Messages));

        public string Text(string key, System.Globalization.CultureInfo culture) =>
            Resources.GetString(key, System.Globalization.CultureInfo.InvariantCulture) ?? throw new KeyNotFoundException($"There is no message {key}.");

        public string PluralOf(double n, System.Globalization.CultureInfo culture) => throw new NotSupportedException("Buttons do not count.");
    }

    /// <summary>The card after someone acted on it: no buttons, who did what, and the facts the action changed.</summary>
    public static Reply Done(Reply card, string what, IReadOnlyList<Fact>? changed = null) => card with
    {
        Buttons = [],
        Note = what,
        Facts = changed is null ? card.Facts
            : [.. card.Facts.Select(f => changed.FirstOrDefault(c => c.Label == f.Label) ?? f), .. changed.Where(c => card.Facts.All(f => f.Label != c.Label))],
    };

    /// <summary>Who did what to the card, and when: its note once handled ("ana@... logged a call with ACME on ... UTC.").</summary>
    public static string WhoDidWhat(Reader reader, NudgeRecord handled) => Handled(reader, "Click.WhoDidWhat", handled);

    /// <summary>What a card already handled answers, clicked or opened from a roll-up.</summary>
    public static string AlreadyHandled(Reader reader, NudgeRecord handled) => Handled(reader, "Click.AlreadyHandled", handled);

    private static string Handled(Reader reader, string key, NudgeRecord handled) =>
        reader[handled.HandledThrough is null ? key : key + "Through", ("by", handled.ActedBy), ("what", What(reader, handled)), ("at", reader.Moment(handled.ActedAt!.Value))];

    /// <summary>What was done to a card in the reader's words ("snoozed ACME for 14 days"); the ledger's English for a record acted on before that was kept.</summary>
    public static string What(Reader reader, NudgeRecord handled) => handled.Done is { } done ? reader.Words(done) : handled.Action ?? "";

    public static string Weakest(Reader reader, HealthReport health)
    {
        var weakest = health.Components.OrderBy(c => c.Score).First();
        return reader["Nudge.Weakest", ("name", weakest.NameIn(reader)), ("detail", weakest.DetailIn(reader))];
    }

    private static string OpenIssues(Reader reader, HealthReport health, HealthOptions options)
    {
        var issues = new List<string>();
        if (health.IsFalling) issues.Add(reader["Nudge.IssueSessions", ("trend", reader.Signed(health.SessionTrend!.Value))]);
        if (health.Facts.DaysIdle is not { } idle) issues.Add(reader["Nudge.IssueNeverUsed"]);
        else if (idle >= options.InactiveDays) issues.Add(reader.Plural("Nudge.IssueIdle", idle));
        if (health.Facts.LatestNps is { Score: <= 6 } nps) issues.Add(reader["Nudge.IssueDetractor", ("score", nps.Score), ("date", DateOnly.FromDateTime(nps.AnsweredAt.DateTime))]);
        if (health.Facts.CoreFeaturesUsed == 0 && health.Facts.CoreFeatures > 0) issues.Add(reader["Nudge.IssueNoCoreFeature"]);
        return issues.Count == 0 ? reader["Nudge.IssuesNone"] : string.Join("; ", issues);
    }
}
