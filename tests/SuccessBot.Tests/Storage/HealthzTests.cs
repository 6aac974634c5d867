using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SuccessBot.Core.Storage;
using SuccessBot.Import;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Storage;

/// <summary>What `/healthz` says of the read model's lag behind the change feed and of the scheduler, on LiteDB and on PostgreSQL.</summary>
public sealed class HealthzTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly StartedHosts _hosts = new();

    public void Dispose()
    {
        _hosts.Dispose();
        _folder.Dispose();
    }

    private static async Task<JsonElement> Health(StoreHost host)
    {
        var response = await host.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> Until(StoreHost host, Func<JsonElement, bool> done, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var health = await Health(host);
        while (!done(health) && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
            health = await Health(host);
        }
        Assert.True(done(health), $"{what}: {health}");
        return health;
    }

    private static (long Version, long? Feed, long? Behind, double? LagSeconds) ReadModel(JsonElement health)
    {
        var model = health.GetProperty("readModel");
        static long? Number(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetInt64();
        var lag = model.GetProperty("lagSeconds");
        return (model.GetProperty("version").GetInt64(), Number(model.GetProperty("feedVersion")), Number(model.GetProperty("behind")), lag.ValueKind == JsonValueKind.Null ? null : lag.GetDouble());
    }

    private string OneAccount(string id) =>
        _folder.File($"{id}.csv", $"account_id,name,owner_email,mrr,started_on\n{id},Account {id},ana@example.com,100,2024-01-01\n");

    [Fact]
    public async Task On_LiteDB_healthz_says_how_many_changes_the_read_model_has_not_applied_yet_and_that_the_scheduler_runs_on_its_own()
    {
        // Polls an hour apart: what the test writes into the store stays unapplied until the read model is asked to follow.
        var host = _hosts.Start(StoreHost.OnLiteDb(_folder.Store, ("Storage:PollSeconds", "3600")));
        var before = await Health(host);
        Assert.Equal((0L, 0.0), (ReadModel(before).Behind!.Value, ReadModel(before).LagSeconds!.Value));

        Importers.ImportAccounts(host.Services.GetRequiredService<IBookStore>(), OneAccount("a1"), DateOnly.FromDateTime(DateTime.UtcNow));
        Importers.ImportAccounts(host.Services.GetRequiredService<IBookStore>(), OneAccount("a2"), DateOnly.FromDateTime(DateTime.UtcNow));

        var written = host.Services.GetRequiredService<IChangeFeed>().DataVersion;
        var behind = ReadModel(await Health(host));
        Assert.Equal((ReadModel(before).Version, written, written - ReadModel(before).Version), (behind.Version, behind.Feed!.Value, behind.Behind!.Value));
        Assert.True(behind.Behind >= 2, $"two imports wrote at least two changes, not {behind.Behind}");
        Assert.True(behind.LagSeconds >= 0, $"the age of the oldest change not applied, not {behind.LagSeconds}");
        // The age grows while nothing applies it.
        await Until(host, h => ReadModel(h).LagSeconds >= 1, "the lag in seconds grows while the change waits");

        host.Services.GetRequiredService<SuccessBot.Host.BookReadModel>().Refresh();
        var caughtUp = await Health(host);
        Assert.Equal((behind.Feed!.Value, 0L, 0.0), (ReadModel(caughtUp).Version, ReadModel(caughtUp).Behind!.Value, ReadModel(caughtUp).LagSeconds!.Value));
        Assert.Equal(2, caughtUp.GetProperty("storage").GetProperty("accounts").GetInt32());
        var scheduler = caughtUp.GetProperty("scheduler");
        Assert.Equal(("running", false, JsonValueKind.Null), (scheduler.GetProperty("state").GetString(), scheduler.GetProperty("clustered").GetBoolean(), scheduler.GetProperty("nodes").ValueKind));
        Assert.False(string.IsNullOrEmpty(scheduler.GetProperty("instanceId").GetString()));
    }

    [SkippableFact]
    public async Task On_PostgreSQL_healthz_says_the_age_of_a_change_not_yet_applied_and_lists_the_clustered_schedulers_nodes()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        var first = _hosts.Start(StoreHost.OnPostgres(connection, ("Storage:PollSeconds", "3600")));
        var second = _hosts.Start(StoreHost.OnPostgres(connection, ("Storage:PollSeconds", "3600")));

        // Both nodes check in to the cluster; each names itself and sees the other alive.
        var health = await Until(first, h => h.GetProperty("scheduler").GetProperty("nodes") is { ValueKind: JsonValueKind.Array } n
            && n.GetArrayLength() == 2 && n.EnumerateArray().All(node => node.GetProperty("state").GetString() == "alive"), "two alive nodes");
        var scheduler = health.GetProperty("scheduler");
        Assert.Equal(("running", true), (scheduler.GetProperty("state").GetString(), scheduler.GetProperty("clustered").GetBoolean()));
        var nodes = scheduler.GetProperty("nodes").EnumerateArray().ToArray();
        Assert.True(nodes[0].GetProperty("current").GetBoolean());
        Assert.Equal(scheduler.GetProperty("instanceId").GetString(), nodes[0].GetProperty("instanceId").GetString());
        var other = (await Health(second)).GetProperty("scheduler").GetProperty("instanceId").GetString();
        Assert.NotEqual(scheduler.GetProperty("instanceId").GetString(), other);
        Assert.Equal(other, nodes[1].GetProperty("instanceId").GetString());

        // An import written beside both hosts: each is woken by the notification and says it is caught up.
        Importers.ImportAccounts(first.Services.GetRequiredService<IBookStore>(), OneAccount("a1"), DateOnly.FromDateTime(DateTime.UtcNow));
        var written = first.Services.GetRequiredService<IChangeFeed>().DataVersion;
        foreach (var host in new[] { first, second })
        {
            var caughtUp = ReadModel(await Until(host, h => ReadModel(h).Version == written, "each host follows the import"));
            Assert.Equal((written, 0L, 0.0), (caughtUp.Feed!.Value, caughtUp.Behind!.Value, caughtUp.LagSeconds!.Value));
        }

        // A change committed 40 s ago (the same entry again: applying it twice changes nothing) without the notification that
        // would wake the hosts, as a host's lost LISTEN line leaves it: both say how old the change they have not applied is.
        using (var db = new NpgsqlConnection(connection))
        {
            db.Open();
            using var late = new NpgsqlCommand($"INSERT INTO changes (seq, at, entry) SELECT seq + 1, now() - interval '40 seconds', entry FROM changes WHERE seq = {written}; UPDATE meta SET value = '{written + 1}' WHERE key = 'version'", db);
            late.ExecuteNonQuery();
        }
        foreach (var host in new[] { first, second })
        {
            var lagging = ReadModel(await Health(host));
            Assert.Equal((written, written + 1, 1L), (lagging.Version, lagging.Feed!.Value, lagging.Behind!.Value));
            Assert.True(lagging.LagSeconds >= 40, $"the change is 40 s old, not {lagging.LagSeconds}");
        }
    }
}
