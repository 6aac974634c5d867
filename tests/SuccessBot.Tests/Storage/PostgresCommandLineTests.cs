using System.Net;
using System.Net.Sockets;
using Npgsql;
using SuccessBot.Demo;
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
        Assert.Contains("Pending: 0001 initial, 0002 delivery_lease, 0003 sync, 0004 quartz_scheduler, 0005 usage_events, 0006 local_chat\n", first.Out);
        Assert.Contains("Applied now: 0001 initial, 0002 delivery_lease, 0003 sync, 0004 quartz_scheduler, 0005 usage_events, 0006 local_chat.", first.Out);

        var again = Run(connection, "migrate");
        Assert.Equal(0, again.Exit);
        Assert.Matches(@"Applied: 0001 initial \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\), 0002 delivery_lease \(.*0003 sync \(.*0004 quartz_scheduler \(.*0005 usage_events \(.*0006 local_chat \(", again.Out);
        Assert.Contains("Pending: none\n", again.Out);
        Assert.Contains("The schema is up to date (version 6).", again.Out);
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
        // What the hosts on the file did: a ledger, surveys, an audit trail, a Slack retry remembered, a Teams reference.
        var onFile = TheProgram.Run(_folder, [], "check", "all");
        Assert.Equal(0, onFile.Exit);
        using (var file = new SuccessBot.Storage.LiteDbStore(_folder.Store))
        {
            file.SlackEvents.FirstTime("Ev123", DateTimeOffset.UtcNow, TimeSpan.FromDays(2));
            file.TeamsReferences.Save(new Core.Storage.StoredReference("ana@example.com", """{"serviceUrl":"https://smba.example/","userId":"29:u1"}"""), []);
        }

        var copy = Run(connection, "migrate", "--from-litedb", _folder.Store);

        Assert.Equal(0, copy.Exit);
        foreach (var table in new[] { "accounts", "mrr_history", "usage", "nps", "nudges", "signals", "surveys", "audit", "slack_event_ids", "teams_conversations" })
            Assert.Matches($@"\n  {table}: ([1-9]\d*) of \1\n", copy.Out);
        Assert.Contains($"Copied {_folder.Store} into the database", copy.Out);
        foreach (var question in new[] { "churn last month", "nps last 90 days", "at-risk", "renewals next 30 days" })
            Assert.Equal(TheProgram.Run(_folder, [], "ask", question).Out, Run(connection, "ask", question).Out);
        var refused = Run(connection, "migrate", "--from-litedb", _folder.Store);
        Assert.Equal(1, refused.Exit);
        Assert.Contains("is not empty (its accounts table has rows); `migrate --from-litedb` copies into an empty database only.", refused.Err);
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
