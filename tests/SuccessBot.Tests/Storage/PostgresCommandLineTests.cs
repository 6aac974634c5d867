using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Quartz;
using SuccessBot.Demo;
using SuccessBot.Tests.Ingest;
using SuccessBot.Storage.Postgres;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Storage;

/// <summary>`migrate`, `migrate --from-litedb` and the verbs on a real PostgreSQL, run as the built program.</summary>
public sealed class PostgresCommandLineTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private (int Exit, string Out, string Err) Run(string connection, params string[] args) =>
        TheProgram.Run(_folder, new() { ["Storage__Provider"] = "postgres", ["ConnectionStrings__SuccessBot"] = connection }, args);

    [SkippableFact]
    public void Migrate_prints_what_is_applied_and_pending_applies_it_once_and_then_has_nothing_to_do()
    {
        var connection = PostgresServer.Require().CreateDatabase();

        var first = Run(connection, "migrate");
        Assert.Equal(0, first.Exit);
        Assert.Contains($"Database: PostgreSQL at 127.0.0.1:", first.Out);
        Assert.Contains("Applied: none\n", first.Out);
        Assert.Contains("Pending: 0001 initial, 0002 delivery_lease, 0003 sync, 0004 quartz_scheduler, 0005 usage_events, 0006 local_chat, 0007 usage_lead_term, 0008 member_languages, 0009 contact_languages, 0010 chat_open_pages\n", first.Out);
        Assert.Contains("Applied now: 0001 initial, 0002 delivery_lease, 0003 sync, 0004 quartz_scheduler, 0005 usage_events, 0006 local_chat, 0007 usage_lead_term, 0008 member_languages, 0009 contact_languages, 0010 chat_open_pages.", first.Out);

        var again = Run(connection, "migrate");
        Assert.Equal(0, again.Exit);
        Assert.Matches(@"Applied: 0001 initial \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\), 0002 delivery_lease \(.*0003 sync \(.*0004 quartz_scheduler \(.*0005 usage_events \(.*0006 local_chat \(.*0007 usage_lead_term \(.*0008 member_languages \(.*0009 contact_languages \(.*0010 chat_open_pages \(", again.Out);
        Assert.Contains("Pending: none\n", again.Out);
        Assert.Contains("The schema is up to date (version 10).", again.Out);
    }

    [SkippableFact]
    public void Hosts_starting_together_on_a_new_database_apply_the_schema_once()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        var stores = Enumerable.Range(0, 4).Select(_ => new PostgresStore(connection)).ToArray();

        Parallel.ForEach(stores, s => s.EnsureReady());

        var (applied, pending) = stores[0].MigrationState();
        Assert.Equal(SuccessBot.Storage.Postgres.Migrations.All.Select(m => m.Version), applied.Select(a => a.Version));
        Assert.Empty(pending);
        Assert.Single(stores.Select(s => s.StoreId).Distinct());
        foreach (var store in stores) store.Dispose();
    }

    [SkippableFact]
    public void Migrate_from_litedb_copies_every_row_into_an_empty_database_and_refuses_a_non_empty_one()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        DemoStore.Create(_folder.Store, seed: 7, today);
        // What the hosts on the file did: a ledger, surveys, an audit trail, a Slack retry remembered, a Teams reference, languages.
        var onFile = TheProgram.Run(_folder, [], "check", "all");
        Assert.Equal(0, onFile.Exit);
        using (var file = new SuccessBot.Storage.LiteDbStore(_folder.Store))
        {
            file.SlackEvents.FirstTime("Ev123", DateTimeOffset.UtcNow, TimeSpan.FromDays(2));
            file.TeamsReferences.Save(new Core.Storage.StoredReference("ana@example.com", """{"serviceUrl":"https://smba.example/","userId":"29:u1"}"""), []);
            file.MemberLanguages.Save("ana@example.com", "de");
            file.ContactLanguages.Save([new("ops@customer.example", "pt-BR"), new("cfo@customer.example", "fr")]);
        }

        var copy = Run(connection, "migrate", "--from-litedb", _folder.Store);

        Assert.Equal(0, copy.Exit);
        foreach (var table in new[] { "accounts", "mrr_history", "usage", "nps", "nudges", "signals", "surveys", "audit", "slack_event_ids", "teams_conversations", "member_languages", "contact_languages" })
            Assert.Matches($@"\n  {table}: ([1-9]\d*) of \1\n", copy.Out);
        Assert.Contains($"Copied {_folder.Store} into the database", copy.Out);
        foreach (var question in new[] { "churn last month", "nps last 90 days", "at-risk", "renewals next 30 days" })
            Assert.Equal(TheProgram.Run(_folder, [], "ask", question).Out, Run(connection, "ask", question).Out);
        var refused = Run(connection, "migrate", "--from-litedb", _folder.Store);
        Assert.Equal(1, refused.Exit);
        Assert.Contains("is not empty (its accounts table has rows); `migrate --from-litedb` copies into an empty database only.", refused.Err);
    }

    [SkippableFact]
    public async Task Migrate_from_litedb_counts_the_usage_events_the_old_host_logged_after_its_last_checkpoint_once()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        using var old = new TempFolder();
        DemoStore.Create(old.Store, seed: 42, IngestFactory.Today);
        var (account, user) = ("moving-" + Guid.NewGuid().ToString("N")[..8], "mo-" + Guid.NewGuid().ToString("N")[..8]);
        JsonObject Minutes(double minutes) => new() { ["minutes"] = minutes };
        using (var checkpointing = IngestFactory.On(old.Store))
        using (var segment = checkpointing.Segment())
        {
            var counted = SegmentPayloads.Batch([SegmentPayloads.Group(user, account, "Moving Co"), .. Enumerable.Range(0, 3).Select(_ => SegmentPayloads.Track(user, "Report Created", properties: Minutes(2)))]);
            Assert.Equal(HttpStatusCode.OK, (await segment.PostAsync("/v1/batch", SegmentPayloads.AsJson(counted))).StatusCode);
        }
        var late = SegmentPayloads.Track(user, "Export Run", properties: Minutes(3));
        var identify = new JsonObject
        {
            ["type"] = "identify", ["userId"] = user, ["messageId"] = Guid.NewGuid().ToString(), ["traits"] = new JsonObject { ["email"] = $"{user}@moving.example" },
            ["context"] = new JsonObject { ["locale"] = "de-CH" },
        };
        using var crashed = new TempFolder();
        // The old host checkpoints once an hour: what it takes now is in its event log only when its machine dies.
        using (var logging = IngestFactory.On(old.Store, publishSeconds: 3600))
        using (var segment = logging.Segment())
        {
            var answered = await segment.PostAsync("/v1/batch", SegmentPayloads.AsJson(SegmentPayloads.Batch(SegmentPayloads.Track(user, "Export Run", properties: Minutes(3)), late, identify)));
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            await (await logging.Services.GetRequiredService<ISchedulerFactory>().GetScheduler()).Shutdown(waitForJobsToComplete: true);
            TempFolder.Copy(Path.GetDirectoryName(old.Store)!, Path.GetDirectoryName(crashed.Store)!);
        }

        var copy = Run(connection, "migrate", "--from-litedb", crashed.Store);

        Assert.True(copy.Exit == 0, copy.Out + copy.Err);
        Assert.Contains("\n  ingest_events: 7 of 7\n", copy.Out);
        Assert.Contains("\n  usage events the old host had not counted: 3 of 3, counted now\n", copy.Out);
        Assert.Equal(5, PostgresServer.Count(connection, "SELECT sum(events) FROM ingest_days WHERE account = $1", account));
        Assert.Equal(12, PostgresServer.Count(connection, "SELECT minutes FROM usage WHERE account = $1 AND date = $2", account, IngestFactory.Today));
        // A host on the database counts none of them again, and takes a sender's retry of a logged event as the retry it is.
        using var host = StoreHost.OnPostgres(connection, ("Ingest:WriteKey", IngestFactory.WriteKey), ("Ingest:PublishSeconds", "0"), ("Ingest:FutureToleranceMinutes", "10"));
        Assert.Equal("de-CH", host.Services.GetRequiredService<Core.Chat.TeamSettings>().Contacts.Of($"{user}@moving.example"));
        using var toHost = host.CreateClient();
        toHost.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(IngestFactory.WriteKey + ":")));
        Assert.Equal(HttpStatusCode.OK, (await toHost.PostAsync("/v1/track", SegmentPayloads.AsJson(late.DeepClone()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await toHost.PostAsync("/v1/track", SegmentPayloads.AsJson(SegmentPayloads.Track(user, "Report Created", properties: Minutes(1))))).StatusCode);
        var waited = Stopwatch.StartNew();
        while (PostgresServer.Count(connection, "SELECT sum(events) FROM ingest_days WHERE account = $1", account) < 6 && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
        Assert.Equal(6, PostgresServer.Count(connection, "SELECT sum(events) FROM ingest_days WHERE account = $1", account));
        Assert.Equal(13, PostgresServer.Count(connection, "SELECT minutes FROM usage WHERE account = $1 AND date = $2", account, IngestFactory.Today));
    }

    [SkippableFact]
    public void A_wrong_password_a_missing_database_and_a_server_that_is_down_are_each_one_line_naming_the_connection()
    {
        var server = PostgresServer.Require();
        var connection = server.CreateDatabase();
        int freePort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            freePort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        foreach (var (settings, says) in new[]
        {
            (PostgresServer.WithWrongPassword(connection), "password authentication failed for user \"postgres\" (28P01)"),
            (server.Missing("nowhere"), "database \"nowhere\" does not exist (3D000)"),
            (new NpgsqlConnectionStringBuilder(connection) { Port = freePort }.ConnectionString, "Failed to connect to 127.0.0.1:" + freePort),
        })
        {
            var result = Run(settings, "ask", "churn last month");
            Assert.Equal(1, result.Exit);
            var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("Storage: PostgreSQL at 127.0.0.1:", line);
            Assert.Contains(says, line);
            Assert.DoesNotContain("Password=", line);
        }
    }
}
