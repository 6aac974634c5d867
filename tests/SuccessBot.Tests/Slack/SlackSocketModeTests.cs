using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;
using SuccessBot.Slack;
using SuccessBot.Tests.Web;

namespace SuccessBot.Tests.Slack;

/// <summary>Socket Mode against a local WebSocket server: envelopes acknowledged, the same handlers, reconnection.</summary>
public class SlackSocketModeTests
{
    [Fact]
    public async Task Envelopes_are_acknowledged_answered_by_the_same_handlers_and_a_disconnect_opens_a_new_connection()
    {
        await using var slack = await FakeSlack.StartAsync();
        var acks = new BlockingCollection<JsonObject>();
        var finished = new TaskCompletionSource();
        var bookLoaded = new TaskCompletionSource();
        slack.SocketSession = async socket =>
        {
            await Send(socket, new JsonObject { ["type"] = "hello", ["num_connections"] = 1 });
            if (slack.SocketConnections > 1)
            {
                finished.TrySetResult();
                await Receive(socket);
                return;
            }
            // The socket opens while the host starts; a question before the book is loaded would be told to ask again later.
            await bookLoaded.Task;
            await Send(socket, new JsonObject
            {
                ["envelope_id"] = "env-command",
                ["type"] = "slash_commands",
                ["accepts_response_payload"] = true,
                ["payload"] = Fields(SlackPayloads.SlashCommand("/nps", "this quarter", responseUrl: slack.ResponseUrl("socket-nps"))),
            });
            acks.Add(await Receive(socket) ?? []);
            await Send(socket, new JsonObject
            {
                ["envelope_id"] = "env-event",
                ["type"] = "events_api",
                ["accepts_response_payload"] = false,
                ["retry_attempt"] = 0,
                ["payload"] = JsonNode.Parse(SlackPayloads.EventCallback("Ev-socket-1", SlackPayloads.AppMention("help", channel: "CSOCKET")))!,
            });
            acks.Add(await Receive(socket) ?? []);
            await Send(socket, new JsonObject { ["type"] = "disconnect", ["reason"] = "refresh_requested" });
            await Receive(socket);
        };
        using var bot = new SlackBotFactory(slack, socketMode: true, withSigningSecret: false);
        await bot.Services.GetRequiredService<IBookSource>().WhenReady.WaitAsync(TimeSpan.FromMinutes(2));
        bookLoaded.SetResult();

        var command = acks.Take(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        var slackEvent = acks.Take(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal("env-command", command["envelope_id"]!.GetValue<string>());
        Assert.Equal("ephemeral", command["payload"]!["response_type"]!.GetValue<string>());
        // The answer is in the ack, or follows through the response URL when it took longer than Slack's three seconds.
        var answer = await slack.AnswerOfAsync(command["payload"]!.AsObject(), "socket-nps");
        Assert.Equal("ephemeral", answer["response_type"]!.GetValue<string>());
        Assert.StartsWith("NPS", answer["text"]!.GetValue<string>());
        Assert.Equal("env-event", slackEvent["envelope_id"]!.GetValue<string>());
        Assert.Null(slackEvent["payload"]);
        await slack.WaitForAsync("chat.postEphemeral", c => c.Fields["channel"]?.GetValue<string>() == "CSOCKET");
        await finished.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var opens = slack.Calls("apps.connections.open");
        Assert.True(opens.Count >= 2);
        Assert.All(opens, o => Assert.Equal("Bearer fake-app-token", o.Authorization));
        // Without a signing secret the HTTP endpoint is off, and says why.
        var http = await bot.CreateClient().PostAsync(SlackEndpoints.Path, new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, http.StatusCode);
        Assert.Contains("Slack:SigningSecret", await http.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_envelope_with_a_lone_surrogate_is_acknowledged_and_answered()
    {
        await using var slack = await FakeSlack.StartAsync();
        var ack = new TaskCompletionSource<JsonObject?>();
        slack.SocketSession = async socket =>
        {
            if (slack.SocketConnections > 1) return;
            await Send(socket, new JsonObject { ["type"] = "hello", ["num_connections"] = 1 });
            var envelope = new JsonObject
            {
                ["envelope_id"] = "env-surrogate",
                ["type"] = "events_api",
                ["accepts_response_payload"] = false,
                ["payload"] = JsonNode.Parse(SlackPayloads.EventCallback("Ev-socket-surrogate", SlackPayloads.AppMention($"help {LoneSurrogate.Placeholder}", channel: "CSOCKETS")))!,
            };
            await socket.SendAsync(Encoding.UTF8.GetBytes(LoneSurrogate.Json(envelope)), WebSocketMessageType.Text, true, CancellationToken.None);
            ack.TrySetResult(await Receive(socket));
            await Receive(socket);
        };
        using var bot = new SlackBotFactory(slack, socketMode: true, withSigningSecret: false);
        _ = bot.Services;

        Assert.Equal("env-surrogate", (await ack.Task.WaitAsync(TimeSpan.FromSeconds(30)))?["envelope_id"]?.GetValue<string>());
        await slack.WaitForAsync("chat.postEphemeral", c => c.Fields["channel"]?.GetValue<string>() == "CSOCKETS");
    }

    [Fact]
    public async Task With_no_Slack_settings_the_endpoint_answers_503_with_the_reason()
    {
        using var bot = new BotFactory();

        var response = await bot.CreateClient().PostAsync(SlackEndpoints.Path, new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Slack:BotToken is not set", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_chart_asked_over_socket_mode_is_uploaded_with_the_same_flow()
    {
        await using var slack = await FakeSlack.StartAsync();
        var ack = new TaskCompletionSource<JsonObject?>();
        slack.SocketSession = async socket =>
        {
            await Send(socket, new JsonObject { ["type"] = "hello", ["num_connections"] = 1 });
            if (slack.SocketConnections > 1)
            {
                await Receive(socket);
                return;
            }
            await Send(socket, new JsonObject
            {
                ["envelope_id"] = "env-chart",
                ["type"] = "slash_commands",
                ["accepts_response_payload"] = true,
                ["payload"] = Fields(SlackPayloads.SlashCommand("/churn", "trend", responseUrl: slack.ResponseUrl("socket-chart"))),
            });
            ack.TrySetResult(await Receive(socket));
            await Receive(socket);
        };
        using var bot = new SlackBotFactory(slack, socketMode: true, withSigningSecret: false);
        _ = bot.Services;

        var answer = (await ack.Task.WaitAsync(TimeSpan.FromSeconds(30)))!["payload"]!;
        // Past Slack's 3 seconds (a busy machine) the answer follows the ack through response_url.
        if (answer["text"]?.GetValue<string>() == "Working on it…") answer = (await slack.WaitForAsync("response_url")).Fields;
        Assert.Contains(SlackCharts.InYourMessages, answer["blocks"]!.ToJsonString());
        var complete = await slack.WaitForAsync("files.completeUploadExternal", c => c.Fields["channel_id"]?.ToString() == "D" + FakeSlack.Manager);
        var id = JsonNode.Parse(complete.Fields["files"]!.ToString())![0]!["id"]!.GetValue<string>();
        using var png = SkiaSharp.SKBitmap.Decode(slack.Uploads[id]);
        Assert.Equal((800, 400), (png.Width, png.Height));
    }

    private static JsonObject Fields(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var json = new JsonObject();
        foreach (var (key, value) in fields) json[key] = value;
        return json;
    }

    private static Task Send(WebSocket socket, JsonObject message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<JsonObject?> Receive(WebSocket socket)
    {
        var buffer = new byte[256 * 1024];
        var length = 0;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(length), new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
                if (result.MessageType == WebSocketMessageType.Close) return null;
                length += result.Count;
                if (result.EndOfMessage) return JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, length))!.AsObject();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            return null;
        }
    }
}
