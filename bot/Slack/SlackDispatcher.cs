using System.Text.Json;
using System.Text.Json.Nodes;
using SuccessBot.Core.Storage;
using static SuccessBot.Slack.SlackApi;

namespace SuccessBot.Slack;

/// <summary>
/// Reads what Slack sent (already verified, whether it came over HTTP or Socket Mode) and hands it to its handler:
/// events are acknowledged at once and handled after, each event id once.
/// </summary>
public sealed class SlackDispatcher(SlackRoutes routes, SlackEventLog seen, SlackWork work)
{
    public SlackAck Event(JsonElement body)
    {
        var kind = Text(body, "type");
        if (kind == "url_verification")
            return Text(body, "challenge") is { } challenge ? SlackAck.Ok(new JsonObject { ["challenge"] = challenge }) : SlackAck.Bad("url_verification without a challenge.");
        if (kind != "event_callback") return SlackAck.Bad(kind is null ? "The body has no \"type\"." : $"Unknown request type \"{kind}\".");
        var e = Child(body, "event");
        if (Text(e, "type") is not { } type) return SlackAck.Bad("An event_callback without an event.");
        if (Text(body, "event_id") is not { } id) return SlackAck.Bad("An event_callback without an event_id.");
        if (!routes.Events.TryGetValue(type, out var handler)) return SlackAck.Bad($"SuccessBot does not subscribe to \"{type}\" events.");
        // Slack sends an event again when the first ack was late; the first delivery was handled.
        if (!seen.FirstTime(id)) return SlackAck.Ok();
        var slackEvent = new SlackEvent(id, type, Text(body, "team_id"), e.Clone(), Flag(body, "is_ext_shared_channel"));
        work.Start($"{type} event {id}", cancel => handler.HandleAsync(slackEvent, cancel));
        return SlackAck.Ok();
    }

    public Task<SlackAck> CommandAsync(IReadOnlyDictionary<string, string> form, CancellationToken cancel)
    {
        string? Field(string name) => form.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        if (Field("command") is not { } name) return Task.FromResult(SlackAck.Bad("Neither a slash command nor an interaction."));
        if (Field("team_id") is not { } team || Field("user_id") is not { } user || Field("channel_id") is not { } channel)
            return Task.FromResult(SlackAck.Bad("A slash command needs team_id, user_id and channel_id."));
        if (!routes.Commands.TryGetValue(name, out var handler)) return Task.FromResult(SlackAck.Bad($"SuccessBot has no slash command {name}."));
        return handler.HandleAsync(new SlashCommand(name, Field("text") ?? "", team, user, channel, Field("response_url"), Field("trigger_id")), cancel);
    }

    public Task<SlackAck> InteractionAsync(JsonElement payload, CancellationToken cancel)
    {
        var user = Child(payload, "user");
        if (Text(user, "id") is not { } userId) return Task.FromResult(SlackAck.Bad("An interaction without a user."));
        var team = Text(user, "team_id") ?? Text(Child(payload, "team"), "id");
        return Text(payload, "type") switch
        {
            "block_actions" => BlockActionAsync(payload, userId, team, cancel),
            "view_submission" => ViewSubmissionAsync(payload, userId, team, cancel),
            var other => Task.FromResult(SlackAck.Bad($"SuccessBot takes no \"{other}\" interactions.")),
        };
    }

    private Task<SlackAck> BlockActionAsync(JsonElement payload, string userId, string? team, CancellationToken cancel)
    {
        if (!payload.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0)
            return Task.FromResult(SlackAck.Bad("block_actions without actions."));
        var action = actions[0];
        if (Text(action, "action_id") is not { } actionId || !routes.Actions.TryGetValue(actionId, out var handler))
            return Task.FromResult(SlackAck.Bad("SuccessBot never sent a button with this action id."));
        var container = Child(payload, "container");
        var channel = Text(Child(payload, "channel"), "id") ?? Text(container, "channel_id");
        var label = Text(Child(action, "text"), "text");
        var click = new BlockAction(actionId, Text(action, "value"), label, userId, team, channel, Text(container, "message_ts"),
            Flag(container, "is_ephemeral"), Text(payload, "trigger_id"), Text(payload, "response_url"));
        return handler.HandleAsync(click, cancel);
    }

    private Task<SlackAck> ViewSubmissionAsync(JsonElement payload, string userId, string? team, CancellationToken cancel)
    {
        var view = Child(payload, "view");
        if (Text(view, "callback_id") is not { } callback || !routes.Views.TryGetValue(callback, out var handler))
            return Task.FromResult(SlackAck.Bad("SuccessBot never opened a modal like this one."));
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (Child(Child(view, "state"), "values") is { ValueKind: JsonValueKind.Object } blocks)
        {
            foreach (var block in blocks.EnumerateObject())
            {
                if (block.Value.ValueKind != JsonValueKind.Object) continue;
                foreach (var element in block.Value.EnumerateObject())
                    values[block.Name] = Text(element.Value, "value") ?? Text(Child(element.Value, "selected_option"), "value");
            }
        }
        return handler.HandleAsync(new ViewSubmission(callback, userId, team, Text(view, "private_metadata") ?? "", values), cancel);
    }
}

/// <summary>The event ids already handled, kept in the store so that a retry after a restart is still recognised.</summary>
public sealed class SlackEventLog(IHandledEvents handled, TimeProvider clock)
{
    // Slack stops retrying after minutes; ids older than two days only take room.
    private static readonly TimeSpan Kept = TimeSpan.FromDays(2);

    /// <summary>Records the event id; false when it was recorded before.</summary>
    public bool FirstTime(string eventId) => handled.FirstTime(eventId, clock.GetUtcNow(), Kept);
}

/// <summary>Work done after Slack has had its acknowledgement (answers to events, updates after clicks), logged when it fails.</summary>
public sealed class SlackWork(IHostApplicationLifetime lifetime, ILogger<SlackWork> log)
{
    public void Start(string what, Func<CancellationToken, Task> work) => _ = Task.Run(async () =>
    {
        try
        {
            await work(lifetime.ApplicationStopping);
        }
        catch (Exception e) when (e is not OperationCanceledException || !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            log.LogWarning(e, "Slack: {What} failed.", what);
        }
    });
}
