using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SuccessBot.Demo;

namespace SuccessBot.Tests.Slack;

/// <summary>One call the bot made to the fake Slack: the Web API method (or `response_url`) and the fields it sent.</summary>
public sealed record FakeCall(string Method, JsonObject Fields, string? Authorization)
{
    /// <summary>The path it was sent to: a response URL's path says which one.</summary>
    public string Path { get; init; } = "";
}

/// <summary>
/// A local stand-in for Slack's Web API, response URLs and Socket Mode: a real Kestrel server on 127.0.0.1 that records
/// every call and answers like Slack, or with a 429, an `ok: false` or a 500 when a test asks for one.
/// </summary>
public sealed class FakeSlack : IAsyncDisposable
{
    public const string Team = "T0001", OtherTeam = "T9999", Bot = "UBOT";
    public const string Manager = "UMANAGER", Stranger = "USTRANGER", Guest = "UGUEST", Csm = "UCSM", Outbound = "UOUT", InTokyo = "UTOKYO";
    public const string SharedChannel = "CSHARED";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeCall> _calls = new();
    private readonly List<(string Method, Func<JsonObject, bool> When, Func<IResult> Answer)> _scripted = [];

    /// <summary>Slack users' time zones by id (users.info's `tz`), for those who have one.</summary>
    public IReadOnlyDictionary<string, string> TimeZones { get; } = new Dictionary<string, string> { [InTokyo] = "Asia/Tokyo" };

    /// <summary>Slack users' languages by id (users.info's `locale`, given with `include_locale`), for those who have one.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> Locales { get; } = new();

    /// <summary>Slack users by id: their workspace and email.</summary>
    public Dictionary<string, (string Team, string Email)> Users { get; } = new()
    {
        [Manager] = (Team, DemoGenerator.Manager),
        [Csm] = (Team, DemoGenerator.Csms[0]),
        [Stranger] = (Team, "nobody@elsewhere.example"),
        [Guest] = (OtherTeam, DemoGenerator.Manager.Replace("@", "+guest@")),
        [Outbound] = (Team, "outbound.test@successbot.demo"),
        [InTokyo] = (Team, "tokyo.csm@successbot.demo"),
    };

    /// <summary>What a test's WebSocket server does with each connection (Socket Mode tests).</summary>
    public Func<WebSocket, Task>? SocketSession { get; set; }

    public int SocketConnections;

    /// <summary>The bytes of each file uploaded, by file id.</summary>
    public ConcurrentDictionary<string, byte[]> Uploads { get; } = new();

    /// <summary>Every call so far, in the order they arrived.</summary>
    public IReadOnlyList<FakeCall> AllCalls => _calls.ToArray();

    private int _files;

    public Uri BaseUrl { get; }

    public string ApiBaseUrl => BaseUrl + "api/";

    public string ResponseUrl(string name) => BaseUrl + "respond/" + name;

    /// <summary>
    /// A slash command's answer as the asker sees it: in the acknowledgement (<paramref name="ack"/>), or, when answering took
    /// longer than Slack's three seconds (a busy machine), in what followed through the command's response URL (the ack
    /// that says it is coming, "Working on it…" in the asker's words, has no blocks; every answer has).
    /// </summary>
    public async Task<JsonObject> AnswerOfAsync(JsonObject ack, string responseUrlName) =>
        ack["blocks"] is null ? (await WaitForAsync("response_url", c => c.Path == "/respond/" + responseUrlName)).Fields : ack;

