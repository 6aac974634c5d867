using System.Text.Json.Nodes;

namespace SuccessBot.Tests.Slack;

/// <summary>Requests shaped as Slack's documentation shows them (field for field), with this test's ids.</summary>
public static class SlackPayloads
{
    public static KeyValuePair<string, string>[] SlashCommand(string command, string text, string user = FakeSlack.Manager, string team = FakeSlack.Team,
        string channel = "C2147483705", string? responseUrl = null) =>
    [
        new("token", "gIkuvaNzQIHg97ATvDxqgjtO"),
        new("team_id", team),
        new("team_domain", "example"),
        new("enterprise_id", "E0001"),
        new("enterprise_name", "Globular%20Construct%20Inc"),
        new("channel_id", channel),
        new("channel_name", "test"),
        new("user_id", user),
        new("user_name", "Steve"),
        new("command", command),
        new("text", text),
        new("response_url", responseUrl ?? "https://hooks.slack.com/commands/1234/5678"),
        new("trigger_id", "13345224609.738474920.8088930838d88f008e0"),
        new("api_app_id", "A123456"),
    ];

    public static string EventCallback(string eventId, JsonObject slackEvent, string team = FakeSlack.Team, bool externallyShared = false) => new JsonObject
    {
        ["token"] = "XXYYZZ",
        ["team_id"] = team,
        ["api_app_id"] = "AXXXXXXXXX",
        ["event"] = slackEvent,
        ["type"] = "event_callback",
        ["authorizations"] = new JsonArray(new JsonObject { ["enterprise_id"] = "E12345", ["team_id"] = team, ["user_id"] = FakeSlack.Bot, ["is_bot"] = true, ["is_enterprise_install"] = false }),
        ["event_id"] = eventId,
        ["event_time"] = 1234567890,
        ["is_ext_shared_channel"] = externallyShared,
        ["event_context"] = "EC12345",
    }.ToJsonString();

    public static JsonObject AppMention(string text, string user = FakeSlack.Manager, string channel = "C123ABC456") => new()
    {
        ["type"] = "app_mention",
        ["user"] = user,
        ["text"] = $"<@{FakeSlack.Bot}> {text}",
        ["ts"] = "1515449522.000016",
        ["channel"] = channel,
        ["event_ts"] = "1515449522000016",
    };

    public static JsonObject DirectMessage(string text, string user = FakeSlack.Manager) => new()
    {
        ["type"] = "message",
        ["channel"] = "D024BE91L",
        ["user"] = user,
        ["text"] = text,
        ["ts"] = "1355517523.000005",
        ["event_ts"] = "1355517523.000005",
        ["channel_type"] = "im",
    };

    public static JsonObject AppHomeOpened(string user = FakeSlack.Manager) => new()
    {
        ["type"] = "app_home_opened",
        ["user"] = user,
        ["channel"] = "D0LAN2Q65",
        ["event_ts"] = "1515449522000016",
        ["tab"] = "home",
    };

    public static string BlockActions(string actionId, string value, string user = FakeSlack.Manager, string channel = "D0001", string messageTs = "1548261231.000200") => new JsonObject
    {
        ["type"] = "block_actions",
        ["team"] = new JsonObject { ["id"] = FakeSlack.Team, ["domain"] = "example" },
        ["user"] = new JsonObject { ["id"] = user, ["username"] = "steve", ["name"] = "steve", ["team_id"] = user == FakeSlack.Guest ? FakeSlack.OtherTeam : FakeSlack.Team },
        ["api_app_id"] = "A0123456",
        ["token"] = "Shh_its_a_seekrit",
        ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = messageTs, ["channel_id"] = channel, ["is_ephemeral"] = false },
        ["trigger_id"] = "12466734323.1395872398",
        ["channel"] = new JsonObject { ["id"] = channel, ["name"] = "directmessage" },
        ["message"] = new JsonObject { ["type"] = "message", ["ts"] = messageTs, ["text"] = "A nudge" },
        ["response_url"] = "https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9",
        ["actions"] = new JsonArray(new JsonObject
        {
            ["action_id"] = actionId,
            ["block_id"] = "=qXel",
            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Log touchpoint", ["emoji"] = true },
            ["value"] = value,
            ["type"] = "button",
            ["action_ts"] = "1548426417.840180",
        }),
    }.ToJsonString();

    public static string ViewSubmission(string privateMetadata, JsonObject values, string user = FakeSlack.Manager) => new JsonObject
    {
        ["type"] = "view_submission",
        ["team"] = new JsonObject { ["id"] = FakeSlack.Team, ["domain"] = "example" },
        ["user"] = new JsonObject { ["id"] = user, ["username"] = "steve", ["name"] = "steve", ["team_id"] = user == FakeSlack.Guest ? FakeSlack.OtherTeam : FakeSlack.Team },
        ["api_app_id"] = "A0123456",
        ["token"] = "Shh_its_a_seekrit",
        ["trigger_id"] = "12466734323.1395872398",
        ["view"] = new JsonObject
        {
            ["id"] = "VNHU13V36",
            ["type"] = "modal",
            ["private_metadata"] = privateMetadata,
            ["callback_id"] = SuccessBot.Slack.BlockKit.InputsModal,
            ["state"] = new JsonObject { ["values"] = values },
            ["hash"] = "156663117.cd33ad1f",
        },
    }.ToJsonString();

    /// <summary>`state.values` as Slack sends them: a select's choice, or a text input's value, by block id.</summary>
    public static JsonObject Values(params (string BlockId, string Value, bool Select)[] answers)
    {
        var values = new JsonObject();
        foreach (var (block, value, select) in answers)
            values[block] = new JsonObject
            {
                ["value"] = select
                    ? new JsonObject { ["type"] = "static_select", ["selected_option"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = value }, ["value"] = value } }
                    : new JsonObject { ["type"] = "plain_text_input", ["value"] = value },
            };
        return values;
    }
}
