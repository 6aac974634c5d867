using SuccessBot.Core.Storage;
using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SuccessBot.Web;

namespace SuccessBot.Ingest;

/// <summary>
/// Segment's HTTP Tracking API at /v1: track, identify, group, alias and batch, with the write key as the basic-auth user name or in the body.
/// Answers as Segment does (`{"success": true}`); what is wrong gets a 4xx naming it, and nothing of a refused call is stored.
/// What of a stored call was not read (a locale that is no language tag) is named in `ignored`.
/// </summary>
public static class IngestEndpoints
{
    public static void AddIngest(this WebApplicationBuilder builder)
    {
        var settings = IngestSettings.From(builder.Configuration);
        builder.Services.AddSingleton(settings);
        if (!settings.IsOn) return;
        // Segment's libraries send gzip; other encodings are refused by name (415) rather than read.
        builder.Services.AddRequestDecompression(o =>
        {
            o.DecompressionProviders.Remove("br");
            o.DecompressionProviders.Remove("deflate");
        });
        builder.Services.AddSingleton(s => EventLogFolder.For(s.GetRequiredService<Host.StoreFiles>(), s.GetRequiredService<IChangeFeed>().StoreId));
        // On a store several hosts share, the events go to the database before the answer; on a file, to this host's log beside it.
        builder.Services.AddSingleton<IUsageLog>(s => s.GetRequiredService<Host.StorePorts>().SharedUsage is { } shared ? new SharedEventLog(shared)
            : new EventLog(s.GetRequiredService<EventLogFolder>().Path, s.GetRequiredService<IChangeFeed>().StoreId));
        builder.Services.AddSingleton<UsageRollup>();
        builder.Services.AddSingleton<IngestWriter>();
        builder.Services.AddHostedService(s => s.GetRequiredService<IngestWriter>());
    }

