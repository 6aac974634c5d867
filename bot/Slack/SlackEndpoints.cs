using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

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
            var (body, tooLarge) = await ReadAsync(http.Request);
            if (tooLarge is not null) return tooLarge;
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
            if (Parse(body) is not { } json) return SlackAck.Bad("The body is not valid JSON.");
            return dispatcher.Event(json);
        }
        if (!request.HasFormContentType) return SlackAck.Bad("Slack posts JSON or a form.", 415);
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        if (form.TryGetValue("payload", out var payload))
        {
            if (Parse(Encoding.UTF8.GetBytes(payload)) is not { } interaction) return SlackAck.Bad("The payload field is not valid JSON.");
            return await dispatcher.InteractionAsync(interaction, cancel);
        }
        return await dispatcher.CommandAsync(form, cancel);
    }

    private static JsonElement? Parse(byte[] utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The raw body (the signature covers its exact bytes), or a 413 past 1 MB.</summary>
    private static async Task<(byte[] Body, IResult? TooLarge)> ReadAsync(HttpRequest request)
    {
        var tooLarge = Problem(413, $"The body is larger than {MaxBodyBytes / 1024} KB.");
        if (request.ContentLength > MaxBodyBytes) return ([], tooLarge);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxBodyBytes) return ([], tooLarge);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ([], tooLarge);
        }
        return (buffer.ToArray(), null);
    }

    private static IResult Problem(int status, string error) => Results.Json(new { error }, statusCode: status);
}
