using System.Text.Json;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Surveys;

namespace SuccessBot.LocalChat;

/// <summary>The local web chat: the page at `/`, and the small JSON API it talks to.</summary>
public static class LocalChatEndpoints
{
    public const int MaxBodyBytes = 64 * 1024;

    public sealed record MessageIn(string? As, string? Text);

    public sealed record ActionIn(string? As, string? MessageId, string? ActionId, string? Value, Dictionary<string, string>? Inputs);

    public static void MapLocalChat(this WebApplication app)
    {
        app.MapGet("/", () => Results.Content(ChatPage.Html, "text/html; charset=utf-8"));

        app.MapGet("/chat/people", (IBookSource books, TeamSettings team, ISurveyStore surveys, TimeProvider clock) =>
        {
            var book = books.Current;
            var today = team.Today(clock.GetUtcNow());
            var surveyed = surveys.LastSurveyed();
            // Contacts with a survey come first: they have something to answer.
            var customers = book.Accounts.Where(a => a.IsActiveOn(today))
                .SelectMany(a => a.ContactEmails.Select(c => (Email: c, Account: a.Name, Surveyed: surveyed.ContainsKey(c.ToLowerInvariant()))))
                .OrderByDescending(c => c.Surveyed).ThenBy(c => c.Account, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Email, StringComparer.OrdinalIgnoreCase)
                .Take(50).Select(c => new { email = c.Email, account = c.Account, surveyed = c.Surveyed }).ToArray();
            return Results.Ok(new
            {
                managers = team.Managers,
                csms = book.Accounts.Select(a => a.OwnerEmail).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToArray(),
                customers,
            });
        });

        app.MapGet("/chat/history", (string? @as, LocalChatHub hub) =>
            string.IsNullOrWhiteSpace(@as) ? Problem(400, "Say who you are: ?as=EMAIL.") : Results.Ok(hub.History(@as.Trim())));

        app.MapPost("/chat/messages", async (HttpRequest request, ChatBot bot, LocalChatHub hub) =>
        {
            var (body, problem) = await ReadJson<MessageIn>(request);
            if (problem is not null) return problem;
            if (string.IsNullOrWhiteSpace(body!.As)) return Problem(400, "Say who you are: \"as\" is the email you chat as.");
            var who = body.As.Trim();
            var text = body.Text ?? "";
            var mine = hub.Post(who, LocalMessage.Person, text, null);
            var reply = hub.Post(who, LocalMessage.Bot, null, bot.Answer(new IncomingMessage(text, who)));
            return Results.Ok(new[] { mine, reply });
        });

        app.MapPost("/chat/actions", async (HttpRequest request, ChatBot bot, LocalChatHub hub) =>
        {
            var (body, problem) = await ReadJson<ActionIn>(request);
            if (problem is not null) return problem;
            if (string.IsNullOrWhiteSpace(body!.As)) return Problem(400, "Say who you are: \"as\" is the email you chat as.");
            if (string.IsNullOrWhiteSpace(body.ActionId) || body.Value is null) return Problem(400, "A click needs \"actionId\" and \"value\".");
            var who = body.As.Trim();
            if (body.MessageId is not null && hub.Find(who, body.MessageId) is null) return Problem(404, "There is no such message in your conversation.");
            var outcome = bot.Act(new ActionRequest(body.ActionId, body.Value, body.Inputs ?? [], who));
            if (outcome.Unknown) return Problem(400, outcome.Answer?.Summary ?? "Unknown button.");
            var messages = new List<LocalMessage>();
            if (outcome.UpdatedCard is { } card && body.MessageId is not null && hub.Replace(who, body.MessageId, card) is { } updated) messages.Add(updated);
            if (outcome.Answer is { } answer) messages.Add(hub.Post(who, LocalMessage.Bot, null, answer));
            return Results.Ok(new { messages });
        });

        app.MapGet("/chat/events", async (HttpContext context, string? @as, LocalChatHub hub) =>
        {
            if (string.IsNullOrWhiteSpace(@as))
            {
                await Problem(400, "Say who you are: ?as=EMAIL.").ExecuteAsync(context);
                return;
            }
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.WriteAsync(": listening\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                await foreach (var e in hub.Listen(@as.Trim(), context.RequestAborted))
                {
                    await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(e, JsonSerializerOptions.Web)}\n\n", context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                // The page went away.
            }
        });
    }

    /// <summary>Reads a small JSON body, or says in a 4xx what is wrong with it.</summary>
    public static async Task<(T? Body, IResult? Problem)> ReadJson<T>(HttpRequest request) where T : class
    {
        if (request.ContentLength > MaxBodyBytes) return (null, Problem(413, $"The body is larger than {MaxBodyBytes / 1024} KB."));
        if (!request.HasJsonContentType()) return (null, Problem(415, "Send JSON (Content-Type: application/json)."));
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes) return (null, Problem(413, $"The body is larger than {MaxBodyBytes / 1024} KB."));
        }
        try
        {
            var body = SuccessBot.Web.JsonInput.Deserialize<T>(buffer.ToArray(), JsonSerializerOptions.Web);
            return body is null ? (null, Problem(400, "The body is empty; send a JSON object.")) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, Problem(400, $"The body is not valid JSON ({e.Message.Split('.')[0]})."));
        }
    }

    public static IResult Problem(int status, string error) => Results.Json(new { error }, statusCode: status);
}
