using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Nudges;

/// <summary>What the three nudge buttons share: find the nudge, check who clicks, refuse a second click, record the action.</summary>
public abstract class NudgeActionHandler(INudgeLedger ledger) : IActionHandler
{
    public const int MaxNoteLength = 500;

    public ActionOutcome Handle(ActionRequest request, ActionContext context)
    {
        if (ledger.Find(request.Value) is not { } nudge) return ActionOutcome.NotSent("SuccessBot never sent this nudge.");
        var clicker = context.Asker.Email;
        if (!context.Asker.SeesWholeTeam && !string.Equals(clicker, nudge.Recipient, StringComparison.OrdinalIgnoreCase))
            return ActionOutcome.Refused("Not your nudge", $"This nudge was sent to {nudge.Recipient}; only they or a manager can act on it.");
        if (nudge.Action is not null)
            return ActionOutcome.Refused("Already done", $"{nudge.ActedBy} {nudge.Action} on {nudge.ActedAt:yyyy-MM-dd}.", NudgeCards.Done(nudge.Card, Done(nudge)));
        if (context.Book.Find(nudge.AccountId) is not { } account)
            return ActionOutcome.Refused("Account gone", $"The account {nudge.AccountId} is no longer in the book.");

        var (action, problem) = Act(account, request.Inputs, context);
        if (problem is not null) return ActionOutcome.Refused("Not done", problem);
        var acted = nudge with { Action = action, ActedBy = clicker ?? "an administrator", ActedAt = context.Now };
        ledger.Update(acted);
        var card = NudgeCards.Done(nudge.Card, Done(acted));
        return new ActionOutcome(card, new Reply($"Done · {account.Name}") { Summary = $"You {action}." })
        {
            Audited = new AuditFact(request.ActionId, account.Id,
                new Dictionary<string, string>(request.Inputs.Select(i => KeyValuePair.Create(i.Key, Text(request.Inputs, i.Key) ?? ""))) { ["done"] = action, ["nudge"] = nudge.Key }),
        };
    }

    /// <summary>Does the action; returns what was done ("snoozed for 14 days: waiting for budget") or why it was not.</summary>
    protected abstract (string Action, string? Problem) Act(Account account, IReadOnlyDictionary<string, string> inputs, ActionContext context);

    protected static string By(ActionContext context) => context.Asker.Email ?? "an administrator";

    protected static string? Choice(IReadOnlyDictionary<string, string> inputs, string id, IReadOnlyList<string> choices) =>
        inputs.TryGetValue(id, out var value) ? choices.FirstOrDefault(c => string.Equals(c, value?.Trim(), StringComparison.OrdinalIgnoreCase)) : null;

    /// <summary>A free-text answer, trimmed and cut to <see cref="MaxNoteLength"/>; null when left empty.</summary>
    protected static string? Text(IReadOnlyDictionary<string, string> inputs, string id)
    {
        var text = inputs.GetValueOrDefault(id)?.Trim();
        return string.IsNullOrEmpty(text) ? null : text.Length > MaxNoteLength ? text[..MaxNoteLength] + "…" : text;
    }

    private static string Done(NudgeRecord n) => $"{n.ActedBy} {n.Action} on {n.ActedAt:yyyy-MM-dd HH:mm} UTC.";
}

public sealed class SnoozeHandler(INudgeLedger ledger, IAccountActivity activity) : NudgeActionHandler(ledger)
{
    protected override (string, string?) Act(Account account, IReadOnlyDictionary<string, string> inputs, ActionContext context)
    {
        if (Choice(inputs, "days", NudgeCards.SnoozeDays) is not { } days) return ("", $"Snooze for {string.Join(", ", NudgeCards.SnoozeDays)} days.");
        var reason = Text(inputs, "reason");
        var band = Health.Assess(context.Book, account, context.Today, context.Team.CoreFeatures, context.Team.Health).Band;
        activity.SaveSnooze(new Snooze(account.Id, context.Today.AddDays(int.Parse(days)), reason, By(context), band));
        activity.AddTouchpoint(new Touchpoint(account.Id, "snooze", $"{days} days" + (reason is null ? "" : $": {reason}"), By(context), context.Now));
        return ($"snoozed {account.Name} for {days} days" + (reason is null ? "" : $" ({reason})"), null);
    }
}

public sealed class LogTouchpointHandler(INudgeLedger ledger, IAccountActivity activity) : NudgeActionHandler(ledger)
{
    protected override (string, string?) Act(Account account, IReadOnlyDictionary<string, string> inputs, ActionContext context)
    {
        var note = Text(inputs, "note");
        if (Choice(inputs, "kind", NudgeCards.TouchpointKinds) is not { } kind) return ("", $"Say what kind of touchpoint: {string.Join(", ", NudgeCards.TouchpointKinds)}.");
        activity.AddTouchpoint(new Touchpoint(account.Id, kind, note, By(context), context.Now));
        return ($"logged a {kind} with {account.Name}" + (note is null ? "" : $": {note}"), null);
    }
}

public sealed class MarkChurnedHandler(INudgeLedger ledger, IAccountActivity activity) : NudgeActionHandler(ledger)
{
    protected override (string, string?) Act(Account account, IReadOnlyDictionary<string, string> inputs, ActionContext context)
    {
        if (Choice(inputs, "reason", NudgeCards.ChurnReasons) is not { } reason) return ("", $"Pick a churn reason: {string.Join(", ", NudgeCards.ChurnReasons)}.");
        var health = Health.Assess(context.Book, account, context.Today, context.Team.CoreFeatures, context.Team.Health);
        var months = (int)Math.Round((context.Today.DayNumber - account.StartedOn.DayNumber) / (365.25 / 12));
        var trimmedNote = Text(inputs, "note");
        activity.MarkChurned(new AccountChurned(account.ChurnedOn(context.Today, reason),
            new ChurnRecord(account.Id, context.Today, reason, trimmedNote, By(context), months, account.Mrr, health.SessionTrend),
            new Touchpoint(account.Id, "churned", reason + (trimmedNote is null ? "" : $": {trimmedNote}"), By(context), context.Now)));
        return ($"marked {account.Name} churned ({reason}) after {months} months", null);
    }
}
