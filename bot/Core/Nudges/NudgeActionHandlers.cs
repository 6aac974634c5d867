using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Chat.Handlers;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Nudges;

/// <summary>What a nudge action did: the words for the card's note, and the card's facts it changed.</summary>
public sealed record Acted(string What, IReadOnlyList<Fact> Changed);

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
            return ActionOutcome.Refused("Already handled", NudgeCards.AlreadyHandled(nudge), NudgeCards.Done(nudge.Card, NudgeCards.WhoDidWhat(nudge)));
        if (context.Book.Find(nudge.AccountId) is not { } account)
            return ActionOutcome.Refused("Account gone", $"The account {nudge.AccountId} is no longer in the book.");
        // The facts an action changes are labelled in the card's words, the recipient's language.
        context = context with { Reader = context.Team.ReaderOfMember(nudge.Recipient) };
        if (AlreadyDone(account, context) is { } why) return ActionOutcome.Refused("Not done", why);

        var (acted, problem) = Act(account, request.Inputs, context);
        if (acted is null) return ActionOutcome.Refused("Not done", problem ?? "Nothing was done.");
        var by = clicker ?? "an administrator";
        var done = nudge with { Action = acted.What, ActedBy = by, ActedAt = context.Now };
        ledger.Update(done);
        Retire(done, RetiresEveryones);
        // The card says who did what: no second message, whichever the action.
        return new ActionOutcome(NudgeCards.Done(nudge.Card, NudgeCards.WhoDidWhat(done), acted.Changed), null)
        {
            Audited = new AuditFact(request.ActionId, account.Id,
                new Dictionary<string, string>(request.Inputs.Select(i => KeyValuePair.Create(i.Key, Text(request.Inputs, i.Key) ?? ""))) { ["done"] = acted.What, ["nudge"] = nudge.Key }),
        };
    }

    /// <summary>Marked churned: every open card of the account is done with, whoever it was for; otherwise only the clicker's.</summary>
    protected virtual bool RetiresEveryones => false;

    /// <summary>Why the action cannot be taken on this account at all (null: it can).</summary>
    protected virtual string? AlreadyDone(Account account, ActionContext context) => null;

    /// <summary>Does the action; returns what was done ("snoozed for 14 days: waiting for budget") or why it was not.</summary>
    protected abstract (Acted? Acted, string? Problem) Act(Account account, IReadOnlyDictionary<string, string> inputs, ActionContext context);

    /// <summary>The account's other open cards for the same person (for anyone after a churn) are handled by this one: a click on them is refused, a card not sent yet is not sent.</summary>
    private void Retire(NudgeRecord done, bool everyones)
    {
        foreach (var other in ledger.AboutAccount(done.AccountId))
        {
            if (other.Key == done.Key || other.Action is not null || other.Status == DeliveryStatus.Merged) continue;
            if (!everyones && !string.Equals(other.Recipient, done.Recipient, StringComparison.OrdinalIgnoreCase)) continue;
            ledger.Update(other with
            {
                Action = done.Action, ActedBy = done.ActedBy, ActedAt = done.ActedAt, HandledThrough = done.Key,
                Status = other.Status is DeliveryStatus.Pending or DeliveryStatus.Listed ? DeliveryStatus.Retired : other.Status,
            });
        }
    }

    protected static string By(ActionContext context) => context.Asker.Email ?? "an administrator";

    protected static string? Choice(IReadOnlyDictionary<string, string> inputs, string id, IReadOnlyList<string> choices) =>
        inputs.TryGetValue(id, out var value) ? choices.FirstOrDefault(c => string.Equals(c, value?.Trim(), StringComparison.OrdinalIgnoreCase)) : null;

    /// <summary>A free-text answer, trimmed and cut to <see cref="MaxNoteLength"/>; null when left empty.</summary>
    protected static string? Text(IReadOnlyDictionary<string, string> inputs, string id)
    {
        var text = inputs.GetValueOrDefault(id)?.Trim();
        return string.IsNullOrEmpty(text) ? null : text.Length > MaxNoteLength ? text[..MaxNoteLength] + "…" : text;
    }
}

