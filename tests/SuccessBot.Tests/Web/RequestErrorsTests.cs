using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SuccessBot.Demo;
using SuccessBot.Web;

namespace SuccessBot.Tests.Web;

/// <summary>The real host on real Kestrel (a test server applies none of Kestrel's limits), with every log line kept.</summary>
public sealed class KestrelBot : IAsyncLifetime
{
    public const string WriteKey = "request-errors-key";

    public BotFactory Factory { get; } = new(new Dictionary<string, string?>
    {
        ["urls"] = "http://127.0.0.1:0",
        ["Ingest:WriteKey"] = WriteKey,
        ["Slack:BotToken"] = "fake-bot-token-request-errors",
        ["Slack:SigningSecret"] = "request-errors-secret",
        ["Slack:ApiBaseUrl"] = "http://127.0.0.1:1/api/",
        ["Checks:DeliverySeconds"] = "3600",
    });

    public Uri Url { get; private set; } = null!;

    public Task InitializeAsync()
    {
        // Headers that stop arriving are given up on after 2 s here instead of 30, so that the test need not wait that long.
        Factory.UseKestrel(k => k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(2));
        Factory.StartServer();
        Url = new Uri(Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    /// <summary>What the host logged while <paramref name="request"/> was answered, and the answer.</summary>
    public async Task<(int Status, string Body, LogEntry[] Logged)> SendAsync(string request)
    {
        var before = Factory.Log.Entries.Count;
        var (status, answer) = await RawHttp.AnswerAsync(Url, Encoding.UTF8.GetBytes(request));
        return (status, RawHttp.Body(answer), Factory.Log.Entries.Skip(before).ToArray());
    }
}

/// <summary>
/// Every refusal, whether Kestrel or an endpoint makes it, says why in the JSON shape where a body can be written, and is
/// one warning line in the log, never an error or a stack trace.
/// </summary>
public class RequestErrorsTests(KestrelBot bot) : IClassFixture<KestrelBot>
{
    private static readonly string Big = new('a', 9 * 1024), Huge = new('a', 100 * 1024);
    private static readonly string ManyHeaders = string.Concat(Enumerable.Range(0, 120).Select(i => $"X-Many-{i}: {i}\r\n"));

    /// <summary>A request, named for the test's display (the requests themselves run to 100 KB), and what it must get.</summary>
    private sealed record Case(string What, string Request, int Status, string Reason);

    public static TheoryData<string> Broken => new(BrokenBelowTheEndpoints.Select(c => c.What));
    public static TheoryData<string> Unreadable => new(BrokenBelowTheEndpoints.Where(c => c.Reason.StartsWith("The request could not be read", StringComparison.Ordinal)).Select(c => c.What));
    public static TheoryData<string> ByKestrel => new(AnsweredByKestrelItself.Select(c => c.What));
    public static TheoryData<string> ByEndpoints => new(RefusedByAnEndpoint.Select(c => c.What));

    private static readonly Case[] BrokenBelowTheEndpoints =
    [
        new("a broken chunk", "POST /chat/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n", 400, "The request could not be read: Bad chunk size data."),
        new("a broken chunk to Slack", "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n", 400, "The request could not be read: Bad chunk size data."),
        new("a broken chunk to Teams", "POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n", 400, "The request could not be read: Bad chunk size data."),
        new("a broken chunk to the usage events", $"POST /v1/track HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes(KestrelBot.WriteKey + ":"))}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{{}}\r\n0\r\n\r\n", 400, "The request could not be read: Bad chunk size data."),
        new("a URL of 9 KB", $"GET /chat/history?as={Big} HTTP/1.1\r\nHost: x\r\n\r\n", 414, "The URL is longer than 8 KB."),
        new("headers of 9 KB x 4", $"GET /chat/people HTTP/1.1\r\nHost: x\r\nX-A: {Big}\r\nX-B: {Big}\r\nX-C: {Big}\r\nX-D: {Big}\r\n\r\n", 431, "The request headers are larger than 32 KB."),
        new("120 headers", $"GET /chat/people HTTP/1.1\r\nHost: x\r\n{ManyHeaders}\r\n", 431, "The request has more than 100 headers."),
        new("a body that stops arriving", "POST /chat/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"as\":", 408, "The request could not be read: its body stopped arriving (or came slower than 240 bytes a second)."),
    ];

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task A_request_broken_below_the_endpoints_gets_its_reason_as_json_and_one_warning_line(string what)
    {
        var (_, request, status, reason) = BrokenBelowTheEndpoints.Single(c => c.What == what);
        var (answered, body, logged) = await bot.SendAsync(request);

        Assert.Equal(status, answered);
        Assert.Equal($"{{\"error\":\"{reason}\"}}", body);
        OneWarningLine(logged, $"{status} {reason}", what);
    }

    [Theory]
    [MemberData(nameof(Unreadable))]
    public async Task A_request_whose_body_cannot_be_read_ends_its_connection_so_the_rest_of_the_body_is_never_read_as_a_next_request(string what)
    {
        var (_, request, status, reason) = BrokenBelowTheEndpoints.Single(c => c.What == what);
        var (answered, answer) = await RawHttp.AnswerAsync(bot.Url, Encoding.UTF8.GetBytes(request));

        Assert.Equal(status, answered);
        Assert.Contains("\r\nConnection: close\r\n", answer);
    }

    private static readonly Case[] AnsweredByKestrelItself =
    [
        new("a URL of 100 KB", $"GET /chat/history?as={Huge} HTTP/1.1\r\nHost: x\r\n\r\n", 414, "Request line too long"),
        new("headers of 100 KB", $"GET /chat/people HTTP/1.1\r\nHost: x\r\nX-Big: {Huge}\r\n\r\n", 431, "Request headers too long"),
        new("250 headers", $"GET /chat/people HTTP/1.1\r\nHost: x\r\n{string.Concat(Enumerable.Range(0, 250).Select(i => $"X-Many-{i}: {i}\r\n"))}\r\n", 431, "Request contains too many headers"),
        new("a request line that is not HTTP", "GARBAGE\r\n\r\n", 400, "Invalid request line"),
        new("headers that stop arriving", "GET /chat/people HTTP/1.1\r\nHost: x\r\nX-Half", 408, "Reading the request headers timed out"),
    ];

    /// <summary>Kestrel answers these before any middleware runs, so their body stays empty; the log still has their line.</summary>
    [Theory]
    [MemberData(nameof(ByKestrel))]
    public async Task A_request_kestrel_refuses_itself_keeps_kestrels_status_and_is_one_warning_line(string what)
    {
        var (_, request, status, reason) = AnsweredByKestrelItself.Single(c => c.What == what);
        var (answered, body, logged) = await bot.SendAsync(request);

        Assert.Equal(status, answered);
        Assert.Equal("", body);
        OneWarningLine(logged, $"{status} {reason}", what);
        Assert.EndsWith("(answered by Kestrel, without a body)", logged.Single(e => e.Category == RequestErrors.LogCategory).Message);
    }

    private static readonly Case[] RefusedByAnEndpoint =
    [
        new("JSON that is not JSON", Post("/chat/messages", "{\"as\":"), 400, "The body is not valid JSON"),
        new("a lone surrogate in who is asking", Post("/chat/messages", "{\"as\":\"\\ud83d@x.example\",\"text\":\"churn\"}"), 403, "\uFFFD@x.example is not a manager"),
        new("a lone surrogate in a Teams activity without a conversation", Post("/api/messages", "{\"type\":\"message\",\"text\":\"\\ud800\",\"serviceUrl\":\"http://127.0.0.1:1/\",\"from\":{\"id\":\"29:a\"},\"recipient\":{\"id\":\"28:b\"}}"), 400, "The activity needs serviceUrl"),
        new("a lone surrogate in the write key", Post("/v1/track", "{\"writeKey\":\"\\udc00\",\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\"}"), 401, "The write key is wrong"),
        new("a body over 64 KB, chunked", $"POST /chat/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{70 * 1024:x}\r\n{new string(' ', 70 * 1024)}\r\n0\r\n\r\n", 413, "The body is larger than 64 KB."),
        new("a body over 256 KB to Teams", Post("/api/messages", new string(' ', 300 * 1024)), 413, "The body is larger than 256 KB."),
    ];

    [Theory]
    [MemberData(nameof(ByEndpoints))]
    public async Task An_endpoints_own_refusal_is_one_warning_line_not_an_error_with_a_stack_trace(string what)
    {
        var (_, request, status, reason) = RefusedByAnEndpoint.Single(c => c.What == what);
        var (answered, body, logged) = await bot.SendAsync(request);

        Assert.Equal(status, answered);
        Assert.Contains(reason, body);
        OneWarningLine(logged, $"{status} {reason}", what);
    }

    private static string Post(string path, string json) =>
        $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}";

    /// <summary>Exactly one line about the refusal, a warning without an exception, and nothing at error level while it was answered.</summary>
    private static void OneWarningLine(LogEntry[] logged, string says, string what)
    {
        var refusal = Assert.Single(logged, e => e.Category == RequestErrors.LogCategory);
        Assert.Equal(LogLevel.Warning, refusal.Level);
        Assert.Null(refusal.Exception);
        Assert.Contains(says, refusal.Message);
        Assert.DoesNotContain("\n", refusal.Message);
        Assert.True(logged.All(e => e.Level < LogLevel.Error && (e.Level < LogLevel.Warning || e.Exception is null)),
            $"{what}: {string.Join(" | ", logged.Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.Level} {e.Category}: {e.Message}"))}");
    }
}
