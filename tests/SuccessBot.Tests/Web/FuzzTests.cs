using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LiteDB;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Host;
using SuccessBot.Slack;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Web;

/// <summary>
/// A few thousand malformed requests, generated from a fixed seed, to every endpoint of the real host on real Kestrel:
/// truncated, nested 10,000 deep, wrong types, lone surrogates, control characters, bytes that are not UTF-8, huge
/// numbers, wrong content types, bodies over the limit without a length, broken chunks, URLs and headers too long.
/// Each starts from a request the endpoint refuses, and no change makes it acceptable, so every answer must be a 4xx
/// and the store must be exactly as it was.
/// </summary>
public sealed class FuzzTests : IAsyncLifetime
{
    private const int Seed = 20261202, BodiesPerBase = 200;
    private const string SigningSecret = "fuzz-signing-secret", WriteKey = "fuzz-write-key";
    private readonly TempFolder _folder = new();
    private WebApplication _app = null!;
    private Uri _url = null!;
    private readonly HttpClient _http = new();

    /// <summary>A request the endpoint refuses for a reason no mutation below takes away (a missing field, a key never sent).</summary>
    private sealed record Base(string Path, string ContentType, string Body, int Limit, Action<HttpRequestMessage, byte[]>? Sign = null, bool Form = false);

    private static readonly Base[] Bases =
    [
        // An event type SuccessBot does not subscribe to.
        new(SlackEndpoints.Path, "application/json", """{"token":"t","type":"event_callback","team_id":"T1","event_id":"EvFUZZ","event":{"type":"reaction_added","user":"U1","text":"hi <!channel>","item":{"ts":"1.2"}},"event_time":1}""", SlackEndpoints.MaxBodyBytes, SignSlack),
        // A url_verification without its challenge.
        new(SlackEndpoints.Path, "application/json", """{"token":"t","type":"url_verification","nested":{"a":[1,2,{"b":"c"}]}}""", SlackEndpoints.MaxBodyBytes, SignSlack),
        // A slash command without team_id.
        new(SlackEndpoints.Path, "application/x-www-form-urlencoded", "command=%2Fchurn&text=last+month&user_id=U1&channel_id=C1&response_url=http%3A%2F%2F127.0.0.1%3A1%2F", SlackEndpoints.MaxBodyBytes, SignSlack, Form: true),
        // A click on a button SuccessBot never sent.
        new(SlackEndpoints.Path, "application/x-www-form-urlencoded", "payload=" + Uri.EscapeDataString("""{"type":"block_actions","user":{"id":"U1","team_id":"T1"},"trigger_id":"1.2","actions":[{"action_id":"fuzz.never","value":"{\"value\":\"x\",\"inputs\":[]}"}]}"""), SlackEndpoints.MaxBodyBytes, SignSlack, Form: true),
        // The answers of a modal SuccessBot never opened.
        new(SlackEndpoints.Path, "application/x-www-form-urlencoded", "payload=" + Uri.EscapeDataString("""{"type":"view_submission","user":{"id":"U1","team_id":"T1"},"view":{"callback_id":"fuzz.never","private_metadata":"{}","state":{"values":{"b":{"value":{"type":"plain_text_input","value":"x"}}}}}}"""), SlackEndpoints.MaxBodyBytes, SignSlack, Form: true),
        // An activity without a conversation.
        new("/api/messages", "application/json", """{"type":"message","id":"1","serviceUrl":"http://127.0.0.1:1/","channelId":"msteams","from":{"id":"29:fuzz","aadObjectId":"x"},"recipient":{"id":"28:bot"},"text":"churn last month","entities":[{"type":"mention","text":"<at>b</at>","mentioned":{"id":"28:bot"}}],"value":{"action":{"verb":"v","data":{}}}}""", 256 * 1024),
        // An invoke whose serviceUrl is a file.
        new("/api/messages", "application/json", """{"type":"invoke","name":"adaptiveCard/action","id":"2","serviceUrl":"file:///etc/passwd","channelId":"msteams","from":{"id":"29:fuzz"},"recipient":{"id":"28:bot"},"conversation":{"id":"a:1","conversationType":"personal"},"value":{"action":{"type":"Action.Execute","verb":"nudge.snooze","data":{"successbot.action":"nudge.snooze","successbot.value":"none"}}}}""", 256 * 1024),
        // A track call without "event".
        new("/v1/track", "application/json", """{"type":"track","userId":"u1","messageId":"m1","properties":{"minutes":5,"session_id":"s"},"context":{"groupId":"g1"},"timestamp":"2026-01-01T00:00:00Z"}""", 32 * 1024, SignSegment),
        // A group call without groupId.
        new("/v1/group", "application/json", """{"type":"group","userId":"u1","messageId":"m2","traits":{"name":"Acme","owner_email":"a@b.example","mrr":79228162514264337593543950335,"plan":"gold"}}""", 32 * 1024, SignSegment),
        // An identify call without userId or anonymousId, and an alias call without previousId.
        new("/v1/identify", "application/json", """{"type":"identify","messageId":"m5","traits":{"email":"x@y.example","name":"X"},"timestamp":"2026-01-01T00:00:00Z"}""", 32 * 1024, SignSegment),
        new("/v1/alias", "application/json", """{"type":"alias","userId":"u2","messageId":"m6","timestamp":"2026-01-01T00:00:00Z"}""", 32 * 1024, SignSegment),
        // A batch of which no event can be read, with the write key in the body.
        new("/v1/batch", "application/json", """{"writeKey":"fuzz-write-key","batch":[{"type":"track","messageId":"m3","event":"E"},{"type":"alias","userId":"u","messageId":"m4"},{"type":"identify","traits":{"email":"x@y.example"}}],"context":{"groupId":"g1"}}""", 500 * 1024),
        // A chat message that does not say who is asking.
        new("/chat/messages", "application/json", """{"text":"nps send Acme force","extra":[1,{"x":null}]}""", 64 * 1024),
        // A click without its action id.
        new("/chat/actions", "application/json", """{"as":"maria.manager@successbot.demo","messageId":"m","value":"v","inputs":{"reason":"r"}}""", 64 * 1024),
    ];

