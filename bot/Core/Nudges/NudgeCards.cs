using SuccessBot.Core.Chat;
using SuccessBot.Core.Chat.Handlers;
using SuccessBot.Core.Domain;
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

    /// <param name="records">How often the rules that raised the card were right in the last backtest, one fact each.</param>
    public static Reply Card(string title, string happened, Account account, HealthReport health, BookOfBusiness book, DateOnly today, TeamSettings team, string key,
        IReadOnlyList<Fact>? records = null)
    {
        var money = (decimal m) => Format.Money(m, team.CurrencySymbol);
        var matters = account.RenewalOn is { } r && r >= today
            ? $"renewal in {r.DayNumber - today.DayNumber} days ({Format.Day(r)}), {money(account.Mrr)} MRR"
            : $"{money(account.Mrr)} MRR";
        return new Reply($"{title} · {account.Name}")
        {
            Summary = $"{happened}{WhyItMatters}{matters}.",
            Facts =
            [
                new("Health", $"{HealthHandler.Band(health.Band)} ({health.Score}); {Weakest(health)}"),
                new("MRR", money(account.Mrr) + (account.Plan is { } plan ? $" ({plan})" : "")),
                new("Last touchpoint", HealthHandler.LastTouchpoint(book, account.Id)),
                new("Open issues", OpenIssues(health, team.Health)),
                .. records ?? [],
            ],
            Buttons = Actions(key),
        };
    }

    public static IReadOnlyList<ReplyButton> Actions(string key) =>
    [
        new("Snooze", Snooze, key) { Inputs = [new("days", "Snooze for (days)", SnoozeDays, Optional: false), new("reason", "Reason")] },
        new("Log touchpoint", LogTouchpoint, key) { Inputs = [new("kind", "Kind", TouchpointKinds, Optional: false), new("note", "Note")] },
        new("Mark churned", MarkChurned, key) { Inputs = [new("reason", "Reason", ChurnReasons, Optional: false), new("note", "Note")] },
    ];

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
        _ => Actions(key),
    };

    /// <summary>Whether the ledger keeps a card's buttons (they cannot be rebuilt from its rule and key).</summary>
    public static bool KeepsButtons(string rule) => rule is NudgeRules.RollUp or Surveys.SurveyService.Rule;

    /// <summary>The card after someone acted on it: no buttons, who did what, and the facts the action changed.</summary>
    public static Reply Done(Reply card, string what, IReadOnlyList<Fact>? changed = null) => card with
    {
        Buttons = [],
        Note = what,
        Facts = changed is null ? card.Facts
            : [.. card.Facts.Select(f => changed.FirstOrDefault(c => c.Label == f.Label) ?? f), .. changed.Where(c => card.Facts.All(f => f.Label != c.Label))],
    };

    /// <summary>Who did what to the card, and when: its note once handled ("ana@... logged a call with ACME on ... UTC.").</summary>
    public static string WhoDidWhat(NudgeRecord handled) => $"{handled.ActedBy} {WhatAndWhen(handled)}";

    /// <summary>What a card already handled answers, clicked or opened from a roll-up.</summary>
    public static string AlreadyHandled(NudgeRecord handled) => $"Already handled by {handled.ActedBy}: {WhatAndWhen(handled)}";

    private static string WhatAndWhen(NudgeRecord handled) =>
        $"{handled.Action}{(handled.HandledThrough is null ? "" : " (through another card)")} on {handled.ActedAt:yyyy-MM-dd HH:mm} UTC.";

    public static string Weakest(HealthReport health)
    {
        var weakest = health.Components.OrderBy(c => c.Score).First();
        return $"weakest: {weakest.Name}, {weakest.Detail}";
    }

    private static string OpenIssues(HealthReport health, HealthOptions options)
    {
        var issues = new List<string>();
        if (health.IsFalling) issues.Add($"sessions {Health.Signed(health.SessionTrend!.Value)} in 4 weeks");
        if (health.Facts.DaysIdle is not { } idle) issues.Add("never used");
        else if (idle >= options.InactiveDays) issues.Add($"no use for {idle} days");
        if (health.Facts.LatestNps is { Score: <= 6 } nps) issues.Add($"detractor: NPS {nps.Score} on {nps.AnsweredAt:yyyy-MM-dd}");
        if (health.Facts.CoreFeaturesUsed == 0 && health.Facts.CoreFeatures > 0) issues.Add("no core feature used in 4 weeks");
        return issues.Count == 0 ? "none" : string.Join("; ", issues);
    }
}
