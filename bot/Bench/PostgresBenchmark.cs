using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SuccessBot.Cli;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Storage;
using SuccessBot.Demo;
using SuccessBot.Host;
using SuccessBot.Import;
using SuccessBot.Ingest;
using SuccessBot.Storage.Postgres;

namespace SuccessBot.Bench;

/// <summary>
/// Issue 15's figures on PostgreSQL (`bench postgres`, on the empty database `ConnectionStrings__SuccessBot` names): the CSV import
/// (usage with COPY), the daily checks over the imported book, then two real hosts on that database: the delivery of the cards the
/// checks recorded to a local fake Slack, Segment usage events posted to both, and the change feed's lag from one host to the other
/// under a stream of one-row writes (what a click commits) at 1,000 a minute.
/// </summary>
public static class PostgresBenchmark
{
    private const int ClicksPerMinute = 1_000;

    public static async Task<int> RunAsync(TextWriter output, int accounts, int clicks)
    {
        if (Environment.GetEnvironmentVariable("ConnectionStrings__SuccessBot") is not { Length: > 0 } connection)
        {
            output.WriteLine("bench postgres needs an empty database: set ConnectionStrings__SuccessBot to its Npgsql connection string.");
            return 1;
        }
        var folder = Directory.CreateTempSubdirectory("successbot-bench-postgres-");
        try
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            string[] ids;
            int recorded;
            using (var store = new PostgresStore(connection))
            {
                try { store.EnsureReady(); }
                catch (StoreUnreachable down)
                {
                    output.WriteLine($"Store: {down.Message}");
                    return 1;
                }
                if (store.DataVersion != 0)
                {
                    output.WriteLine($"bench postgres writes {accounts:N0} accounts: {store.Describes} has data already; give it an empty database.");
                    return 1;
                }
                (ids, recorded) = ImportAndCheck(output, store, folder.FullName, today, accounts);
            }

            await using var slack = await FakeSlackAsync();
            var api = Address(slack) + "/api/";
            await using var first = await StartedAsync(connection, folder.FullName, "first", api);
            await using var second = await StartedAsync(connection, folder.FullName, "second", api);
            await DeliveryAsync(output, slack.Services.GetRequiredService<PostedCards>(), recorded);
            await IngestAsync(output, first, second, ids);
            await LagAsync(output, first, second, ids, clicks);
            foreach (var host in new[] { first, second })
            {
                await (await host.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler()).Shutdown(waitForJobsToComplete: true);
                await host.StopAsync();
            }
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static (string[] Ids, int Recorded) ImportAndCheck(TextWriter output, PostgresStore store, string folder, DateOnly today, int accounts)
    {
        var clock = Stopwatch.StartNew();
        var book = DemoGenerator.Generate(seed: 7, today, accounts, usageDays: 90);
        output.WriteLine($"Generated {book.Accounts.Count:N0} accounts, {book.Usage.Count:N0} usage rows (90 days), {book.Nps.Count:N0} NPS answers in {clock.Elapsed.TotalSeconds:0.0} s.");
        var files = Benchmark.WriteCsv(folder, book);
        output.WriteLine();
        output.WriteLine($"Import into {store.Describes} (usage with binary COPY; target >= 50,000 rows/s):");
        var seconds = Benchmark.Import(output, "accounts", book.Accounts.Count, () => Importers.ImportAccounts(store.Book, files.Accounts, today))
            + Benchmark.Import(output, "usage", book.Usage.Count, () => Importers.ImportUsage(store.Book, files.Usage))
            + Benchmark.Import(output, "nps", book.Nps.Count, () => Importers.ImportNps(store.Book, files.Nps, store, today));
        var rows = book.Accounts.Count + book.Usage.Count + book.Nps.Count;
        output.WriteLine($"  all three {rows,10:N0} rows in {seconds,6:0.00} s = {rows / seconds,9:N0} rows/s");
        store.Book.UpsertMrrHistory(book.MrrChanges);

        clock.Restart();
        var loaded = store.Book.LoadBookAndVersion().Book;
        output.WriteLine($"  loading the read model from the database: {clock.Elapsed.TotalSeconds:0.00} s");
        var team = new TeamSettings { Texts = Settings.Texts, CoreFeatures = DemoGenerator.CoreFeatures, Managers = [DemoGenerator.Manager],
            Health = new Core.Metrics.HealthOptions { PlanSeats = DemoGenerator.PlanSeats } };
        var nudges = new NudgeService(new StaticBookSource(loaded), store.Ledger, store.Activity, store.Surveys, team, new CheckOptions(), TimeProvider.System, []);
        clock.Restart();
        var summary = nudges.Check(CheckKind.All);
        output.WriteLine($"Daily checks over {loaded.Accounts.Count:N0} accounts, the ledger in PostgreSQL: {clock.Elapsed.TotalSeconds:0.00} s, {summary.Decided:N0} nudges due, {summary.Recorded:N0} recorded.");
        return (book.Accounts.Select(a => a.Id).ToArray(), summary.Recorded);
    }

    /// <summary>The cards the checks recorded, delivered by both hosts at once (each claims a round's cards with a lease), counted at the fake Slack.</summary>
    private static async Task DeliveryAsync(TextWriter output, PostedCards posted, int recorded)
    {
        var clock = Stopwatch.StartNew();
        var (last, since) = (0, clock.Elapsed);
        // Until every card is sent, or nothing more came for 10 s (a CSM's cards over the daily cap wait for tomorrow).
        while (posted.Count < recorded && clock.Elapsed - since < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
            if (posted.Count != last) (last, since) = (posted.Count, clock.Elapsed);
        }
        var seconds = since.TotalSeconds;
        // A host's start may run the checks once more and post the manager's digest too: the count is what Slack was given.
        output.WriteLine($"Delivery by two hosts to a local fake Slack: {posted.Count:N0} cards posted (the checks recorded {recorded:N0}) in {seconds:0.0} s after both started = "
            + $"{posted.Count / Math.Max(seconds, 0.001):N0} cards/s, {posted.Twice} posted twice.");
    }

    /// <summary>Batches of 100 track calls posted to both hosts at once, each answered once its events are committed in the database.</summary>
    private static async Task IngestAsync(TextWriter output, WebApplication first, WebApplication second, string[] ids)
    {
        using var toFirst = IngestBenchmark.Client(Address(first));
        using var toSecond = IngestBenchmark.Client(Address(second));
        var limit = TimeSpan.FromSeconds(30);
        output.WriteLine("Usage events over HTTP to both hosts at once, committed in PostgreSQL before each 200:");
        var measured = await Task.WhenAll(IngestBenchmark.Phase(toFirst, ids, "/v1/batch", 100, requests: 2_000, limit),
            IngestBenchmark.Phase(toSecond, ids, "/v1/batch", 100, requests: 2_000, limit));
        IngestBenchmark.Report(output, "first host", measured[0]);
        IngestBenchmark.Report(output, "second host", measured[1]);
        var elapsed = measured.Max(m => m.Elapsed.TotalSeconds);
        output.WriteLine($"  both together {measured.Sum(m => m.Events) / elapsed:N0} events/s");
    }

    /// <summary>
    /// Clicks' writes (a touchpoint logged) through the first host at 1,000 a minute; for each, the time until the second host's read model has it
    /// (its LISTEN wakes it, it reads the change table).
    /// </summary>
    private static async Task LagAsync(TextWriter output, WebApplication first, WebApplication second, string[] ids, int clicks)
    {
        var activity = first.Services.GetRequiredService<IAccountActivity>();
        var feed = first.Services.GetRequiredService<IChangeFeed>();
        var follower = second.Services.GetRequiredService<BookReadModel>();
        var random = new Random(3);
        var lags = new double[clicks];
        var every = TimeSpan.FromMinutes(1) / ClicksPerMinute;
        var stream = Stopwatch.StartNew();
        for (var i = 0; i < clicks; i++)
        {
            if (every * i - stream.Elapsed is { Ticks: > 0 } early) await Task.Delay(early);
            activity.AddTouchpoint(new Touchpoint(ids[random.Next(ids.Length)], "call", $"benchmark click {i}", DemoGenerator.Manager, DateTimeOffset.UtcNow));
            var written = feed.DataVersion;
            var clock = Stopwatch.StartNew();
            while (follower.Version < written) await Task.Delay(1);
            lags[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(lags);
        output.WriteLine($"Change feed lag, first host to second, {clicks:N0} clicks (a touchpoint each) at {ClicksPerMinute:N0} a minute (target < 2 s): "
            + $"p50 {lags[clicks / 2]:0.0} ms   p99 {lags[(int)Math.Ceiling(clicks * 0.99) - 1]:0.0} ms   max {lags[^1]:0.0} ms");
    }

    private static async Task<WebApplication> StartedAsync(string connection, string folder, string name, string slackApi)
    {
        var host = BotHost.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:SuccessBot"] = connection,
            ["Storage:Path"] = Path.Combine(folder, name, "successbot.db"),
            ["Team:Managers:0"] = DemoGenerator.Manager,
            ["Slack:BotToken"] = "fake-bot-token-" + name,
            ["Slack:SigningSecret"] = "benchmark-signing-secret",
            ["Slack:ApiBaseUrl"] = slackApi,
            ["Checks:QuietHours"] = "off",
            // Every card the checks recorded is delivered, for the throughput (the default sends ten a person a day and rolls up the rest).
            ["Checks:MaxNudgesPerDay"] = "1000000",
            ["Checks:DeliverySeconds"] = "1",
            ["Nps:MaxPerDay"] = "0",
            ["Ingest:WriteKey"] = IngestBenchmark.WriteKey,
        });
        await host.StartAsync();
        return host;
    }

    private static string Address(WebApplication app) => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>The cards the fake Slack was given, by their text: how many, and how many came twice.</summary>
    private sealed class PostedCards
    {
        private readonly HashSet<string> _seen = [];
        private int _twice;

        public int Count { get { lock (_seen) return _seen.Count; } }

        public int Twice => Volatile.Read(ref _twice);

        public void Add(string body)
        {
            lock (_seen)
                if (!_seen.Add(body)) _twice++;
        }
    }

    /// <summary>A local Slack Web API that knows everyone: every call is answered with what each of SuccessBot's calls reads.</summary>
    private static async Task<WebApplication> FakeSlackAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<PostedCards>();
        var app = builder.Build();
        app.MapPost("/api/chat.postMessage", async (HttpRequest request, PostedCards posted) =>
        {
            using var reader = new StreamReader(request.Body);
            posted.Add(await reader.ReadToEndAsync());
            return Results.Json(new { ok = true, ts = "1.2" });
        });
        app.MapPost("/api/{method}", () => Results.Json(new { ok = true, user = new { id = "UCSM", profile = new { email = DemoGenerator.Manager } }, channel = new { id = "DCSM" }, ts = "1.2" }));
        await app.StartAsync();
        return app;
    }
}