public sealed class SnoozeHandler(INudgeLedger ledger, IAccountActivity activity) : NudgeActionHandler(ledger)
{
    protected override (Acted?, string?) Act(Account account, IReadOnlyDictionary<string, string> inputs, ActionContext context)
    {
        if (Choice(inputs, "days", NudgeCards.SnoozeDays) is not { } days) return (null, $"Snooze for {string.Join(", ", NudgeCards.SnoozeDays)} days.");
        var reason = Text(inputs, "reason");
        var band = Health.Assess(context.Book, account, context.Today, context.Team.CoreFeatures, context.Team.Health).Band;
        var until = context.Today.AddDays(int.Parse(days));
        activity.SaveSnooze(new Snooze(account.Id, until, reason, By(context), band));
        activity.AddTouchpoint(new Touchpoint(account.Id, "snooze", $"{days} days" + (reason is null ? "" : $": {reason}"), By(context), context.Now));
        return (new Acted($"snoozed {account.Name} for {days} days" + (reason is null ? "" : $" ({reason})"),
            [new(context.Reader!["Nudge.Snoozed"], $"until {Format.Day(until)} by {By(context)}" + (reason is null ? "" : $": {Format.Quote(reason, 80)}"))]), null);
    }
}

public sealed class LogTouchpointHandler(INudgeLedger ledger, IAccountActivity activity) : NudgeActionHandler(ledger)
{
    protected override (Acted?, string?) Act(Account account, IReadOnlyDictionary<string, string> inputs, ActionContext context)
    {
        var note = Text(inputs, "note");
        if (Choice(inputs, "kind", NudgeCards.TouchpointKinds) is not { } kind) return (null, $"Say what kind of touchpoint: {string.Join(", ", NudgeCards.TouchpointKinds)}.");
        var touchpoint = new Touchpoint(account.Id, kind, note, By(context), context.Now);
        activity.AddTouchpoint(touchpoint);
        return (new Acted($"logged a {kind} with {account.Name}" + (note is null ? "" : $": {note}"), [new(context.Reader!["Fact.LastTouchpoint"], HealthHandler.Describe(context.Reader!, touchpoint))]), null);
    }
}

public sealed class MarkChurnedHandler(INudgeLedger ledger, IAccountActivity activity) : NudgeActionHandler(ledger)
{
    protected override bool RetiresEveryones => true;

    /// <summary>A second mark would silently change the churn day and reason: refused, saying who marked it and when.</summary>
    protected override string? AlreadyDone(Account account, ActionContext context) => account.CanceledOn is not { } canceled ? null
        : $"{account.Name} already churned on {Format.Day(canceled)} ({account.ChurnReason ?? ChurnMetrics.UnknownReason}).{HealthHandler.ChurnMark(context.Reader!, context.Book, account.Id)} Nothing was changed.";

    protected override (Acted?, string?) Act(Account account, IReadOnlyDictionary<string, string> inputs, ActionContext context)
    {
        if (Choice(inputs, "reason", NudgeCards.ChurnReasons) is not { } reason) return (null, $"Pick a churn reason: {string.Join(", ", NudgeCards.ChurnReasons)}.");
        var health = Health.Assess(context.Book, account, context.Today, context.Team.CoreFeatures, context.Team.Health);
        var months = (int)Math.Round((context.Today.DayNumber - account.StartedOn.DayNumber) / (365.25 / 12));
        var trimmedNote = Text(inputs, "note");
        activity.MarkChurned(new AccountChurned(account.ChurnedOn(context.Today, reason),
            new ChurnRecord(account.Id, context.Today, reason, trimmedNote, By(context), months, account.Mrr, health.SessionTrend),
            new Touchpoint(account.Id, "churned", reason + (trimmedNote is null ? "" : $": {trimmedNote}"), By(context), context.Now)));
        return (new Acted($"marked {account.Name} churned ({reason}) after {months} months",
            [new(context.Reader!["Nudge.Churned"], $"{Format.Day(context.Today)}, {reason}" + (trimmedNote is null ? "" : $": {Format.Quote(trimmedNote, 300)}"))]), null);
    }
}

/// <summary>A roll-up's button: answers with the card it lists, buttons and all, and leaves the roll-up as it is.</summary>
public sealed class OpenNudgeHandler(INudgeLedger ledger) : IActionHandler
{
    public ActionOutcome Handle(ActionRequest request, ActionContext context)
    {
        if (ledger.Find(request.Value) is not { } nudge || !NudgeRules.IsCard(nudge.Rule)) return ActionOutcome.NotSent("SuccessBot never listed this nudge.");
        if (!context.Asker.SeesWholeTeam && !string.Equals(context.Asker.Email, nudge.Recipient, StringComparison.OrdinalIgnoreCase))
            return ActionOutcome.Refused("Not your nudge", $"This nudge was listed for {nudge.Recipient}; only they or a manager can open it.");
        var rollUp = nudge.MessageRef is { } listedIn && listedIn.StartsWith(NudgeRules.RollUp + "|", StringComparison.Ordinal) ? ledger.Find(listedIn)?.Card : null;
        var card = nudge.Action is null ? nudge.Card : NudgeCards.Done(nudge.Card, NudgeCards.AlreadyHandled(nudge));
        return new ActionOutcome(rollUp, card);
    }
}
