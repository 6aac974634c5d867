using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Chat.Handlers;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Nudges;

/// <summary>What a nudge action did: the words for the ledger and the audit log, the same for any later reader, the card's note in its reader's words, and the card's facts it changed.</summary>
public sealed record Acted(string What, Language.Said Done, string Note, IReadOnlyList<Fact> Changed);

/// <summary>What the three nudge buttons share: find the nudge, check who clicks, refuse a second click, record the action.</summary>
public abstract class NudgeActionHandler(INudgeLedger ledger) : IActionHandler
{
    public const int MaxNoteLength = 500;

    public ActionOutcome Handle(ActionRequest request, ActionContext context)
    {
        var w = context.ClickerWords;
        if (ledger.Find(request.Value) is not { } nudge) return ActionOutcome.NotSent(w["Click.NeverSent"], w["Click.UnknownTitle"]);
        var clicker = context.Asker.Email;
        if (!context.Asker.SeesWholeTeam && !string.Equals(clicker, nudge.Recipient, StringComparison.OrdinalIgnoreCase))
            return ActionOutcome.Refused(w["Click.NotYoursTitle"], w["Click.NotYours", ("recipient", nudge.Recipient)]);
        if (nudge.Action is not null)
            return ActionOutcome.Refused(w["Click.AlreadyHandledTitle"], NudgeCards.AlreadyHandled(w, nudge),
                NudgeCards.Done(nudge.Card, NudgeCards.WhoDidWhat(context.Team.ReaderOfMember(nudge.Recipient), nudge)));
        if (context.Book.Find(nudge.AccountId) is not { } account)
            return ActionOutcome.Refused(w["Click.AccountGoneTitle"], w["Click.AccountGone", ("account", nudge.AccountId)]);
        // The card's note and the facts an action changes are in the card's words, the recipient's language; refusals in the clicker's.
        context = context with { Reader = context.Team.ReaderOfMember(nudge.Recipient) };
        if (AlreadyDone(account, context, w) is { } why) return ActionOutcome.Refused(w["Click.NotDoneTitle"], why);

        var (acted, problem) = Act(account, request.Inputs, context, w);
        if (acted is null) return ActionOutcome.Refused(w["Click.NotDoneTitle"], problem ?? w["Click.NothingDone"]);
        var by = clicker ?? "an administrator";
        var done = nudge with { Action = acted.What, Done = acted.Done, ActedBy = by, ActedAt = context.Now };
        ledger.Update(done);
        Retire(done, RetiresEveryones);
        // The card says who did what: no second message, whichever the action.
        return new ActionOutcome(NudgeCards.Done(nudge.Card, acted.Note, acted.Changed), null)
        {
            Audited = new AuditFact(request.ActionId, account.Id,
                new Dictionary<string, string>(request.Inputs.Select(i => KeyValuePair.Create(i.Key, Text(request.Inputs, i.Key) ?? ""))) { ["done"] = acted.What, ["nudge"] = nudge.Key }),
        };
    }

    /// <summary>Marked churned: every open card of the account is done with, whoever it was for; otherwise only the clicker's.</summary>
    protected virtual bool RetiresEveryones => false;

    /// <summary>Why the action cannot be taken on this account at all (null: it can), in the clicker's words <paramref name="w"/>.</summary>
    protected virtual string? AlreadyDone(Account account, ActionContext context, Language.Reader w) => null;

    /// <summary>Does the action; returns what was done ("snoozed for 14 days: waiting for budget") or why it was not, in the clicker's words <paramref name="w"/>.</summary>
    protected abstract (Acted? Acted, string? Problem) Act(Account account, IReadOnlyDictionary<string, string> inputs, ActionContext context, Language.Reader w);

    /// <summary>A moment on a card as its reader writes it: "2026-11-25 14:30 UTC".</summary>
    protected static string At(ActionContext context) => context.Reader!.Moment(context.Now);