    public async Task InitializeAsync()
    {
        // An empty store: the host's start-up checks and surveys then write nothing, so any change is a body let through
        // (a group call creates an account, a track call is kept aside, a Slack event id or a Teams conversation is recorded).
        _app = BotHost.Build(["--urls", "http://127.0.0.1:0"], new Dictionary<string, string?>
        {
            ["Storage:Path"] = _folder.Store,
            ["Checks:QuietHours"] = "off",
            ["Slack:BotToken"] = "fake-bot-token-fuzz",
            ["Slack:SigningSecret"] = SigningSecret,
            ["Slack:ApiBaseUrl"] = "http://127.0.0.1:1/api/",
            ["Ingest:WriteKey"] = WriteKey,
            ["Ingest:PublishSeconds"] = "0",
            ["Checks:DeliverySeconds"] = "3600",
        });
        await _app.StartAsync();
        _url = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Thousands_of_malformed_requests_get_a_4xx_each_and_change_nothing_in_the_store()
    {
        var before = await SettledStoreAsync();
        var random = new Random(Seed);
        var answers = new List<string>();

        foreach (var b in Bases)
        {
            Assert.InRange(await SendAsync(b, Encoding.UTF8.GetBytes(b.Body), b.ContentType, chunked: false), 400, 499);
            for (var i = 0; i < BodiesPerBase; i++)
            {
                var (what, body, contentType, chunked) = Mutate(b, random);
                var status = await SendAsync(b, body, contentType, chunked);
                answers.Add($"{status} {b.Path} {what}");
                Assert.True(status is >= 400 and < 500, $"{b.Path}, {what} (case {i} of seed {Seed}) was answered {status}");
            }
        }
        foreach (var (what, request) in RawRequests())
        {
            var status = await RawAsync(request);
            Assert.True(status is >= 400 and < 500, $"{what} was answered {status}");
        }

        Assert.True(answers.Count >= 2_500);
        Assert.Equal(before, Snapshot());
    }

    [Theory]
    [InlineData("POST /chat/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n", 400, "The request could not be read: Bad chunk size data.")]
    [InlineData("GET /chat/history?as=URL HTTP/1.1\r\nHost: x\r\n\r\n", 414, "The URL is longer than 8 KB.")]
    [InlineData("GET /chat/people HTTP/1.1\r\nHost: x\r\nX-Big: HEADER\r\n\r\n", 431, "The request headers are larger than 32 KB.")]
    public async Task A_request_broken_below_the_endpoints_gets_the_json_error_shape_with_the_reason(string request, int status, string reason)
    {
        var raw = request.Replace("URL", new string('a', 9 * 1024)).Replace("HEADER", new string('h', 33 * 1024));

        var (answered, answer) = await RawHttp.AnswerAsync(_url, Encoding.ASCII.GetBytes(raw));

        Assert.Equal(status, answered);
        Assert.Contains("application/json", answer);
        Assert.Contains($"{{\"error\":\"{reason}\"}}", answer);
    }

    private static (string What, byte[] Body, string? ContentType, bool Chunked) Mutate(Base b, Random random)
    {
        var text = b.Body;
        var form = b.Form ? "payload=" : null;
        string json = form is not null && text.StartsWith(form) ? Uri.UnescapeDataString(text[form.Length..]) : text;
        var isJson = !b.Form || form is not null && text.StartsWith(form);
        byte[] Encode(string s) => Encoding.UTF8.GetBytes(b.Form && isJson ? form + Uri.EscapeDataString(s) : s);

        var kind = random.Next(12);
        if (!isJson && kind is (>= 1 and <= 5) or 11)
        {
            var field = new[] { "%ED%A0%80", "%1B%5B2J%07", "%0A%0D%00", "79228162514264337593543950336", "%%zz%", new string('[', 10_000), "%F0%9F" }[random.Next(7)];
            return ($"form field {field[..Math.Min(20, field.Length)]}", Encoding.UTF8.GetBytes(text.Insert(random.Next(text.Length), "&text=" + field + "&")), b.ContentType, false);
        }
        switch (kind)
        {
            case 0:
                var cut = random.Next(1, text.Length);
                return ($"truncated at {cut}", Encoding.UTF8.GetBytes(text[..cut]), b.ContentType, false);
            case 1:
                return ("nested 10,000 deep", Encode(Replace(json, random, new string('[', 10_000) + new string(']', 10_000))), b.ContentType, false);
            case 2:
                var wrong = new[] { "5", "-1.5e3", "true", "null", "[]", "{}", "[\"a\",1]", "{\"\":{}}" }[random.Next(8)];
                return ($"a value replaced by {wrong}", Encode(Replace(json, random, wrong)), b.ContentType, false);
            case 3:
                return ("a lone surrogate in a string", Encode(IntoString(json, random, new[] { "\\ud83d", "\\ude00", "\\udbff\\udbff", "\\ud800x" }[random.Next(4)])), b.ContentType, false);
            case 4:
                var control = (char)random.Next(0, 32);
                var raw = random.Next(2) == 0;
                return ($"control character U+{(int)control:X4} {(raw ? "raw" : "escaped")} in a string",
                    Encode(IntoString(json, random, raw ? control.ToString() : $"\\u{(int)control:x4}\\u001b]8;;http://evil\\u0007")), b.ContentType, false);
            case 5:
                var huge = new[] { "1e400", "-1e309", "79228162514264337593543950336", new string('9', 5_000), "0.0000000000000000000000000000001", "1e-400" }[random.Next(6)];
                return ($"a huge number {huge[..Math.Min(20, huge.Length)]}", Encode(Replace(json, random, huge)), b.ContentType, false);
            case 6:
                var bytes = Encoding.UTF8.GetBytes(text).ToList();
                bytes.InsertRange(random.Next(bytes.Count), new[] { new byte[] { 0xFF }, [0xED, 0xA0, 0x80], [0xC3], [0xF4, 0x90, 0x80, 0x80] }[random.Next(4)]);
                return ("bytes that are not UTF-8", [.. bytes], b.ContentType, false);
            case 7:
                var type = new[] { "text/plain", "application/xml", null, "multipart/form-data; boundary=x", "application/json; charset=utf-16" }[random.Next(5)];
                return ($"Content-Type {type ?? "none"}", Encoding.UTF8.GetBytes(text), type, false);
            case 8:
                return ("over the limit, chunked", Encode(json.TrimEnd('}') + ",\"padding\":\"" + new string('x', b.Limit + 1024) + "\"}"), b.ContentType, true);
            case 9:
                return ("empty", [], b.ContentType, random.Next(2) == 0);
            case 10:
                var noise = new byte[random.Next(1, 2_000)];
                random.NextBytes(noise);
                return ("random bytes", noise, b.ContentType, false);
            default:
                return ("duplicated keys and trailing garbage", Encode(json.Insert(1, "\"type\":[],") + "}}}" + new string(',', random.Next(1, 5))), b.ContentType, false);
        }
    }

    /// <summary>The JSON with one of its values (not the root) replaced by <paramref name="value"/>, written as it is.</summary>
    private static string Replace(string json, Random random, string value)
    {
        var root = JsonNode.Parse(json)!;
        var nodes = Descendants(root).ToList();
        var target = nodes[random.Next(nodes.Count)];
        const string marker = "\"FUZZ-VALUE-MARKER\"";
        target.ReplaceWith(JsonValue.Create("FUZZ-VALUE-MARKER"));
        return root.ToJsonString().Replace(marker, value, StringComparison.Ordinal);
    }

    /// <summary>The JSON with <paramref name="inserted"/> written raw inside one of its strings.</summary>
    private static string IntoString(string json, Random random, string inserted)
    {
        var quotes = Enumerable.Range(0, json.Length).Where(i => json[i] == '"' && (i == 0 || json[i - 1] != '\\')).ToList();
        var at = quotes[random.Next(quotes.Count / 2) * 2] + 1;
        return json.Insert(at, inserted);
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value).OfType<JsonNode>(),
            JsonArray a => a.OfType<JsonNode>(),
            _ => [],
        };
        foreach (var child in children.ToList())
        {
            yield return child;
            foreach (var d in Descendants(child)) yield return d;
        }
    }

    private async Task<int> SendAsync(Base b, byte[] body, string? contentType, bool chunked)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_url, b.Path));
        HttpContent content = chunked ? new StreamContent(new UnknownLength(body)) : new ByteArrayContent(body);
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Content = content;
        b.Sign?.Invoke(request, body);
        using var response = await _http.SendAsync(request);
        return (int)response.StatusCode;
    }

    private static void SignSlack(HttpRequestMessage request, byte[] body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(SigningSecret, timestamp, body));
    }

    private static void SignSegment(HttpRequestMessage request, byte[] body) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(WriteKey + ":")));

    /// <summary>What no HTTP client sends: broken chunks, a URL and headers over the limits.</summary>
    private static IEnumerable<(string What, byte[] Request)> RawRequests()
    {
        foreach (var path in Bases.Select(b => b.Path).Distinct())
        {
            yield return ($"a broken chunk to {path}", Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{{}}\r\n0\r\n\r\n"));
            yield return ($"a chunk longer than said to {path}", Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{{\"a\":1}}\r\n0\r\n\r\n"));
            yield return ($"a URL of 10 KB to {path}", Encoding.ASCII.GetBytes($"POST {path}?q={new string('a', 10 * 1024)} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
            yield return ($"headers of 40 KB to {path}", Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: x\r\nX-Fuzz: {new string('a', 40 * 1024)}\r\nContent-Length: 0\r\n\r\n"));
            yield return ($"a URL of 100 KB to {path}", Encoding.ASCII.GetBytes($"POST {path}?q={new string('a', 100 * 1024)} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
        }
    }

    private async Task<int> RawAsync(byte[] request) => (await RawHttp.AnswerAsync(_url, request)).Status;

    /// <summary>The store once the host's start-up work (checks, surveys, the first checkpoint) has written what it writes.</summary>
    private async Task<string> SettledStoreAsync()
    {
        var last = Snapshot();
        for (var look = 0; look < 60; look++)
        {
            await Task.Delay(500);
            var now = Snapshot();
            if (now == last) return now;
            last = now;
        }
        return last;
    }

    /// <summary>Every document of every collection in the LiteDB file, and the usage event log beside it, as one hash.</summary>
    private string Snapshot()
    {
        using var db = new LiteDatabase(new ConnectionString { Filename = _folder.Store, Connection = ConnectionType.Shared });
        var text = new StringBuilder();
        foreach (var name in db.GetCollectionNames().Order(StringComparer.Ordinal))
            foreach (var doc in db.GetCollection(name).FindAll().Select(d => d.ToString()).Order(StringComparer.Ordinal))
                text.Append(name).Append(' ').AppendLine(doc);
        var log = _folder.Store + ".ingest";
        if (Directory.Exists(log))
            foreach (var file in Directory.GetFiles(log).Order(StringComparer.Ordinal)) text.Append(file).Append(' ').AppendLine(new FileInfo(file).Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>A body whose length is not known in advance, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLength(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