    private FakeSlack(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<FakeSlack> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeSlack? fake = null;
        app.UseWebSockets();
        app.Map("/socket", async (HttpContext http) =>
        {
            if (!http.WebSockets.IsWebSocketRequest) return Results.BadRequest();
            Interlocked.Increment(ref fake!.SocketConnections);
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            if (fake.SocketSession is { } session) await session(socket);
            return Results.Empty;
        });
        app.MapPost("/api/{method}", async (string method, HttpRequest request) => await fake!.ApiAsync(method, request));
        // Where files.getUploadURLExternal sends the bytes of a file: kept as they came, answered as Slack answers.
        app.MapPost("/upload/{fileId}", async (string fileId, HttpRequest request) =>
        {
            using var bytes = new MemoryStream();
            await request.Body.CopyToAsync(bytes);
            fake!.Uploads[fileId] = bytes.ToArray();
            fake.Record("file upload", new JsonObject { ["file_id"] = fileId, ["content_type"] = request.ContentType, ["length"] = bytes.Length }, request);
            return Results.Text($"OK - {bytes.Length}");
        });
        app.MapPost("/respond/{name}", async (string name, HttpRequest request) =>
        {
            fake!.Record("response_url", await ReadFields(request), request);
            return Results.Text("ok");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeSlack(app, new Uri(address.TrimEnd('/') + "/"));
        return fake;
    }

    /// <summary>The next call of <paramref name="method"/> whose fields match <paramref name="when"/> gets this answer instead of Slack's usual one.</summary>
    public void Script(string method, Func<JsonObject, bool> when, Func<IResult> answer)
    {
        lock (_scripted) _scripted.Add((method, when, answer));
    }

    private Func<IResult>? Scripted(string method, JsonObject fields)
    {
        lock (_scripted)
        {
            var index = _scripted.FindIndex(s => s.Method == method && s.When(fields));
            if (index < 0) return null;
            var answer = _scripted[index].Answer;
            _scripted.RemoveAt(index);
            return answer;
        }
    }

    public static IResult TooManyRequests(int retryAfterSeconds) => new RateLimited(retryAfterSeconds);

    public static IResult NotOk(string error) => Results.Json(new { ok = false, error });

    public IReadOnlyList<FakeCall> Calls(string method) => _calls.Where(c => c.Method == method).ToArray();

    /// <summary>Waits until a call matching <paramref name="match"/> has arrived (a minute at most: the machine may be busy).</summary>
    public async Task<FakeCall> WaitForAsync(string method, Func<FakeCall, bool>? match = null)
    {
        for (var i = 0; i < 1200; i++)
        {
            if (_calls.FirstOrDefault(c => c.Method == method && (match?.Invoke(c) ?? true)) is { } call) return call;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"No {method} call arrived. Calls: {string.Join(", ", _calls.Select(c => c.Method))}");
    }

    private async Task<IResult> ApiAsync(string method, HttpRequest request)
    {
        var fields = await ReadFields(request);
        Record(method, fields, request);
        if (Scripted(method, fields) is { } scripted) return scripted();
        string? Field(string name) => fields[name]?.GetValue<string>();
        return method switch
        {
            "auth.test" => Results.Json(new { ok = true, team_id = Team, user_id = Bot }),
            "users.info" => Users.TryGetValue(Field("user") ?? "", out var u)
                ? Results.Json(new { ok = true, user = new { id = Field("user"), team_id = u.Team, is_bot = false, deleted = false, tz = TimeZones.GetValueOrDefault(Field("user") ?? ""),
                    locale = Field("include_locale") == "true" ? Locales.GetValueOrDefault(Field("user") ?? "") : null, profile = new { email = u.Email } } })
                : NotOk("user_not_found"),
            "users.lookupByEmail" => Users.FirstOrDefault(p => p.Value.Team == Team && string.Equals(p.Value.Email, Field("email"), StringComparison.OrdinalIgnoreCase)) is { Key: not null } found
                ? Results.Json(new { ok = true, user = new { id = found.Key, team_id = Team } })
                : NotOk("users_not_found"),
            "conversations.open" => Results.Json(new { ok = true, channel = new { id = "D" + (fields["users"]?.GetValue<string>() ?? "") } }),
            "conversations.info" => Results.Json(new { ok = true, channel = new { id = Field("channel"), is_ext_shared = Field("channel") == SharedChannel } }),
            "chat.postMessage" => Results.Json(new { ok = true, channel = Field("channel"), ts = $"1764000000.{_calls.Count:000000}" }),
            "apps.connections.open" => Results.Json(new { ok = true, url = $"ws://{BaseUrl.Authority}/socket" }),
            "files.getUploadURLExternal" => UploadTicket(),
            _ => Results.Json(new { ok = true }),
        };
    }

    private IResult UploadTicket()
    {
        var id = $"F{Interlocked.Increment(ref _files):0000}";
        return Results.Json(new { ok = true, upload_url = $"{BaseUrl}upload/{id}", file_id = id });
    }

    private void Record(string method, JsonObject fields, HttpRequest request) =>
        _calls.Enqueue(new FakeCall(method, fields, request.Headers.Authorization.ToString()) { Path = request.Path.Value ?? "" });

    private static async Task<JsonObject> ReadFields(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        if (request.HasJsonContentType()) return JsonNode.Parse(body) as JsonObject ?? [];
        var fields = new JsonObject();
        foreach (var (key, value) in QueryHelpers.ParseQuery(body)) fields[key] = value.ToString();
        return fields;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class RateLimited(int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }
    }
}
