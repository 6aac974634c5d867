using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SuccessBot.Slack.Handlers;
using SuccessBot.Web;
using static SuccessBot.Slack.SlackApi;

namespace SuccessBot.Slack;

/// <summary>
/// Socket Mode: Slack's events, slash commands and interactions over a WebSocket the bot opens, so it needs no public URL.
/// Every envelope is acknowledged; a `disconnect` opens a new connection at once, a drop after a growing wait.
/// </summary>
public sealed class SocketModeConnection(Func<SlackApi> api, SlackDispatcher dispatcher, TimeProvider clock, ILogger<SocketModeConnection> log) : BackgroundService
{
    private static readonly TimeSpan FirstWait = TimeSpan.FromSeconds(1), LongestWait = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var url = await api().OpenSocketAsync(stop);
                using var socket = new ClientWebSocket();
                await socket.ConnectAsync(url, stop);
                var (greeted, askedToReconnect) = await ServeAsync(socket, stop);
                failures = greeted && askedToReconnect ? 0 : failures + 1;
                log.LogInformation("Slack Socket Mode: {Why}; connecting again.", askedToReconnect ? "Slack asked to reconnect" : "the connection closed");
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                failures++;
                log.LogWarning("Slack Socket Mode: could not connect ({Error}).", e.Message);
            }
            if (failures > 0 && !stop.IsCancellationRequested)
                await Task.Delay(TimeSpan.FromTicks(Math.Min(LongestWait.Ticks, FirstWait.Ticks << Math.Min(failures - 1, 10))), clock, stop);
        }
    }

    /// <summary>Reads frames until the connection ends: whether Slack said hello, and whether it asked for a new connection.</summary>
    private async Task<(bool Greeted, bool AskedToReconnect)> ServeAsync(ClientWebSocket socket, CancellationToken stop)
    {
        var sending = new SemaphoreSlim(1, 1);
        var greeted = false;
        while (socket.State == WebSocketState.Open)
        {
            if (await ReceiveAsync(socket, stop) is not { } frame) return (greeted, false);
            JsonElement message;
            using (var document = JsonInput.Parse(frame, out var problem))
            {
                if (document is null)
                {
                    log.LogWarning("Slack Socket Mode: a frame was ignored: {Problem}", problem);
                    continue;
                }
                message = document.RootElement.Clone();
            }
            switch (Text(message, "type"))
            {
                case "hello":
                    greeted = true;
                    log.LogInformation("Slack Socket Mode: connected.");
                    break;
                case "disconnect":
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "reconnecting", stop);
                    return (greeted, true);
                default:
                    if (Text(message, "envelope_id") is { } envelope)
                        // Envelopes are handled side by side: a slow answer does not hold the acks of the others.
                        _ = AnswerAsync(socket, sending, envelope, message, stop);
                    break;
            }
        }
        return (greeted, false);
    }

    private async Task AnswerAsync(ClientWebSocket socket, SemaphoreSlim sending, string envelope, JsonElement message, CancellationToken stop)
    {
        try
        {
            var payload = message.TryGetProperty("payload", out var p) ? p : default;
            var ack = Text(message, "type") switch
            {
                "events_api" => dispatcher.Event(payload),
                "slash_commands" => await dispatcher.CommandAsync(SlashCommandFields.From(payload), stop),
                "interactive" => await dispatcher.InteractionAsync(payload, stop),
                var other => SlackAck.Bad($"Unknown envelope type \"{other}\"."),
            };
            if (ack.Problem is { } problem) log.LogWarning("Slack Socket Mode: envelope {Envelope} refused: {Problem}", envelope, problem);
            var reply = new JsonObject { ["envelope_id"] = envelope };
            if (Flag(message, "accepts_response_payload") && ack.Body is { } body) reply["payload"] = body.DeepClone();
            await sending.WaitAsync(stop);
            try { await socket.SendAsync(Encoding.UTF8.GetBytes(reply.ToJsonString()), WebSocketMessageType.Text, true, stop); }
            finally { sending.Release(); }
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            log.LogWarning(e, "Slack Socket Mode: envelope {Envelope} failed.", envelope);
        }
    }

    private static async Task<byte[]?> ReceiveAsync(ClientWebSocket socket, CancellationToken stop)
    {
        using var frame = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, stop);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            frame.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return frame.ToArray();
        }
    }
}