    public static void MapIngest(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IngestSettings>().IsOn) return;
        // Segment's libraries gzip their batches; only these paths take compressed bodies.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/v1"), v1 => v1.UseRequestDecompression());
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/track", (HttpContext c, IngestSettings s, IngestWriter w, TimeProvider t) => ReceiveOne(c, SegmentCall.Track, s, w, t));
        v1.MapPost("/identify", (HttpContext c, IngestSettings s, IngestWriter w, TimeProvider t) => ReceiveOne(c, SegmentCall.Identify, s, w, t));
        v1.MapPost("/group", (HttpContext c, IngestSettings s, IngestWriter w, TimeProvider t) => ReceiveOne(c, SegmentCall.Group, s, w, t));
        v1.MapPost("/alias", (HttpContext c, IngestSettings s, IngestWriter w, TimeProvider t) => ReceiveOne(c, SegmentCall.Alias, s, w, t));
        v1.MapPost("/batch", ReceiveBatch);
    }

    /// <summary>An event of the request (its index in a batch, else 0) that was refused, or a part of it that was not read.</summary>
    private sealed record EventError(int Index, string? MessageId, string Error);

    private static async Task<IResult> ReceiveOne(HttpContext http, SegmentCall call, IngestSettings settings, IngestWriter writer, TimeProvider clock)
    {
        var (body, problem) = await ReadAsync(http, settings, IngestSettings.MaxEventBytes);
        if (problem is not null) return problem;
        using (body)
        {
            var read = SegmentReader.Read(body!.Json.RootElement, body.Bytes, call, default, clock.GetUtcNow(), settings);
            if (read.Error is { } error) return JsonInput.Problem(400, error);
            return await StoreAsync(http, writer, [read.Event!], [], read.Ignored is { } ignored ? [new EventError(0, read.Event!.MessageId, ignored)] : []);
        }
    }

    private static async Task<IResult> ReceiveBatch(HttpContext http, IngestSettings settings, IngestWriter writer, TimeProvider clock)
    {
        var (body, problem) = await ReadAsync(http, settings, IngestSettings.MaxBatchBytes);
        if (problem is not null) return problem;
        using (body)
        {
            var root = body!.Json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
                return JsonInput.Problem(400, "A batch is a JSON object with \"batch\": an array of events.");
            var context = root.TryGetProperty("context", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
            var now = clock.GetUtcNow();
            var accepted = new List<SegmentEvent>();
            var rejected = new List<EventError>();
            var ignored = new List<EventError>();
            var index = 0;
            foreach (var item in batch.EnumerateArray())
            {
                var size = JsonMarshal.GetRawUtf8Value(item).Length;
                var read = size > IngestSettings.MaxEventBytes
                    ? new SegmentReader.Outcome(null, $"the event is {size / 1024.0:0.#} KB; the limit per event is {IngestSettings.MaxEventBytes / 1024} KB")
                    : SegmentReader.Read(item, body.Bytes, null, context, now, settings);
                if (read.Event is { } e) accepted.Add(e);
                else rejected.Add(new EventError(index, MessageIdOf(item), read.Error!));
                if (read.Ignored is { } part) ignored.Add(new EventError(index, read.Event!.MessageId, part));
                index++;
            }
            if (accepted.Count == 0 && rejected.Count > 0)
            {
                var error = $"None of the {rejected.Count} events in the batch could be read.";
                return JsonInput.Problem(400, error, body: new { error, rejected });
            }
            return await StoreAsync(http, writer, accepted, rejected, ignored);
        }
    }

    private static async Task<IResult> StoreAsync(HttpContext http, IngestWriter writer, IReadOnlyList<SegmentEvent> events, List<EventError> rejected, List<EventError> ignored)
    {
        if (writer.Off is { } why)
        {
            // Senders keep what they could not deliver and retry: once the log is put right, nothing is lost.
            http.Response.Headers.RetryAfter = "60";
            return JsonInput.Problem(503, $"Usage events are off: {why}");
        }
        try
        {
            await writer.StoreAsync(events, http.RequestAborted);
        }
        catch (Exception e) when (http.RequestServices.GetRequiredService<IChangeFeed>().IsStoreFault(e) || e is InvalidOperationException
                                   || (e is OperationCanceledException && !http.RequestAborted.IsCancellationRequested))
        {
            // Segment's senders retry a 503 (the store failed, or the host is stopping); a retry of what did reach the log is recognised by its messageId.
            http.Response.Headers.RetryAfter = "5";
            return JsonInput.Problem(503, "The store could not take the events just now; send them again.");
        }
        return rejected.Count + ignored.Count == 0 ? Results.Json(new { success = true })
            : Results.Json(new { success = true, accepted = events.Count, rejected, ignored });
    }

    /// <summary>A request's body (in a pooled buffer, given back on dispose) and the JSON parsed from it, which reads that buffer.</summary>
    private sealed class RequestBody(byte[] rented, int length) : IDisposable
    {
        public Memory<byte> Bytes { get; } = rented.AsMemory(0, length);

        public JsonDocument Json { get; set; } = null!;

        public void Dispose()
        {
            Json?.Dispose();
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Reads the (decompressed) body up to <paramref name="limit"/> bytes as JSON, and checks the write key: the basic-auth
    /// user name, or the body's `writeKey` (Segment's HTTP API takes either; a body key, when sent, must be right).
    /// </summary>
    private static async Task<(RequestBody? Body, IResult? Problem)> ReadAsync(HttpContext http, IngestSettings settings, int limit)
    {
        var request = http.Request;
        var headerKey = HasWriteKey(request, settings.WriteKey!);
        if (!headerKey && request.Headers.Authorization.Count > 0)
            return (null, Unauthorized(http, "The write key is wrong: the basic auth user name must be Ingest:WriteKey."));
        const string sendTheKey = "Send the write key (Ingest:WriteKey) as the HTTP basic auth user name with an empty password, or as \"writeKey\" in the JSON body.";
        var (body, problem) = await ReadJsonAsync(http, limit);
        // A body that cannot be read is refused for what it is: the key may be inside it, so it cannot be asked for.
        if (problem is not null) return (null, problem);
        var root = body!.Json.RootElement;
        var bodyKey = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("writeKey", out var k) ? k : default;
        var error = bodyKey.ValueKind == JsonValueKind.Undefined ? (headerKey ? null : sendTheKey)
            : bodyKey.ValueKind == JsonValueKind.String && IsWriteKey(Encoding.UTF8.GetBytes(bodyKey.GetString()!), settings.WriteKey!) ? null
            : "The write key is wrong: \"writeKey\" in the body must be Ingest:WriteKey.";
        if (error is null) return (body, null);
        body.Dispose();
        return (null, Unauthorized(http, error));
    }

    private static IResult Unauthorized(HttpContext http, string error)
    {
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"SuccessBot usage events\"";
        return JsonInput.Problem(401, error);
    }

    private static async Task<(RequestBody? Body, IResult? Problem)> ReadJsonAsync(HttpContext http, int limit)
    {
        var request = http.Request;
        // The decompression middleware removes the header of an encoding it decoded; one still here it does not know.
        if (request.Headers.ContentEncoding.Count > 0)
            return (null, JsonInput.Problem(415, $"Content-Encoding \"{request.Headers.ContentEncoding}\" is not supported; send gzip or no encoding."));
        var tooLarge = JsonInput.Problem(413, $"The body is larger than {limit / 1024} KB, Segment's limit for this call.");
        if (request.ContentLength > limit) return (null, tooLarge);
        // One byte over the limit is enough to know a body is too large; a known length is read in one buffer.
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is { } known ? (int)known + 1 : 16 * 1024);
        var filled = 0;
        var readAll = false;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(filled), http.RequestAborted)) > 0)
            {
                filled += read;
                if (filled > limit) return (null, tooLarge);
                if (filled < buffer.Length) continue;
                var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                buffer.AsSpan(0, filled).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }
            readAll = true;
        }
        catch (InvalidDataException)
        {
            return (null, JsonInput.Problem(400, "The body is not valid gzip (Content-Encoding: gzip)."));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, tooLarge);
        }
        finally
        {
            if (!readAll) ArrayPool<byte>.Shared.Return(buffer);
        }
        var body = new RequestBody(buffer, filled);
        if (JsonInput.Parse(body.Bytes, out var problem) is { } json)
        {
            body.Json = json;
            return (body, null);
        }
        body.Dispose();
        return (null, JsonInput.Problem(400, problem!));
    }

    /// <summary>Segment's libraries send `Authorization: Basic base64(writeKey + ":")`.</summary>
    private static bool HasWriteKey(HttpRequest request, string writeKey)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null) return false;
        Span<byte> decoded = stackalloc byte[512];
        if (!Convert.TryFromBase64String(header.Parameter, decoded, out var length)) return false;
        var credentials = decoded[..length];
        var colon = credentials.IndexOf((byte)':');
        return IsWriteKey(colon < 0 ? credentials : credentials[..colon], writeKey);
    }

    private static bool IsWriteKey(ReadOnlySpan<byte> sent, string writeKey) => CryptographicOperations.FixedTimeEquals(sent, Encoding.UTF8.GetBytes(writeKey));

    private static string? MessageIdOf(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
}
