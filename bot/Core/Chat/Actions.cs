using SuccessBot.Core.Audit;

namespace SuccessBot.Core.Chat;

/// <summary>A click on a button the bot sent, with the answers to the questions it asked, as every channel hands it over.</summary>
public sealed record ActionRequest(string ActionId, string Value, IReadOnlyDictionary<string, string> Inputs, string? ClickerEmail)
{
    /// <summary>Where the click came from (slack, teams, local, cli), for the audit log.</summary>
    public string Channel { get; init; } = AuditChannels.Cli;

    /// <summary>The clicker's language as their chat tells it (a Teams activity's locale, the browser's Accept-Language), if it does.</summary>
    public string? Locale { get; init; }
}

/// <summary>
/// What a click did: the card that replaces the clicked one (so its buttons cannot be used twice) and, when there is
/// something to say, a reply to the person who clicked. <see cref="Unknown"/>: no such action or value was ever sent.
/// </summary>
public sealed record ActionOutcome(Reply? UpdatedCard, Reply? Answer, bool Unknown = false)
{
    /// <summary>What the click changed, for the audit log; null when it changed nothing.</summary>
    public AuditFact? Audited { get; init; }

    public static ActionOutcome NotSent(string why, string title) => new(null, Reply.Refusal(title, why), Unknown: true);
    public static ActionOutcome Refused(string title, string why, Reply? card = null) => new(card, Reply.Refusal(title, why));
}

/// <summary>Who clicked, when, and what they may see.</summary>
public sealed record ActionContext(Asker Asker, DateOnly Today, DateTimeOffset Now, Domain.BookOfBusiness Book, TeamSettings Team)
{
    /// <summary>The words of the person the click is about, once a handler has found whose language that is.</summary>
    public Language.Reader? Reader { get; init; }

    /// <summary>The clicker's words: their chat's language (the click's own locale is remembered before it is routed), else the team's.</summary>
    public Language.Reader ClickerWords =>
        Asker.Email is { } email ? Team.ReaderOfMember(email) : Team.ReaderIn(Language.Languages.First(Team.Language));
}

/// <summary>Acts on one kind of button; one small class per action.</summary>
public interface IActionHandler
{
    ActionOutcome Handle(ActionRequest request, ActionContext context);
}

/// <summary>The routing table of buttons: action id to handler. With an audit log, what a click changes is appended to it in the click's transaction.</summary>
public sealed class ActionRouter(IAuditLog? audit = null)
{
    private readonly Dictionary<string, IActionHandler> _routes = new(StringComparer.Ordinal);

    public ActionRouter On(string actionId, IActionHandler handler)
    {
        _routes[actionId] = handler;
        return this;
    }

    public IReadOnlyCollection<string> ActionIds => _routes.Keys;

    public ActionOutcome Route(ActionRequest request, ActionContext context)
    {
        if (!_routes.TryGetValue(request.ActionId, out var handler))
            return ActionOutcome.NotSent(context.ClickerWords["Click.NeverSentButton", ("button", Format.Quote(request.ActionId))], context.ClickerWords["Click.UnknownTitle"]);
        if (audit is null) return handler.Handle(request, context);
        return audit.Recorded(() =>
        {
            var outcome = handler.Handle(request, context);
            var entry = outcome.Audited is { } fact
                ? new AuditEntry(context.Now, AuditEntry.WhoIs(context.Asker.Email), request.Channel, fact.Action, fact.AccountId, fact.Values)
                : null;
            return (outcome, entry);
        });
    }
}
