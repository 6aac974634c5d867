using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Language;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;
using SuccessBot.Web;

namespace SuccessBot.LocalChat;

/// <summary>The local web chat: the page at `/`, and the small JSON API it talks to.</summary>
public static class LocalChatEndpoints
{
    public const int MaxBodyBytes = 64 * 1024;

    /// <param name="Language">The language the person picked in the chat; without it, the browser's Accept-Language.</param>
    public sealed record MessageIn(string? As, string? Text, string? Language = null);

    public sealed record ActionIn(string? As, string? MessageId, string? ActionId, string? Value, Dictionary<string, string>? Inputs, string? Language = null);

    /// <summary>The chat's conversations, who may use it and how, sign-in when configured, and its delivery channel.</summary>
    public static void AddLocalChat(this WebApplicationBuilder builder, bool reachesEveryone)
    {
        var settings = LocalChatSettings.From(builder.Configuration);
        builder.Services.AddSingleton(settings);
        // On PostgreSQL the conversations are the database's, and every host's pages hear what any host writes.
        builder.Services.AddSingleton(s => new LocalChatHub(s.GetRequiredService<TimeProvider>(), settings.MaxPeople, s.GetRequiredService<Host.StorePorts>().SharedConversations));
        builder.Services.AddHostedService<LocalChatFollower>();
        builder.Services.AddSingleton<LocalChatAccess>();
        builder.Services.AddLocalChatSignIn(settings);
        builder.Services.AddSingleton<IChatChannel>(s => new LocalChatChannel(s.GetRequiredService<LocalChatHub>(), s.GetRequiredService<LocalChatAccess>(), reachesEveryone));
    }

