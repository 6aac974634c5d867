using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Domain;
using SuccessBot.Demo;
using SuccessBot.Host;
using SuccessBot.Ingest;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Ingest;

/// <summary>
/// The real host with usage events on (a write key and a feature map), on a fresh demo store of its own; or on a store
/// another host used before (a restart), with a checkpoint interval and a clock of the test's choosing.
/// </summary>
public sealed class IngestFactory : WebApplicationFactory<Program>
{
    public const string WriteKey = "test-write-key";
    private readonly TempFolder? _folder;
    private readonly string _store;
    private readonly int _publishSeconds;
    private readonly TimeProvider? _clock;

    public static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    public IngestFactory()
    {
        _folder = new TempFolder();
        _store = _folder.Store;
        DemoStore.Create(_store, seed: 42, Today);
    }

    private IngestFactory(string store, int publishSeconds, TimeProvider? clock)
    {
        _store = store;
        _publishSeconds = publishSeconds;
        _clock = clock;
    }

    /// <summary>A host on a store a host used before (a restart).</summary>
    /// <param name="publishSeconds">0: every write is checkpointed before the answer; more: the log alone holds what came since.</param>
    public static IngestFactory On(string store, int publishSeconds = 0, TimeProvider? clock = null) => new(store, publishSeconds, clock);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Path", _store);
        // Deliveries here do not depend on the hour the suite runs at (quiet hours have tests of their own).
        builder.UseSetting("Checks:QuietHours", "off");
        builder.UseSetting("Team:Managers:0", DemoGenerator.Manager);
        builder.UseSetting("Ingest:WriteKey", WriteKey);
        builder.UseSetting("Ingest:FeatureMap:Report Created", "reports");
        builder.UseSetting("Ingest:FutureToleranceMinutes", "10");
        // By default every write is visible to the next answer at once.
        builder.UseSetting("Ingest:PublishSeconds", _publishSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (_clock is not null) builder.ConfigureTestServices(s => s.AddSingleton(_clock));
    }


    /// <summary>A client that authenticates as Segment's libraries do: basic auth, the write key as user name, no password.</summary>
    public HttpClient Segment(string writeKey = WriteKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
        return client;
    }

    public UsageRollup Rollup => Services.GetRequiredService<UsageRollup>();

    /// <summary>The book as the next answer sees it.</summary>
    public BookOfBusiness Book
    {
        get
        {
            var model = Services.GetRequiredService<BookReadModel>();
            model.Refresh();
            return model.Current;
        }
    }

    public UsageDay? UsageToday(string accountId) => Book.UsageOf(accountId).Where(u => u.Date == Today).Cast<UsageDay?>().FirstOrDefault();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder?.Dispose();
    }
}

/// <summary>Payloads as Segment's HTTP Tracking API documents them.</summary>
public static class SegmentPayloads
{
    public static string Now => DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    public static JsonObject Track(string userId, string eventName, string? messageId = null, JsonObject? properties = null) => new()
    {
        ["type"] = "track", ["userId"] = userId, ["event"] = eventName, ["properties"] = properties ?? new JsonObject(),
        ["timestamp"] = Now, ["messageId"] = messageId ?? Guid.NewGuid().ToString(),
    };

    public static JsonObject Group(string userId, string accountId, string name, string owner = "olivia.owner@example.com") => new()
    {
        ["type"] = "group", ["userId"] = userId, ["groupId"] = accountId, ["messageId"] = Guid.NewGuid().ToString(), ["timestamp"] = Now,
        ["traits"] = new JsonObject { ["name"] = name, ["plan"] = "growth", ["mrr"] = 1200, ["owner_email"] = owner },
    };

    public static JsonObject Alias(string previousId, string userId) => new()
    {
        ["type"] = "alias", ["previousId"] = previousId, ["userId"] = userId, ["messageId"] = Guid.NewGuid().ToString(), ["timestamp"] = Now,
    };

    public static JsonObject Batch(params JsonObject[] events) => new() { ["batch"] = new JsonArray(events), ["sentAt"] = Now };

    public static StringContent AsJson(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    public static ByteArrayContent Gzip(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest)) gzip.Write(Encoding.UTF8.GetBytes(node.ToJsonString()));
        return Encoded(buffer.ToArray());
    }

    public static ByteArrayContent Encoded(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    public static async Task<JsonElement> BodyOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
