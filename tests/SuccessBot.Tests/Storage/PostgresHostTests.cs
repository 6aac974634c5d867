using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using SuccessBot.Core.Storage;
using SuccessBot.Import;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;
using SuccessBot.Tests.Web;

namespace SuccessBot.Tests.Storage;

/// <summary>The hosts a test started, stopped with it.</summary>
public sealed class StartedHosts : IDisposable
{
    private readonly List<IDisposable> _hosts = [];

    /// <summary>The host, started (its first client starts it).</summary>
    public StoreHost Start(StoreHost host)
    {
        Keep(host);
        host.CreateClient();
        return host;
    }

    public void Keep(IDisposable host) => _hosts.Add(host);

    public void Dispose()
    {
        foreach (var host in _hosts) host.Dispose();
    }
}

/// <summary>A real host (the whole ASP.NET pipeline) on the store its settings name, with a folder of its own for the snapshot.</summary>
public sealed class StoreHost(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    public const string Manager = "boss@example.com";
    private readonly TempFolder _folder = new();

    private TimeProvider? _clock;

    public LogLines Log { get; } = new();

    /// <summary>The host with a clock of the test's (set before it starts).</summary>
    public StoreHost WithClock(TimeProvider clock)
    {
        _clock = clock;
        return this;
    }

    public static StoreHost OnPostgres(string connection, params (string Key, string? Value)[] more) =>
        new(new Dictionary<string, string?>(more.Select(m => KeyValuePair.Create(m.Key, m.Value))) { ["Storage:Provider"] = "postgres", ["ConnectionStrings:SuccessBot"] = connection });

    public static StoreHost OnLiteDb(string path, params (string Key, string? Value)[] more) =>
        new(new Dictionary<string, string?>(more.Select(m => KeyValuePair.Create(m.Key, m.Value))) { ["Storage:Path"] = path });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Path", _folder.Store);
        builder.UseSetting("Checks:QuietHours", "off");
        builder.UseSetting("Team:Managers:0", Manager);
        builder.UseSetting("Storage:PollSeconds", "0.2");
        // No surveys from the run at start: the answers compared must not depend on whether that run had finished.
        builder.UseSetting("Nps:MaxPerDay", "0");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(l => l.AddProvider(Log));
        if (_clock is { } clock) builder.ConfigureTestServices(s => s.AddSingleton(clock));
        builder.StopsAfterItsJobs();
    }

    /// <summary>The reply the local chat gives the manager, as JSON.</summary>
    public async Task<JsonElement> Ask(string text, HttpClient? client = null)
    {
        var response = await (client ?? CreateClient()).PostAsJsonAsync("/chat/messages", new { @as = Manager, text });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>())[1].GetProperty("reply");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }
}