    public static void MapLocalChat(this WebApplication app)
    {
        app.MapGet("/", (HttpContext context, LocalChatAccess access) => access.Mode switch
        {
            LocalChatMode.Off => Results.Text(access.OffReasonFor(context.Request), statusCode: 404),
            LocalChatMode.SignIn when !context.Request.IsHttps => Results.Text(access.ReaderOf(context.Request)["LocalChat.OpenOverHttps"], statusCode: 400),
            _ => Results.Content(ChatPage.Html, "text/html; charset=utf-8"),
        });

        // The page's own words in the reader's language; open like the page itself, since they say nothing about anyone.
        app.MapGet("/chat/words", (HttpContext context, string? language, LocalChatAccess access) =>
        {
            var reader = access.ReaderOf(context.Request, language);
            // "Signed in as {email}" keeps its placeholder: the page fills in who, which this open request does not know.
            return Results.Ok(PageWords.ToDictionary(name => name, name => reader[$"LocalChat.Page.{name}", ("email", "{email}")]));
        });

        // What the page needs to know first: whether to show the person picker or sign-in, and who is signed in.
        app.MapGet("/chat/me", (HttpContext context, LocalChatAccess access, IAntiforgery antiforgery, IBookSource books, TeamSettings team) =>
        {
            if (access.Mode == LocalChatMode.Off) return JsonInput.Problem(404, access.OffReasonFor(context.Request));
            if (access.Mode == LocalChatMode.PickWhoYouAre) return Results.Ok(new { mode = "pick" });
            if (access.NeedsHttps(context) is { } plain) return plain;
            if (LocalChatAccess.SignedInEmail(context) is not { } email) return Results.Ok(new { mode = "sign-in" });
            var role = Asker.Identify(email, team, books.Current).Role;
            return Results.Ok(new { mode = "sign-in", email, role = role.ToString(), antiforgery = antiforgery.GetAndStoreTokens(context).RequestToken });
        });

        app.MapGet("/chat/people", async (HttpContext context, LocalChatAccess access, IBookSource books, TeamSettings team, ISurveyStore surveys, TimeProvider clock) =>
        {
            var (signedIn, problem) = await access.CheckAsync(context);
            if (problem is not null) return problem;
            var book = books.Current;
            var today = team.Today(clock.GetUtcNow());
            var surveyed = surveys.LastSurveyed();
            // Signed in, the list is only the person themselves (who else uses SuccessBot is not theirs to see), read from the
            // book's owner and contact indexes; the picker lists everyone, contacts with a survey first: they have something to answer.
            var contacts = signedIn is null
                ? book.Accounts.SelectMany(a => a.ContactEmails.Select(c => (Email: c, Account: a)))
                : book.PositionsOfContact(signedIn).Select(p => book.HistoryAt(p).Account)
                    .Select(a => (Email: a.ContactEmails.First(c => string.Equals(c, signedIn.Trim(), StringComparison.OrdinalIgnoreCase)), Account: a));
            var customers = contacts.Where(c => c.Account.IsActiveOn(today))
                .Select(c => (c.Email, Account: c.Account.Name, Surveyed: surveyed.ContainsKey(c.Email.ToLowerInvariant())))
                .OrderByDescending(c => c.Surveyed).ThenBy(c => c.Account, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Email, StringComparer.OrdinalIgnoreCase)
                .Take(50).Select(c => new { email = c.Email, account = c.Account, surveyed = c.Surveyed }).ToArray();
            string[] csms = signedIn is null ? book.Accounts.Select(a => a.OwnerEmail).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToArray()
                : book.HasOwner(signedIn) ? [book.OwnedBy(signedIn).Accounts[0].OwnerEmail] : [];
            return Results.Ok(new
            {
                managers = team.Managers.Where(m => signedIn is null || string.Equals(m, signedIn, StringComparison.OrdinalIgnoreCase)).ToArray(),
                csms,
                customers,
            });
        });

        app.MapGet("/chat/history", async (HttpContext context, string? @as, LocalChatAccess access, LocalChatHub hub) =>
        {
            var (who, problem) = await Person(context, access, @as);
            return problem ?? Results.Ok(hub.History(who!));
        });

        app.MapPost("/chat/messages", async (HttpContext context, ChatBot bot, LocalChatHub hub, LocalChatAccess access) =>
        {
            var (signedIn, denied) = await access.CheckAsync(context);
            if (denied is not null) return denied;
            var (body, problem) = await ReadJson<MessageIn>(context.Request);
            if (problem is not null) return problem;
            var (who, refused) = access.Person(context.Request, signedIn, body!.As);
            if (refused is not null) return refused;
            var text = body.Text ?? "";
            var answer = bot.Answer(new IncomingMessage(text, who) { Channel = AuditChannels.Local, Locale = body.Language ?? LocalChatAccess.BrowserLanguage(context.Request) });
            // Neither the message nor its answer is kept when what it asked could not be written.
            if (answer.StoreDown) return StoreDown(context, answer);
            LocalMessage? mine, reply;
            try
            {
                if ((mine = hub.Post(who!, LocalMessage.Person, text, null)) is null) return Full(hub, access.ReaderOf(context.Request, body.Language));
                reply = hub.Post(who!, LocalMessage.Bot, null, answer);
            }
            catch (Exception e) when (StoreFaults.IsStoreFault(context, e))
            {
                // The answer came from the read model: it is given, though the database cannot keep the conversation just now.
                (mine, reply) = (hub.Unkept(LocalMessage.Person, text, null), hub.Unkept(LocalMessage.Bot, null, answer));
            }
            return reply is null ? Full(hub, access.ReaderOf(context.Request, body.Language)) : Results.Ok(new[] { mine, reply });
        });

        app.MapPost("/chat/actions", async (HttpContext context, ChatBot bot, LocalChatHub hub, LocalChatAccess access) =>
        {
            var (signedIn, denied) = await access.CheckAsync(context);
            if (denied is not null) return denied;
            var (body, problem) = await ReadJson<ActionIn>(context.Request);
            if (problem is not null) return problem;
            var (who, refused) = access.Person(context.Request, signedIn, body!.As);
            if (refused is not null) return refused;
            if (string.IsNullOrWhiteSpace(body.ActionId) || body.Value is null) return JsonInput.Problem(400, "A click needs \"actionId\" and \"value\".");
            if (body.MessageId is not null && hub.Find(who!, body.MessageId) is null) return JsonInput.Problem(404, access.ReaderOf(context.Request, body.Language)["LocalChat.NoSuchMessage"]);
            var outcome = bot.Act(new ActionRequest(body.ActionId, body.Value, body.Inputs ?? [], who) { Channel = AuditChannels.Local, Locale = body.Language ?? LocalChatAccess.BrowserLanguage(context.Request) });
            if (outcome.Unknown) return JsonInput.Problem(400, outcome.Answer?.Summary ?? "Unknown button.");
            if (outcome.Answer is { StoreDown: true } down) return StoreDown(context, down);
            var messages = new List<LocalMessage>();
            if (outcome.UpdatedCard is { } card && body.MessageId is not null && hub.Replace(who!, body.MessageId, card) is { } updated) messages.Add(updated);
            if (outcome.Answer is { } answer && hub.Post(who!, LocalMessage.Bot, null, answer) is { } answered) messages.Add(answered);
            return Results.Ok(new { messages });
        });

        // A chart of a message in your conversation, drawn as PNG; the page shows it inline with its numbers under it.
        app.MapGet("/chat/charts/{messageId}/{index:int}", async (HttpContext context, string messageId, int index, string? @as, string? language, LocalChatAccess access, LocalChatHub hub) =>
        {
            var (who, problem) = await Person(context, access, @as);
            if (problem is not null) return problem;
            if (hub.Find(who!, messageId)?.Reply?.Charts is not { } charts || index < 0 || index >= charts.Count)
                return JsonInput.Problem(404, access.ReaderOf(context.Request, language)["LocalChat.NoSuchChart"]);
            context.Response.Headers.CacheControl = "private, max-age=86400";
            return Results.File(Charts.PngCharts.Render(charts[index]), "image/png");
        });

        app.MapGet("/chat/events", async (HttpContext context, string? @as, string? language, LocalChatHub hub, LocalChatAccess access) =>
        {
            var (who, problem) = await Person(context, access, @as);
            if (problem is not null)
            {
                await problem.ExecuteAsync(context);
                return;
            }
            using var listening = hub.Listen(who!);
            if (listening is null)
            {
                await Full(hub, access.ReaderOf(context.Request, language)).ExecuteAsync(context);
                return;
            }
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            try
            {
                await context.Response.WriteAsync(": listening\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await foreach (var e in listening.Events(context.RequestAborted))
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

        app.MapLocalChatSignIn();
    }

    private static async Task<(string? Email, IResult? Problem)> Person(HttpContext context, LocalChatAccess access, string? claimed)
    {
        var (signedIn, denied) = await access.CheckAsync(context);
        return denied is not null ? (null, denied) : access.Person(context.Request, signedIn, claimed);
    }

    private static IResult StoreDown(HttpContext context, Reply answer)
    {
        context.Response.Headers.RetryAfter = StoreFaults.RetryAfterSeconds;
        return JsonInput.Problem(503, answer.Summary!);
    }

    private static IResult Full(LocalChatHub hub, Reader reader) => JsonInput.Problem(503, reader.Plural("LocalChat.Full", hub.People));

    /// <summary>The page's fixed labels, buttons and hints: `LocalChat.Page.NAME` in the texts, NAME in what `/chat/words` answers.</summary>
    public static readonly string[] PageWords =
    [
        "Title", "YouAre", "WhoYouAre", "SomeoneElse", "SomeoneElsesEmail", "Language", "YourLanguage", "BrowsersLanguage",
        "SignIn", "SignOut", "SignedInAs", "SignInToChat", "Message", "Send", "PickWhoYouAreFirst", "FinishInTheBox", "SendThis",
        "Manager", "Csm", "Customer", "Unknown", "HintManager", "HintCsm", "HintCustomer", "HintUnknown",
    ];

    /// <summary>Reads a small JSON body, or says in a 4xx what is wrong with it.</summary>
    public static async Task<(T? Body, IResult? Problem)> ReadJson<T>(HttpRequest request) where T : class
    {
        if (!request.HasJsonContentType()) return (null, JsonInput.Problem(415, "Send JSON (Content-Type: application/json)."));
        var (read, unread) = await JsonInput.ReadBodyAsync(request, MaxBodyBytes);
        if (read is not { } utf8) return (null, unread);
        try
        {
            var body = JsonInput.Deserialize<T>(utf8, JsonSerializerOptions.Web);
            return body is null ? (null, JsonInput.Problem(400, "The body is empty; send a JSON object.")) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, JsonInput.Problem(400, e.Message));
        }
    }
}
