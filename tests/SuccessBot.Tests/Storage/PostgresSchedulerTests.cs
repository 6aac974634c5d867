using Npgsql;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Storage;

/// <summary>Hosts on one PostgreSQL share Quartz's clustered job store: each scheduled run is made by one host of the cluster.</summary>
public sealed class PostgresSchedulerTests : IDisposable
{
    private readonly List<StoreHost> _hosts = [];

    public void Dispose()
    {
        foreach (var host in _hosts) host.Dispose();
    }

    private StoreHost Host(string connection)
    {
        var host = StoreHost.OnPostgres(connection);
        _hosts.Add(host);
        return host;
    }

    /// <summary>The lines the daily checks log when a run ends, on every host given.</summary>
    private static int ChecksRun(params StoreHost[] hosts) => hosts.Sum(h => h.Log.Lines.Count(l => l.StartsWith("Checks: ", StringComparison.Ordinal)));

    private async Task Until(Func<bool> done, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!done() && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
        Assert.True(done(), what + ":\n" + string.Join('\n', _hosts.SelectMany(h => h.Log.Entries).Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Information).Select(e => $"{e.Level} {e.Category} {e.Message} {e.Exception}")));
    }

    private static T Scalar<T>(string connection, string sql)
    {
        using var db = new NpgsqlConnection(connection);
        db.Open();
        using var command = new NpgsqlCommand(sql, db);
        return (T)command.ExecuteScalar()!;
    }

    [SkippableFact]
    public async Task The_daily_check_due_while_every_host_was_down_runs_once_when_two_hosts_come_back()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        // The cluster's first host puts the schedules into the database; then every host is stopped.
        var first = Host(connection);
        first.CreateClient();
        await Until(() => Scalar<long>(connection, "SELECT count(*) FROM qrtz_triggers WHERE trigger_name = 'daily-checks-cron'") == 1, "the checks are scheduled in the database");
        first.Dispose();
        Assert.Equal(0, ChecksRun(first));

        // The cluster stays down over the next 07:00: the stored trigger's last run is a day and more ago.
        var dayAgo = DateTimeOffset.UtcNow.AddHours(-26).UtcTicks;
        Assert.Equal(1L, Scalar<long>(connection, $"WITH moved AS (UPDATE qrtz_triggers SET prev_fire_time = {dayAgo}, next_fire_time = {dayAgo + TimeSpan.TicksPerHour} WHERE trigger_name = 'daily-checks-cron' RETURNING 1) SELECT count(*) FROM moved"));

        var (second, third) = (Host(connection), Host(connection));
        await Task.WhenAll(Task.Run(second.CreateClient), Task.Run(third.CreateClient));

        // One of the two runs the missed check (the misfire policy fires it once), the other does not run it as well.
        await Until(() => ChecksRun(second, third) >= 1, "a host that comes back runs the check missed while the cluster was down");
        await Until(() => Scalar<long>(connection, "SELECT count(*) FROM qrtz_fired_triggers WHERE job_name = 'daily-checks'") == 0, "the run ends");
        var next = new DateTimeOffset(Scalar<long>(connection, "SELECT next_fire_time FROM qrtz_triggers WHERE trigger_name = 'daily-checks-cron'"), TimeSpan.Zero);
        Assert.True(next > DateTimeOffset.UtcNow, $"the next check is at the next cron time, not {next:u}");
        Assert.Equal(1, ChecksRun(second, third));
    }
}