/// <summary>Hosts on a real PostgreSQL: the same answers as on LiteDB, one database shared by two hosts, and its faults said plainly.</summary>
public sealed class PostgresHostTests : IDisposable
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private readonly TempFolder _folder = new();
    private readonly StartedHosts _hosts = new();

    public void Dispose()
    {
        _hosts.Dispose();
        _folder.Dispose();
    }

    /// <summary>A small book as CSVs: accounts (some churned last month, some renewing soon), 60 days of usage, NPS answers.</summary>
    private (string Accounts, string Usage, string Nps) Csvs()
    {
        var lastMonth = Today.AddMonths(-1);
        var accounts = new List<string> { "account_id,name,owner_email,mrr,started_on,renewal_on,canceled_on,churn_reason,contact_emails,plan" };
        var usage = new List<string> { "account_id,date,active_users,sessions,minutes,features" };
        var nps = new List<string> { "account_id,contact_email,score,comment,answered_at" };
        for (var i = 1; i <= 12; i++)
        {
            var canceled = i % 5 == 0 ? $"{new DateOnly(lastMonth.Year, lastMonth.Month, 10):yyyy-MM-dd}" : "";
            var renewal = i % 4 == 0 ? $"{Today.AddDays(3 * i):yyyy-MM-dd}" : "";
            accounts.Add($"a{i},Account {i},{(i % 2 == 0 ? "ana" : "ben")}@example.com,{100 * i}.50,2024-0{1 + i % 9}-01,{renewal},{canceled},{(canceled == "" ? "" : "price")},c{i}@customer.example,{(i % 3 == 0 ? "pro" : "basic")}");
            for (var d = 0; d < 60; d++)
                if (canceled == "" || d > 25) usage.Add($"a{i},{Today.AddDays(-d):yyyy-MM-dd},{(i * 7 + d) % 13},{i + d % 5},{30 + d},{(d % 2 == 0 ? "reports;export" : "reports")}");
            nps.Add($"a{i},c{i}@customer.example,{i % 11},\"comment {i}\",{Today.AddDays(-i):yyyy-MM-dd}");
        }
        return (_folder.File("accounts.csv", string.Join('\n', accounts)), _folder.File("usage.csv", string.Join('\n', usage)), _folder.File("nps.csv", string.Join('\n', nps)));
    }

    private static void Import(IBookStore store, (string Accounts, string Usage, string Nps) csv)
    {
        Importers.ImportAccounts(store, csv.Accounts, Today);
        Importers.ImportUsage(store, csv.Usage);
        Importers.ImportNps(store, csv.Nps);
    }

    [SkippableFact]
    public async Task A_host_on_PostgreSQL_answers_every_question_as_a_host_on_LiteDB_for_the_same_imported_CSVs()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        var csv = Csvs();
        var liteDb = Path.Combine(_folder.Path, "lite", "successbot.db");
        using (var store = new SuccessBot.Storage.LiteDbStore(liteDb)) Import(store.Book, csv);
        using (var store = new SuccessBot.Storage.Postgres.PostgresStore(connection)) Import(store.Book, csv);
        var onLiteDb = _hosts.Start(StoreHost.OnLiteDb(liteDb));
        var onPostgres = _hosts.Start(StoreHost.OnPostgres(connection));

        foreach (var question in new[] { "churn last month", "retention last quarter", "nps last 90 days", "renewals next 60 days", "at-risk", "health Account 4", "adoption last 30 days", "clv", "churn trend" })
            Assert.Equal((await onLiteDb.Ask(question)).ToString(), (await onPostgres.Ask(question)).ToString());

        var churn = await onPostgres.Ask("churn last month");
        Assert.StartsWith("16.7% logo churn: 2 of 12 accounts", churn.GetProperty("summary").GetString());
        var health = await onPostgres.CreateClient().GetFromJsonAsync<JsonElement>("/healthz");
        Assert.Equal(("ok", "postgres", 12), (health.GetProperty("status").GetString(), health.GetProperty("storage").GetProperty("provider").GetString(),
            health.GetProperty("storage").GetProperty("accounts").GetInt32()));
        Assert.Contains($"database {new NpgsqlConnectionStringBuilder(connection).Database}", health.GetProperty("storage").GetProperty("path").GetString());
    }

    [SkippableFact]
    public async Task An_import_through_one_host_is_answered_by_another_host_on_the_same_database()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        var first = _hosts.Start(StoreHost.OnPostgres(connection));
        var second = _hosts.Start(StoreHost.OnPostgres(connection));
        Assert.DoesNotContain("of 12 accounts", (await second.Ask("churn last month")).ToString());

        Import(first.Services.GetRequiredService<IBookStore>(), Csvs());

        // The other host follows the shared change table: it answers from the import without a restart.
        var written = first.Services.GetRequiredService<IChangeFeed>().DataVersion;
        var follower = second.Services.GetRequiredService<SuccessBot.Host.BookReadModel>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (follower.Version < written && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
        var answer = await second.Ask("churn last month");
        Assert.StartsWith("16.7% logo churn: 2 of 12 accounts", answer.GetProperty("summary").GetString());
        foreach (var question in new[] { "health Account 4", "nps last 90 days", "at-risk" })
            Assert.Equal((await first.Ask(question)).ToString(), (await second.Ask(question)).ToString());
    }

    [SkippableFact]
    public async Task A_commit_through_one_host_wakes_the_other_hosts_read_model_without_waiting_for_its_poll()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        // Polls an hour apart: only the notification can bring the import to the other host during this test.
        var first = _hosts.Start(StoreHost.OnPostgres(connection, ("Storage:PollSeconds", "3600")));
        var second = _hosts.Start(StoreHost.OnPostgres(connection, ("Storage:PollSeconds", "3600")));
        var follower = second.Services.GetRequiredService<SuccessBot.Host.BookReadModel>();
        var before = follower.Version;

        Import(first.Services.GetRequiredService<IBookStore>(), Csvs());

        var written = first.Services.GetRequiredService<IChangeFeed>().DataVersion;
        Assert.True(written > before);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (follower.Version < written && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
        Assert.Equal(written, follower.Version);
        Assert.StartsWith("16.7% logo churn: 2 of 12 accounts", (await second.Ask("churn last month")).GetProperty("summary").GetString());
    }

    [SkippableFact]
    public async Task A_host_on_PostgreSQL_makes_its_snapshots_folder_and_serves_on_when_the_folder_is_lost()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        var folder = Path.Combine(_folder.Path, "not", "made", "yet");
        var path = Path.Combine(folder, "successbot.db");
        var host = _hosts.Start(StoreHost.OnPostgres(connection, ("Storage:Path", path), ("Storage:SnapshotSeconds", "0")));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(path + ".book") && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
        Assert.True(File.Exists(path + ".book"), string.Join('\n', host.Log.Lines));

        // The folder is swept away under the host, and a file takes its place: no snapshot can be written now.
        Directory.Delete(folder, recursive: true);
        File.WriteAllText(folder, "in the way");
        Import(host.Services.GetRequiredService<IBookStore>(), Csvs());

        var written = host.Services.GetRequiredService<IChangeFeed>().DataVersion;
        var model = host.Services.GetRequiredService<SuccessBot.Host.BookReadModel>();
        while ((model.Version < written || !Refused(host)) && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
        Assert.True(Refused(host), string.Join('\n', host.Log.Lines));
        Assert.StartsWith("16.7% logo churn: 2 of 12 accounts", (await host.Ask("churn last month")).GetProperty("summary").GetString());
        Assert.Equal(HttpStatusCode.OK, (await host.CreateClient().GetAsync("/healthz")).StatusCode);

        static bool Refused(StoreHost host) => host.Log.Entries.Any(e => e.Level == LogLevel.Warning
            && e.Message.StartsWith("Snapshot of the book not written beside the store: ", StringComparison.Ordinal) && e.Message.EndsWith("a start without a snapshot reads the whole store.", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Healthz_says_503_storage_unreadable_when_the_database_goes_away()
    {
        var server = PostgresServer.Require();
        var connection = server.CreateDatabase();
        var host = _hosts.Start(StoreHost.OnPostgres(connection));
        var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        server.Drop(new NpgsqlConnectionStringBuilder(connection).Database!);

        var response = await client.GetAsync("/healthz");
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, string.Join('\n', host.Log.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.Category} {e.Message} {e.Exception}")));
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("storage unreadable", false), (health.GetProperty("status").GetString(), health.GetProperty("storage").GetProperty("readable").GetBoolean()));
        // The read model still answers from its version; how far the feed is ahead cannot be read.
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (health.GetProperty("readModel").GetProperty("feedVersion").ValueKind, health.GetProperty("readModel").GetProperty("lagSeconds").ValueKind));
        Assert.Equal("running", health.GetProperty("scheduler").GetProperty("state").GetString());
    }

    [SkippableFact]
    public async Task Clustered_hosts_whose_database_is_dropped_stop_within_seconds_each_saying_how_its_scheduler_ended()
    {
        var server = PostgresServer.Require();
        var connection = server.CreateDatabase();
        // Three hosts: whether Quartz's own shutdown hangs depends on where its threads are when the database goes.
        var hosts = Enumerable.Range(0, 3).Select(_ => StoreHost.OnPostgres(connection, ("Logging:LogLevel:Quartz.Core.QuartzScheduler", "Information"))).ToArray();
        foreach (var host in hosts)
        {
            _hosts.Keep(host);
            Assert.Equal(HttpStatusCode.OK, (await host.CreateClient().GetAsync("/healthz")).StatusCode);
        }

        server.Drop(new NpgsqlConnectionStringBuilder(connection).Database!);
        // Each scheduler meets the missing database and retries it until it comes back.
        await Task.Delay(TimeSpan.FromSeconds(8));
        var stopping = Task.WhenAll(hosts.Select(h => Task.Run(h.Dispose)));

        Assert.True(await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(30))) == stopping, "a host did not stop within 30 s");
        foreach (var host in hosts)
            Assert.True(host.Log.Entries.Any(e => e.Message.EndsWith(" shutdown complete.", StringComparison.OrdinalIgnoreCase) || (e.Level == LogLevel.Warning
                && e.Message == "Scheduler: Quartz did not stop within 5 s (it cannot reach its database); the host stops without it, and the cluster's other hosts take over its runs.")),
                string.Join('\n', host.Log.Entries.Where(e => e.Category.Contains("Scheduler")).Select(e => e.Message)));
    }

    [SkippableFact]
    public async Task A_host_started_before_its_database_exists_says_so_in_one_line_tries_again_and_starts_when_it_appears()
    {
        var server = PostgresServer.Require();
        var name = "late" + Guid.NewGuid().ToString("N")[..12];
        var host = StoreHost.OnPostgres(server.Missing(name), ("Storage:RetryMaxSeconds", "2"));
        _hosts.Keep(host);

        var starting = Task.Run(host.CreateClient);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Said(host).Length < 2 && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
        server.Create(name);
        var client = await starting;

        var lines = Said(host);
        Assert.True(lines.Length >= 2, string.Join('\n', host.Log.Lines));
        Assert.All(lines, l => Assert.Null(l.Exception));
        Assert.StartsWith($"Store: PostgreSQL at 127.0.0.1:", lines[0].Message);
        Assert.Contains($"database {name}, user postgres: database \"{name}\" does not exist (3D000); trying again in 1 s.", lines[0].Message);
        // The wait doubles, up to Storage:RetryMaxSeconds.
        Assert.EndsWith("trying again in 2 s.", lines[1].Message);
        Assert.DoesNotContain('\n', lines[0].Message);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    private static LogEntry[] Said(StoreHost host) => host.Log.Entries.Where(e => e.Level == LogLevel.Error && e.Message.StartsWith("Store: ")).ToArray();
}
