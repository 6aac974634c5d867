using System.Text.Json;
using SuccessBot.Core.Chat;

namespace SuccessBot.Teams;

/// <summary>What the bot answers on the HTTP request itself: 200 for most activities, a body for invokes.</summary>
public sealed record TurnResponse(int Status, object? Body = null)
{
    public static TurnResponse Ok { get; } = new(200);
    public static TurnResponse NotImplemented { get; } = new(501);

    /// <summary>The invoke answer to Action.Execute that replaces the card in place.</summary>
    public static TurnResponse Card(Reply card) =>
        new(200, new { statusCode = 200, type = AdaptiveCards.ContentType, value = AdaptiveCards.Render(card) });

    /// <summary>The invoke answer that leaves the card as it is and shows a short message.</summary>
    public static TurnResponse Message(string text) =>
        new(200, new { statusCode = 200, type = "application/vnd.microsoft.activity.message", value = text });

    public static TurnResponse Error(int status, string message) =>
        new(status, new { statusCode = status, type = "application/vnd.microsoft.error", value = new { code = "BadRequest", message } });
}

/// <summary>One incoming activity and the ways to answer it in its conversation (botbuilder's ITurnContext).</summary>
public sealed class TurnContext(Activity activity, BotConnector connector, CancellationToken cancel)
{
    public Activity Activity { get; } = activity;
    public BotConnector Connector { get; } = connector;
    public CancellationToken Cancel { get; } = cancel;

    /// <summary>Posts a card to this conversation, as a reply to the activity; returns the new activity's id.</summary>
    public Task<string> SendAsync(Reply reply) =>
        Connector.SendAsync(Activity.ServiceUrl!, Activity.Conversation!.Id!, Message(reply) with { ReplyToId = Activity.Id }, Cancel);

    /// <summary>Replaces a card posted before in this conversation.</summary>
    public Task UpdateAsync(string activityId, Reply card) =>
        Connector.UpdateAsync(Activity.ServiceUrl!, Activity.Conversation!.Id!, activityId, Message(card), Cancel);

    private Activity Message(Reply reply) => new()
    {
        Type = ActivityTypes.Message,
        From = Activity.Recipient,
        Recipient = Activity.From,
        Conversation = Activity.Conversation,
        Locale = Activity.Locale,
        Attachments = [AdaptiveCards.Attachment(reply)],
    };
}

/// <summary>
/// Dispatches an activity by type to small overridable handlers, as botbuilder's ActivityHandler and
/// TeamsActivityHandler do; each does nothing by default, and an activity type it does not know is ignored.
/// </summary>
public abstract class TeamsActivityHandler
{
    public const string AdaptiveCardAction = "adaptiveCard/action";

    public Task<TurnResponse> OnTurnAsync(TurnContext turn) => turn.Activity.Type switch
    {
        ActivityTypes.Message => OnMessageActivityAsync(turn),
        ActivityTypes.ConversationUpdate => OnConversationUpdateActivityAsync(turn),
        ActivityTypes.InstallationUpdate => OnInstallationUpdateActivityAsync(turn),
        ActivityTypes.Invoke => OnInvokeActivityAsync(turn),
        _ => OnUnrecognizedActivityTypeAsync(turn),
    };

    protected virtual Task<TurnResponse> OnMessageActivityAsync(TurnContext turn) => Task.FromResult(TurnResponse.Ok);

    protected virtual async Task<TurnResponse> OnConversationUpdateActivityAsync(TurnContext turn)
    {
        if (turn.Activity.MembersAdded is { Count: > 0 } added) await OnMembersAddedAsync(added, turn);
        return TurnResponse.Ok;
    }

    protected virtual Task OnMembersAddedAsync(IReadOnlyList<ChannelAccount> membersAdded, TurnContext turn) => Task.CompletedTask;

    protected virtual async Task<TurnResponse> OnInstallationUpdateActivityAsync(TurnContext turn)
    {
        if (turn.Activity.Action is { } action && action.StartsWith("add", StringComparison.OrdinalIgnoreCase)) await OnInstallationUpdateAddAsync(turn);
        return TurnResponse.Ok;
    }

    protected virtual Task OnInstallationUpdateAddAsync(TurnContext turn) => Task.CompletedTask;

    protected virtual Task<TurnResponse> OnInvokeActivityAsync(TurnContext turn) =>
        turn.Activity.Name == AdaptiveCardAction && turn.Activity.Value is { } value
            ? OnAdaptiveCardActionExecuteAsync(value, turn)
            : Task.FromResult(TurnResponse.NotImplemented);

    /// <summary>Action.Execute: `value.action` holds the verb and the data (with the inputs).</summary>
    protected virtual Task<TurnResponse> OnAdaptiveCardActionExecuteAsync(JsonElement value, TurnContext turn) => Task.FromResult(TurnResponse.NotImplemented);

    protected virtual Task<TurnResponse> OnUnrecognizedActivityTypeAsync(TurnContext turn) => Task.FromResult(TurnResponse.Ok);
}
