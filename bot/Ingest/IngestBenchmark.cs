using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SuccessBot.Demo;
using SuccessBot.Host;
using SuccessBot.Storage;

namespace SuccessBot.Ingest;

/// <summary>
/// Issue 8's figures: Segment batches of 100 track calls, then single track calls, posted over loopback to the real host
/// (Kestrel on 127.0.0.1) by a load generator in this process with a few connections at once; events per second, p50
/// and p99 request latency, and the process's memory at start and end. Bounded in requests and in time. With
/// <c>minutes</c>, a soak instead: batches for that long, with the figures and the memory of every minute.
/// </summary>
public static class IngestBenchmark
{
    internal const string WriteKey = "benchmark-write-key";
    private const int Connections = 8, BatchSize = 100;

    public static async Task<int> RunAsync(TextWriter output, int accounts, int minutes = 0)
    {
        var limit = TimeSpan.FromSeconds(60);
        var folder = Directory.CreateTempSubdirectory("successbot-ingest-bench-");
        try
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var book = DemoGenerator.Generate(seed: 7, today, accounts, usageDays: 1);
            var path = Path.Combine(folder.FullName, "bench.db");
            using (var store = new LiteDbStore(path)) store.Book.UpsertAccounts(book.Accounts, today);
            var ids = book.Accounts.Select(a => a.Id).ToArray();
            output.WriteLine($"Stored {ids.Length:N0} accounts.");

            await using var bot = BotHost.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], new Dictionary<string, string?>
            {
                ["Storage:Path"] = path,
                ["Ingest:WriteKey"] = WriteKey,
            });
            await bot.StartAsync();
            var url = bot.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = Client(url);

            // The host ingests for days: measure it warm, after its start-up checks and the first compilations.
            await Phase(http, ids, "/v1/batch", BatchSize, requests: int.MaxValue, TimeSpan.FromSeconds(15));
            output.WriteLine($"Memory at start: {Memory()}.");
            output.WriteLine($"Ingest over HTTP, {Connections} connections at once (target: >= 20,000 events/s batched, p99 < 50 ms):");
            if (minutes > 0)
            {
                for (var minute = 1; minute <= minutes; minute++)
                {
                    Report(output, $"minute {minute,2}, batches", await Phase(http, ids, "/v1/batch", BatchSize, requests: int.MaxValue, TimeSpan.FromMinutes(1)));
                    // The read model's version moves with every checkpoint that reaches the store: answers keep up.
                    output.WriteLine($"    memory: {Memory()}; read model version {bot.Services.GetRequiredService<BookReadModel>().Version}");
                }
            }
            else
            {
                Report(output, $"batches of {BatchSize}", await Phase(http, ids, "/v1/batch", BatchSize, requests: 10_000, limit));
                Report(output, "single track calls", await Phase(http, ids, "/v1/track", 1, requests: 30_000, limit));
            }
            output.WriteLine($"Memory at end: {Memory()}.");
            // The host's start-up checks may still run over the large book: the store is closed only after them.
            var scheduler = await bot.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
            await scheduler.Shutdown(waitForJobsToComplete: true);
            await bot.StopAsync();
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    internal sealed record Measured(int Requests, int Events, TimeSpan Elapsed, double[] Milliseconds);

    /// <summary>An HTTP client that posts to the host's Segment endpoints with the benchmark's write key.</summary>
    internal static HttpClient Client(string url) => new(new SocketsHttpHandler { MaxConnectionsPerServer = Connections })
    {
        BaseAddress = new Uri(url),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(WriteKey + ":"))) },
    };

    /// <summary>
    /// Posts until <paramref name="requests"/> are answered or <paramref name="limit"/> has passed; with
    /// <paramref name="eventsPerSecond"/>, no faster than that (a steady stream rather than as fast as the host takes them).
    /// </summary>
    internal static async Task<Measured> Phase(HttpClient http, string[] accounts, string path, int eventsPerRequest, int requests, TimeSpan limit, int eventsPerSecond = 0)
    {
        var times = new List<double>[Connections];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(async connection =>
        {
            var random = new Random(connection);
            var mine = times[connection] = [];
            // The load generator shares the host's cores: it builds each body in buffers it reuses.
            var text = new StringBuilder();
            var chars = new char[1024];
            var bytes = new byte[1024];
            int request;
            while ((request = Interlocked.Increment(ref next)) < requests && clock.Elapsed < limit)
            {
                if (eventsPerSecond > 0 && TimeSpan.FromSeconds((double)request * eventsPerRequest / eventsPerSecond) - clock.Elapsed is { Ticks: > 0 } early)
                    await Task.Delay(early);
                text.Clear();
                if (eventsPerRequest == 1) AppendTrack(text, random, accounts);
                else
                {
                    text.Append("{\"batch\":[");
                    for (var e = 0; e < eventsPerRequest; e++)
                    {
                        if (e > 0) text.Append(',');
                        AppendTrack(text, random, accounts);
                    }
                    text.Append("]}");
                }
                if (chars.Length < text.Length) (chars, bytes) = (new char[text.Length * 2], new byte[text.Length * 6]);
                text.CopyTo(0, chars, text.Length);
                var length = Encoding.UTF8.GetBytes(chars.AsSpan(0, text.Length), bytes);
                using var content = new ByteArrayContent(bytes, 0, length);
                content.Headers.ContentType = Json;
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(path, content);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"The benchmark's {path} was refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }));
        var answered = times.SelectMany(t => t).Order().ToArray();
        return new Measured(answered.Length, answered.Length * eventsPerRequest, clock.Elapsed, answered);
    }

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private static void AppendTrack(StringBuilder text, Random random, string[] accounts)
    {
        var account = accounts[random.Next(accounts.Length)];
        text.Append(CultureInfo.InvariantCulture, $$"""{"type":"track","userId":"{{account}}-u{{random.Next(20)}}","event":"Report Created","properties":{"minutes":{{random.Next(1, 30)}}},"context":{"groupId":"{{account}}"},"messageId":"{{Guid.NewGuid()}}","timestamp":"{{DateTimeOffset.UtcNow:O}}"}""");
    }

    internal static void Report(TextWriter output, string what, Measured m)
    {
        var percentile = (double p) => m.Milliseconds[Math.Max(0, (int)Math.Ceiling(m.Milliseconds.Length * p) - 1)];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what,-20} {m.Events,9:N0} events in {m.Requests,6:N0} requests, {m.Elapsed.TotalSeconds,5:0.0} s = {m.Events / m.Elapsed.TotalSeconds,8:N0} events/s   p50 {percentile(0.5),7:0.00} ms   p99 {percentile(0.99),7:0.00} ms"));
    }

    /// <summary>The host and the load generator share this process: resident memory is theirs together, the managed heap mostly the host's.</summary>
    private static string Memory()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: true) / 1024 / 1024;
        return $"{heap:N0} MB managed heap after a full collection, {Bench.Benchmark.Resident("VmRSS")}";
    }
}