    /// <summary>The account's other open cards for the same person (for anyone after a churn) are handled by this one: a click on them is refused, a card not sent yet is not sent.</summary>
    private void Retire(NudgeRecord done, bool everyones)
    {
        foreach (var other in ledger.AboutAccount(done.AccountId))
        {
            if (other.Key == done.Key || other.Action is not null || other.Status == DeliveryStatus.Merged) continue;
            if (!everyones && !string.Equals(other.Recipient, done.Recipient, StringComparison.OrdinalIgnoreCase)) continue;
            ledger.Update(other with
            {
                Action = done.Action, Done = done.Done, ActedBy = done.ActedBy, ActedAt = done.ActedAt, HandledThrough = done.Key,
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
    protected override (Acted?, string?) Act(Account account, IReadOnlyDictionary<string, string> inputs, ActionContext context, Language.Reader w)
    {
        if (Choice(inputs, "days", NudgeCards.SnoozeDays) is not { } days) return (null, w["Click.SnoozeFor", ("days", string.Join(", ", NudgeCards.SnoozeDays))]);
        var reason = Text(inputs, "reason");
        var band = Health.Assess(context.Book, account, context.Today, context.Team.CoreFeatures, context.Team.Health).Band;
        var until = context.Today.AddDays(int.Parse(days));
        activity.SaveSnooze(new Snooze(account.Id, until, reason, By(context), band));
        activity.AddTouchpoint(new Touchpoint(account.Id, "snooze", $"{days} days" + (reason is null ? "" : $": {reason}"), By(context), context.Now));
        var r = context.Reader!;
        var note = reason is null
            ? r.Plural("Click.Snoozed", int.Parse(days), ("by", By(context)), ("account", account.Name), ("at", At(context)))
            : r.Plural("Click.SnoozedBecause", int.Parse(days), ("by", By(context)), ("account", account.Name), ("reason", reason), ("at", At(context)));
        return (new Acted($"snoozed {account.Name} for {days} days" + (reason is null ? "" : $" ({reason})"),
            new(reason is null ? "Done.Snoozed" : "Done.SnoozedBecause", ("account", account.Name), ("reason", reason)) { Count = int.Parse(days) }, note,
            [new(r["Nudge.Snoozed"], reason is null ? r["Click.SnoozedUntil", ("date", until), ("by", By(context))]
                : r["Click.SnoozedUntilBecause", ("date", until), ("by", By(context)), ("reason", Format.Quote(reason, 80))])]), null);
    }
}

public sealed class LogTouchpointHandler(INudgeLedger ledger, IAccountActivity activity) : NudgeActionHandler(ledger)
{
    protected override (Acted?, string?) Act(Account account, IReadOnlyDictionary<string, string> inputs, ActionContext context, Language.Reader w)
    {
        var note = Text(inputs, "note");
        if (Choice(inputs, "kind", NudgeCards.TouchpointKinds) is not { } kind) return (null, w["Click.WhichKind", ("kinds", string.Join(", ", NudgeCards.TouchpointKinds))]);
        var touchpoint = new Touchpoint(account.Id, kind, note, By(context), context.Now);
        activity.AddTouchpoint(touchpoint);
        var r = context.Reader!;
        var told = note is null
            ? r["Click.Logged", ("by", By(context)), ("kind", HealthHandler.Kind(r, kind)), ("account", account.Name), ("at", At(context))]
            : r["Click.LoggedNote", ("by", By(context)), ("kind", HealthHandler.Kind(r, kind)), ("account", account.Name), ("note", note), ("at", At(context))];
        return (new Acted($"logged a {kind} with {account.Name}" + (note is null ? "" : $": {note}"),
            new(note is null ? "Done.Logged" : "Done.LoggedNote", ("kind", new Language.Said($"Touchpoint.{kind}")), ("account", account.Name), ("note", note)), told, [new(r["Fact.LastTouchpoint"], HealthHandler.Describe(r, touchpoint))]), null);
    }
}

public sealed class MarkChurnedHandler(INudgeLedger ledger, IAccountActivity activity) : NudgeActionHandler(ledger)
{
    protected override bool RetiresEveryones => true;

    /// <summary>A second mark would silently change the churn day and reason: refused, saying who marked it and when.</summary>
    protected override string? AlreadyDone(Account account, ActionContext context, Language.Reader w) => account.CanceledOn is not { } canceled ? null
        : w["Click.AlreadyChurned", ("account", account.Name), ("date", canceled), ("reason", NudgeCards.ChurnReason(w, account.ChurnReason))] + HealthHandler.ChurnMark(w, context.Book, account.Id)
            + " " + w["Click.NothingChanged"];

    protected override (Acted?, string?) Act(Account account, IReadOnlyDictionary<string, string> inputs, ActionContext context, Language.Reader w)
    {
        if (Choice(inputs, "reason", NudgeCards.ChurnReasons) is not { } reason) return (null, w["Click.WhichReason", ("reasons", string.Join(", ", NudgeCards.ChurnReasons.Select(c => NudgeCards.ChurnReason(w, c))))]);
        var health = Health.Assess(context.Book, account, context.Today, context.Team.CoreFeatures, context.Team.Health);
        var months = (int)Math.Round((context.Today.DayNumber - account.StartedOn.DayNumber) / (365.25 / 12));
        var trimmedNote = Text(inputs, "note");
        activity.MarkChurned(new AccountChurned(account.ChurnedOn(context.Today, reason),
            new ChurnRecord(account.Id, context.Today, reason, trimmedNote, By(context), months, account.Mrr, health.SessionTrend),
            new Touchpoint(account.Id, "churned", reason + (trimmedNote is null ? "" : $": {trimmedNote}"), By(context), context.Now)));
        var r = context.Reader!;
        return (new Acted($"marked {account.Name} churned ({reason}) after {months} months",
            new("Done.MarkedChurned", ("account", account.Name), ("reason", new Language.Said(NudgeCards.ChurnReasonKey(reason)))) { Count = months },
            r.Plural("Click.MarkedChurned", months, ("by", By(context)), ("account", account.Name), ("reason", NudgeCards.ChurnReason(r, reason)), ("at", At(context))),
            [new(r["Nudge.Churned"], trimmedNote is null ? r["Click.ChurnedOn", ("date", context.Today), ("reason", NudgeCards.ChurnReason(r, reason))]
                : r["Click.ChurnedOnNote", ("date", context.Today), ("reason", NudgeCards.ChurnReason(r, reason)), ("note", Format.Quote(trimmedNote, 300))])]), null);
    }
}

/// <summary>A roll-up's button: answers with the card it lists, buttons and all, and leaves the roll-up as it is.</summary>
public sealed class OpenNudgeHandler(INudgeLedger ledger) : IActionHandler
{
    public ActionOutcome Handle(ActionRequest request, ActionContext context)
    {
        var w = context.ClickerWords;
        if (ledger.Find(request.Value) is not { } nudge || !NudgeRules.IsCard(nudge.Rule)) return ActionOutcome.NotSent(w["Click.NeverListed"], w["Click.UnknownTitle"]);
        if (!context.Asker.SeesWholeTeam && !string.Equals(context.Asker.Email, nudge.Recipient, StringComparison.OrdinalIgnoreCase))
            return ActionOutcome.Refused(w["Click.NotYoursTitle"], w["Click.NotYoursListed", ("recipient", nudge.Recipient)]);
        var rollUp = nudge.MessageRef is { } listedIn && listedIn.StartsWith(NudgeRules.RollUp + "|", StringComparison.Ordinal) ? ledger.Find(listedIn)?.Card : null;
        var card = nudge.Action is null ? nudge.Card : NudgeCards.Done(nudge.Card, NudgeCards.AlreadyHandled(w, nudge));
        return new ActionOutcome(rollUp, card);
    }
}
