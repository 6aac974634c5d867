using System.Text.Json;
using System.Text.Json.Nodes;

namespace SuccessBot.Slack;

/// <summary>What goes back to Slack at once: the HTTP status and body, or the payload of a Socket Mode acknowledgement.</summary>
public sealed record SlackAck(int Status, JsonNode? Body = null, string? Problem = null)
{
    public static SlackAck Ok(JsonNode? body = null) => new(200, body);

    public static SlackAck Bad(string problem, int status = 400) => new(status, null, problem);
}

public sealed record SlashCommand(string Command, string Text, string TeamId, string UserId, string ChannelId, string? ResponseUrl, string? TriggerId);

/// <summary>One event of an `event_callback`; <see cref="ExternallyShared"/>: it happened in a channel shared with another organisation.</summary>
public sealed record SlackEvent(string EventId, string Type, string? TeamId, JsonElement Event, bool ExternallyShared);

/// <summary>A click on a button, where the clicked message is, and what lets the bot open a modal or answer.</summary>
public sealed record BlockAction(string ActionId, string? Value, string? Label, string UserId, string? TeamId, string? Channel, string? MessageTs,
    bool Ephemeral, string? TriggerId, string? ResponseUrl);

/// <summary>A submitted modal: its answers by block id, and the metadata it was opened with.</summary>
public sealed record ViewSubmission(string CallbackId, string UserId, string? TeamId, string PrivateMetadata, IReadOnlyDictionary<string, string?> Values);

/// <summary>Answers one slash command within Slack's 3 seconds (at once, or with an ack and a later post to response_url).</summary>
public interface ISlashCommandHandler
{
    Task<SlackAck> HandleAsync(SlashCommand command, CancellationToken cancel);
}

/// <summary>Handles one type of event, after Slack has had its acknowledgement.</summary>
public interface ISlackEventHandler
{
    Task HandleAsync(SlackEvent slackEvent, CancellationToken cancel);
}

/// <summary>Acts on a click on one kind of button.</summary>
public interface IBlockActionHandler
{
    Task<SlackAck> HandleAsync(BlockAction click, CancellationToken cancel);
}

/// <summary>Acts on one kind of submitted modal.</summary>
public interface IViewSubmissionHandler
{
    Task<SlackAck> HandleAsync(ViewSubmission submission, CancellationToken cancel);
}

/// <summary>The routing table, as Bolt keeps it: slash command, event type, action id and modal callback id to handler.</summary>
public sealed class SlackRoutes
{
    private readonly Dictionary<string, ISlashCommandHandler> _commands = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ISlackEventHandler> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IBlockActionHandler> _actions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IViewSubmissionHandler> _views = new(StringComparer.Ordinal);

    public SlackRoutes Command(string command, ISlashCommandHandler handler) => Add(_commands, command, handler);

    public SlackRoutes Event(string type, ISlackEventHandler handler) => Add(_events, type, handler);

    public SlackRoutes Action(string actionId, IBlockActionHandler handler) => Add(_actions, actionId, handler);

    public SlackRoutes View(string callbackId, IViewSubmissionHandler handler) => Add(_views, callbackId, handler);

    public IReadOnlyDictionary<string, ISlashCommandHandler> Commands => _commands;
    public IReadOnlyDictionary<string, ISlackEventHandler> Events => _events;
    public IReadOnlyDictionary<string, IBlockActionHandler> Actions => _actions;
    public IReadOnlyDictionary<string, IViewSubmissionHandler> Views => _views;

    private SlackRoutes Add<T>(Dictionary<string, T> table, string key, T handler)
    {
        if (!table.TryAdd(key, handler)) throw new InvalidOperationException($"\"{key}\" has two Slack handlers.");
        return this;
    }
}
