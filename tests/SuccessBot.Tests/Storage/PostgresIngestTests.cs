using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SuccessBot.Core.Storage;
using SuccessBot.Demo;
using SuccessBot.Ingest;
using SuccessBot.Storage.Postgres;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;
using static SuccessBot.Tests.Ingest.SegmentPayloads;

namespace SuccessBot.Tests.Storage;

/// <summary>Usage events sent to two hosts on one PostgreSQL: a 200 means the events are in the database, and each messageId counts once whichever host took it.</summary>
public sealed class PostgresIngestTests
{
    private const string WriteKey = "pg-write-key";
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private static (string, string?)[] IngestOn => [("Ingest:WriteKey", WriteKey), ("Ingest:PublishSeconds", "0"), ("Ingest:FutureToleranceMinutes", "10")];

    [SkippableFact]
    public async Task Events_sent_to_two_hosts_are_in_the_database_at_the_200_and_count_once_even_when_the_host_that_took_them_is_killed()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        using var folder = new TempFolder();
        using var inProcess = StoreHost.OnPostgres(connection, IngestOn);
        using var toInProcess = Segment(inProcess.CreateClient());
        var said = new ConcurrentQueue<string>();
        var port = Ports.Free();
        using var process = Started(Host(connection, folder, port), said);
        try
        {
            using var toProcess = Segment(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
            var waited = Stopwatch.StartNew();
            while (!said.Any(l => l.Contains("Application started")) && waited.Elapsed < TimeSpan.FromSeconds(120)) await Task.Delay(50);
            Assert.True(said.Any(l => l.Contains("Application started")), string.Join('\n', said));
            var (account, ann, bob) = ("pgacct-" + Guid.NewGuid().ToString("N")[..8], "ann-" + Guid.NewGuid().ToString("N")[..8], "bob-" + Guid.NewGuid().ToString("N")[..8]);
            Assert.Equal(HttpStatusCode.OK, (await toInProcess.PostAsync("/v1/batch", AsJson(Batch(Group(ann, account, "Twin Hosts Ltd"), Group(bob, account, "Twin Hosts Ltd"))))).StatusCode);
            var both = Track(ann, "Report Created", messageId: "both-" + Guid.NewGuid().ToString("N"));
            var toA = Enumerable.Range(0, 30).Select(_ => Track(ann, "Dashboard Viewed")).Append(both).ToArray();
            var toB = Enumerable.Range(0, 20).Select(_ => Track(bob, "Export Run")).Append(both.DeepClone().AsObject()).ToArray();

            Assert.Equal(HttpStatusCode.OK, (await toInProcess.PostAsync("/v1/batch", AsJson(Batch(toB)))).StatusCode);
            var answered = await toProcess.PostAsync("/v1/batch", AsJson(Batch(toA)));
            process.Kill();
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            await process.WaitForExitAsync();

            // What both hosts answered 200 to is in the database, the messageId sent to both once, though one host is gone.
            Assert.Equal(2 + 30 + 20 + 1, PostgresServer.Count(connection, "SELECT count(*) FROM ingest_events"));
            Assert.Equal(1, PostgresServer.Count(connection, "SELECT count(*) FROM ingest_events WHERE message_id = $1", both["messageId"]!.GetValue<string>()));
            // The host left counts every event once (taking the lead of counting if the killed one had it).
            var rollup = inProcess.Services.GetRequiredService<UsageRollup>();
            var counted = Stopwatch.StartNew();
            while (Events(connection, account) < 51 && counted.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
            Assert.Equal(51, Events(connection, account));
            Assert.Equal(51, rollup.EventsOn(account, Today));
            var follower = inProcess.Services.GetRequiredService<SuccessBot.Host.BookReadModel>();
            var read = Stopwatch.StartNew();
            while (follower.Current.UsageOf(account).All(u => u.Date != Today) && read.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
            var usage = follower.Current.UsageOf(account).Single(u => u.Date == Today);
            Assert.Equal(2, usage.ActiveUsers);
            Assert.Equal(["Dashboard Viewed", "Export Run", "Report Created"], usage.Features);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    [SkippableFact]
    public async Task A_host_that_stops_hands_the_counting_to_the_other_host_which_counts_on_from_its_checkpoint()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        var first = StoreHost.OnPostgres(connection, IngestOn);
        using var second = StoreHost.OnPostgres(connection, IngestOn);
        using var toFirst = Segment(first.CreateClient());
        using var toSecond = Segment(second.CreateClient());
        var (account, user) = ("handover-" + Guid.NewGuid().ToString("N")[..8], "cy-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal(HttpStatusCode.OK, (await toFirst.PostAsync("/v1/batch", AsJson(Batch([Group(user, account, "Handover Co"), .. Enumerable.Range(0, 5).Select(_ => Track(user, "Report Created"))])))).StatusCode);
        var waited = Stopwatch.StartNew();
        while (Events(connection, account) < 5 && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
        Assert.Equal(5, Events(connection, account));

        first.Dispose();
        Assert.Equal(HttpStatusCode.OK, (await toSecond.PostAsync("/v1/batch", AsJson(Batch([.. Enumerable.Range(0, 7).Select(_ => Track(user, "Export Run"))])))).StatusCode);

        var counted = Stopwatch.StartNew();
        while (Events(connection, account) < 12 && counted.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
        Assert.True(Events(connection, account) == 12, string.Join('\n', second.Log.Entries.Where(e => e.Category.Contains("Ingest") || e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(e => $"{e.Category} {e.Message} {e.Exception}")));
        Assert.Equal(12, second.Services.GetRequiredService<UsageRollup>().EventsOn(account, Today));
    }

    [SkippableFact]
    public async Task A_host_that_lost_the_lead_unnoticed_has_its_checkpoint_refused_and_says_so_and_each_event_counts_once()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        // This host's clock stands still, so it never looks again whether it still leads: a host paused, or cut off, does not either.
        using var stale = StoreHost.OnPostgres(connection, IngestOn).WithClock(new FakeTimeProvider(DateTimeOffset.UtcNow));
        using var toStale = Segment(stale.CreateClient());
        var (account, user) = ("fenced-" + Guid.NewGuid().ToString("N")[..8], "fe-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal(HttpStatusCode.OK, (await toStale.PostAsync("/v1/batch", AsJson(Batch(Group(user, account, "Fenced Co"), Track(user, "Report Created"), Track(user, "Report Created"))))).StatusCode);
        await Until(() => Events(connection, account) == 2);
        using var leader = StoreHost.OnPostgres(connection, IngestOn);
        leader.CreateClient();

        // The stale host's session that holds the lead is lost (as to a network cut), and the other host takes the lead.
        Assert.Equal(1, PostgresServer.Count(connection, "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1",
            PostgresUsageEvents.LeadLock));
        await Until(() => leader.Log.Entries.Any(e => e.Message.Contains("this host leads the counting")));
        Assert.Equal(HttpStatusCode.OK, (await toStale.PostAsync("/v1/batch", AsJson(Batch(Track(user, "Export Run"), Track(user, "Export Run"), Track(user, "Export Run"))))).StatusCode);

        await Until(() => stale.Log.Entries.Any(e => e.Message.Contains("this host's checkpoint was refused: another host has taken the lead of counting since (term 2; this host's was 1)")));
        await Until(() => Events(connection, account) == 5);
        Assert.Equal(5, leader.Services.GetRequiredService<UsageRollup>().EventsOn(account, Today));
        Assert.Equal(2, PostgresServer.Count(connection, "SELECT term FROM ingest_lead"));
    }

    [SkippableFact]
    public async Task A_host_taking_the_lead_waits_for_the_checkpoint_written_under_the_last_term_reads_it_and_the_last_leader_writes_no_more()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        using var first = new PostgresStore(connection);
        using var second = new PostgresStore(connection);
        var lead = first.UsageEvents.TryLead()!;
        using var written = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var checkpointing = Task.Run(() => first.InTransaction(() =>
        {
            lead.Confirm();
            first.Ingest.Store(Checkpoint(7));
            written.Set();
            release.Wait();
            return 0;
        }));
        written.Wait();
        // The lead's session ends while its last checkpoint is still being written.
        lead.Dispose();

        var taking = Task.Run(second.UsageEvents.TryLead);
        await Task.Delay(500);
        Assert.False(taking.IsCompleted);
        release.Set();
        await checkpointing;
        using var next = await taking;

        Assert.NotNull(next);
        Assert.Equal(7, second.Ingest.Checkpointed()!.Value.Offset);
        Assert.Throws<LeadLost>(() => first.InTransaction(() =>
        {
            lead.Confirm();
            first.Ingest.Store(Checkpoint(5));
            return 0;
        }));
        Assert.Equal(7, second.Ingest.Checkpointed()!.Value.Offset);
    }

    private static IngestCheckpoint Checkpoint(long upTo) => new([], new Dictionary<string, IngestUser?>(), new Dictionary<string, VisitorLink?>(),
        new Dictionary<string, AsideEvent?>(), new IngestPosition(IngestPosition.SharedLog, upTo), null, null);

    /// <summary>Waits up to a minute for <paramref name="done"/>; fails if it never is.</summary>
    private static async Task Until(Func<bool> done)
    {
        var waited = Stopwatch.StartNew();
        while (!done() && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
        Assert.True(done());
    }

    private static HttpClient Segment(HttpClient client)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(WriteKey + ":")));
        return client;
    }

    /// <summary>The events the checkpointed day of the account counts (0 before its first checkpoint).</summary>
    private static long Events(string connection, string account) => PostgresServer.Count(connection, "SELECT coalesce(sum(events), 0) FROM ingest_days WHERE account = $1", account);

    private static Process Started(ProcessStartInfo start, ConcurrentQueue<string> said)
    {
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => { if (line.Data is { } text) said.Enqueue(text); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is { } text) said.Enqueue("! " + text); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static ProcessStartInfo Host(string connection, TempFolder folder, int port)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(SuccessBot.Cli.Verbs).Assembly.Location);
        foreach (var arg in new[] { "serve", "--urls", $"http://127.0.0.1:{port}" }) start.ArgumentList.Add(arg);
        start.Environment["Storage__Provider"] = "postgres";
        start.Environment["ConnectionStrings__SuccessBot"] = connection;
        start.Environment["Storage__Path"] = Path.Combine(folder.Path, "process", "successbot.db");
        start.Environment["Checks__QuietHours"] = "off";
        start.Environment["Nps__MaxPerDay"] = "0";
        start.Environment["Team__Managers__0"] = DemoGenerator.Manager;
        foreach (var (key, value) in IngestOn) start.Environment[key.Replace(":", "__")] = value;
        return start;
    }
}
