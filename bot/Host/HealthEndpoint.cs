using Quartz;
using SuccessBot.Core.Storage;

namespace SuccessBot.Host;

/// <summary>
/// `GET /healthz`: the store (provider, where, reachable), the read model's lag behind the change feed (versions, and the age
/// of the oldest change not yet applied), and the scheduler (running or not, clustered, this instance's id). 200 when the store
/// answers and the book is loaded, else 503; a lag or a scheduler in standby is reported, not failed, as answers still come.
/// </summary>
public static class HealthEndpoint
{
    public static void MapHealth(this WebApplication app) => app.MapGet("/healthz", async (IChangeFeed feed, StoreDescription where, BookReadModel model, ISchedulerFactory schedulers, CancellationToken cancel) =>
    {
        var version = model.Version;
        long? feedVersion = null;
        double? lagSeconds = null;
        try
        {
            feedVersion = feed.DataVersion;
            // The oldest change this host has not applied: how far behind the other hosts' (or a verb's) writes its answers are.
            lagSeconds = feedVersion > version && model.IsReady ? feed.AgeOf(version + 1) is { } age ? Math.Max(0, Math.Round(age.TotalSeconds, 1)) : null : 0;
        }
        catch (Exception e) when (feed.IsStoreFault(e)) { }
        var readable = feedVersion is not null;
        var scheduler = await schedulers.GetScheduler(cancel);
        var about = await scheduler.GetMetadata(cancel);
        var body = new
        {
            status = !readable ? "storage unreadable" : !model.IsReady ? "starting" : "ok",
            storage = new { provider = where.Provider, path = where.Where, readable, dataVersion = version, accounts = model.Current.Count },
            readModel = new { version, feedVersion, behind = feedVersion - version, lagSeconds },
            scheduler = new
            {
                state = State(about.Status),
                clustered = about.JobStoreClustered,
                instanceId = about.SchedulerInstanceId,
                nodes = about.JobStoreClustered ? await Nodes(scheduler, cancel) : null,
            },
        };
        return Results.Json(body, statusCode: readable && model.IsReady ? 200 : 503);
    });

    private static string State(SchedulerStatus status) => status switch
    {
        SchedulerStatus.Created => "not started",
        SchedulerStatus.Running => "running",
        SchedulerStatus.Standby => "standby",
        SchedulerStatus.ShuttingDown or SchedulerStatus.Shutdown => "shut down",
        _ => "unknown",
    };

    /// <summary>The cluster's members as this node reads their check-ins (this one first); null when the database does not answer.</summary>
    private static async Task<object[]?> Nodes(IScheduler scheduler, CancellationToken cancel)
    {
        try
        {
            var nodes = await scheduler.QueryClusterNodes(cancel);
            return nodes.Select(n => (object)new { instanceId = n.InstanceId, state = n.State.ToString().ToLowerInvariant(), lastCheckIn = n.LastCheckInUtc, current = n.IsCurrentNode }).ToArray();
        }
        catch (SchedulerException) { return null; }
    }
}
