using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using SuccessBot.Web;

namespace SuccessBot.Slack;

/// <summary>`POST /slack/events`: events, slash commands and interactivity at one URL, as Bolt serves them.</summary>
public static class SlackEndpoints
{
    public const string Path = "/slack/events";
    public const int MaxBodyBytes = 1024 * 1024;

    public static void MapSlack(this WebApplication app)
    {
        app.MapPost(Path, async (HttpContext http, SlackSettings settings, TimeProvider clock) =>
        {
            if (settings.WhyNoHttpEndpoint is { } off) return Problem(503, $"Slack is off here: {off}.");
            var (read, unread) = await JsonInput.ReadBodyAsync(http.Request, MaxBodyBytes);
            if (read is not { } body) return unread!;
            var headers = http.Request.Headers;
            var signature = headers["X-Slack-Signature"].ToString();
            // Slack's certificate check is the one post it does not sign; it asks for nothing.
            if (signature.Length == 0 && http.Request.HasFormContentType && body.AsSpan().StartsWith("ssl_check=1"u8)) return Results.Ok();
            if (SlackSignature.Problem(settings.SigningSecret!, headers["X-Slack-Request-Timestamp"].ToString(), signature, body, clock.GetUtcNow()) is { } bad)
                return Problem(401, bad);

            var dispatcher = http.RequestServices.GetRequiredService<SlackDispatcher>();
            var ack = await DispatchAsync(dispatcher, http.Request, body, http.RequestAborted);
            return ack.Problem is { } problem ? Problem(ack.Status, problem)
                : ack.Body is { } json ? Results.Text(json.ToJsonString(), "application/json; charset=utf-8", statusCode: ack.Status)
                : Results.StatusCode(ack.Status);
        });
    }

    private static async Task<SlackAck> DispatchAsync(SlackDispatcher dispatcher, HttpRequest request, byte[] body, CancellationToken cancel)
    {
        if (request.HasJsonContentType())
        {
            if (Parse(body, out var problem) is not { } json) return SlackAck.Bad(problem!);
            return dispatcher.Event(json);
        }
        if (!request.HasFormContentType) return SlackAck.Bad("Slack posts JSON or a form.", 415);
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        if (form.TryGetValue("payload", out var payload))
        {
            if (Parse(Encoding.UTF8.GetBytes(payload), out var problem) is not { } interaction) return SlackAck.Bad($"In the payload field: {problem}");
            return await dispatcher.InteractionAsync(interaction, cancel);
        }
        return await dispatcher.CommandAsync(form, cancel);
    }

    private static JsonElement? Parse(byte[] utf8, out string? problem)
    {
        using var document = JsonInput.Parse(utf8, out problem);
        return document?.RootElement.Clone();
    }

    private static IResult Problem(int status, string error) => JsonInput.Problem(status, error);
}
