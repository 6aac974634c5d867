using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using Quartz;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;

namespace SuccessBot.Scheduling;

/// <summary>The daily checks: decide and record today's nudges (idempotent, so a run at start catches up after downtime).</summary>
[DisallowConcurrentExecution]
public sealed class DailyChecksJob(NudgeService nudges, IBookSource books, IHostApplicationLifetime host, ILogger<DailyChecksJob> log) : IJob
{
    public static readonly JobKey Key = new("daily-checks");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancel)
    {
        // A run still going when the host stops would keep the store open under its shutdown: it stops between two slices.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancel, host.ApplicationStopping);
        try
        {
            // A check over a book still loading would miss accounts: the run at start waits for it.
            await books.WhenReady.WaitAsync(stopping.Token);
            var summary = nudges.Check(CheckKind.All, stopping.Token);
            log.LogInformation("Checks: {Decided} reasons to nudge today, {Recorded} new cards (one per account and person).", summary.Decided, summary.Recorded);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            log.LogInformation("Checks stopped with the host; the next start checks the accounts not reached.");
        }
    }
}

/// <summary>Delivers pending nudges, retrying failed ones with back-off; the ledger says what is pending.</summary>
[DisallowConcurrentExecution]
public sealed class DeliverNudgesJob(NudgeService nudges, IBookSource books, IHostApplicationLifetime host, ILogger<DeliverNudgesJob> log) : IJob
{
    public static readonly JobKey Key = new("deliver-nudges");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancel)
    {
        // Quartz lets a running job finish when the host stops, and the store closes after a while anyway: a long
        // delivery stops between two nudges instead, and what it did not reach stays pending for the next start.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancel, host.ApplicationStopping);
        try
        {
            // Cards name figures from the book, and a start's load of a large book needs the cores: delivery waits for it.
            await books.WhenReady.WaitAsync(stopping.Token);
            var delivered = await nudges.DeliverDueAsync(stopping.Token);
            if (delivered > 0) log.LogInformation("Delivered {Count} nudges.", delivered);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            log.LogInformation("Delivery stopped with the host; the nudges not sent stay pending.");
        }
    }
}

/// <summary>The weekly manager digest.</summary>
[DisallowConcurrentExecution]
public sealed class ManagerDigestJob(NudgeService nudges, IBookSource books) : IJob
{
    public static readonly JobKey Key = new("manager-digest");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancel)
    {
        await books.WhenReady.WaitAsync(cancel);
        nudges.SendDigests();
    }
}

/// <summary>The NPS campaign: today's due contacts get a survey (trickled by `Nps:MaxPerDay`); delivery is the ledger's.</summary>
[DisallowConcurrentExecution]
public sealed class NpsCampaignJob(SurveyService surveys, IBookSource books, ILogger<NpsCampaignJob> log) : IJob
{
    public static readonly JobKey Key = new("nps-campaign");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancel)
    {
        await books.WhenReady.WaitAsync(cancel);
        var sent = surveys.SendDue(AuditEntry.Scheduler, AuditChannels.Scheduler);
        if (sent > 0) log.LogInformation("NPS: {Count} surveys sent.", sent);
    }
}

/// <summary>The Stripe sync on `Stripe:SyncCron` (hourly): what changed since the last run; a failure is logged and the next run goes on.</summary>
[DisallowConcurrentExecution]
public sealed class StripeSyncJob(Sync.StripeSync sync, IHostApplicationLifetime host, ILogger<StripeSyncJob> log) : IJob
{
    public static readonly JobKey Key = new("stripe-sync");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancel)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancel, host.ApplicationStopping);
        try
        {
            var report = await sync.RunAsync(full: false, stopping.Token);
            log.LogInformation("{Report}", report);
        }
        catch (Sync.SyncFailed failed)
        {
            log.LogError("Stripe sync stopped: {Problem}; the next run goes on from there.", failed.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            log.LogInformation("Stripe sync stopped with the host; the next run reads what it did not.");
        }
    }
}

/// <summary>The HubSpot sync on `HubSpot:SyncCron` (hourly, at half past): the companies modified since the last run.</summary>
[DisallowConcurrentExecution]
public sealed class HubSpotSyncJob(Sync.HubSpotSync sync, ILogger<HubSpotSyncJob> log) : IJob
{
    public static readonly JobKey Key = new("hubspot-sync");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancel)
    {
        try
        {
            log.LogInformation("{Report}", await sync.RunAsync(full: false, cancel));
        }
        catch (Sync.SyncFailed failed)
        {
            log.LogError("HubSpot sync stopped: {Problem}; the next run goes on from there.", failed.Message);
        }
    }
}

public static class Scheduler
{
    public const string DefaultChecksCron = "0 0 7 * * ?", DefaultNpsCron = "0 0 10 * * ?", DefaultDigestCron = "0 0 8 ? * MON";

    /// <summary>
    /// Quartz with the checks on their cron schedule (and once at start), and delivery every few seconds. On PostgreSQL the
    /// schedules live in the database (Quartz's clustered ADO.NET job store, its tables made by the store's migrations): each run
    /// is taken by one host of the cluster, and a run due while every host was down runs once when the first comes back.
    /// </summary>
    public static void AddSuccessBotScheduler(this IServiceCollection services, IConfiguration config, TimeZoneInfo zone)
    {
        var cron = Cron(config, "Checks:Cron", DefaultChecksCron);
        var digestCron = Cron(config, "Checks:DigestCron", DefaultDigestCron);
        var npsCron = Cron(config, "Nps:Cron", DefaultNpsCron);
        var deliverEvery = TimeSpan.FromSeconds(Settings.Number(config, "Checks:DeliverySeconds", 5.0));
        var stripe = Sync.StripeSettings.From(config);
        var clustered = Clustered(config);
        var hubSpot = Sync.HubSpotSettings.From(config);
        services.AddQuartz(q =>
        {
            if (clustered) q.UsePersistentStore(store =>
            {
                store.UsePostgres(Settings.PostgresConnection(config));
                store.UseClustering();
            });
            q.AddJob<DailyChecksJob>(j => j.WithIdentity(DailyChecksJob.Key).StoreDurably());
            q.AddJob<ManagerDigestJob>(j => j.WithIdentity(ManagerDigestJob.Key).StoreDurably());
            q.AddJob<NpsCampaignJob>(j => j.WithIdentity(NpsCampaignJob.Key).StoreDurably());
            q.AddJob<DeliverNudgesJob>(j => j.WithIdentity(DeliverNudgesJob.Key).StoreDurably());
            if (stripe.CanSync) q.AddJob<StripeSyncJob>(j => j.WithIdentity(StripeSyncJob.Key).StoreDurably());
            if (hubSpot.CanSync) q.AddJob<HubSpotSyncJob>(j => j.WithIdentity(HubSpotSyncJob.Key).StoreDurably());
        });
        services.AddSingleton(new Schedules(clock =>
        {
            ITrigger Daily(JobKey job, string name, string expression) => TriggerBuilder.Create(clock).ForJob(job).WithIdentity(name)
                .WithCronSchedule(expression, s => s.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)).Build();
            var triggers = new List<ITrigger>
            {
                Daily(DailyChecksJob.Key, "daily-checks-cron", cron),
                Daily(ManagerDigestJob.Key, "manager-digest-cron", digestCron),
                Daily(NpsCampaignJob.Key, "nps-campaign-cron", npsCron),
                TriggerBuilder.Create(clock).ForJob(DeliverNudgesJob.Key).WithIdentity("deliver-nudges-every").StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(deliverEvery).RepeatForever()).Build(),
            };
            if (stripe.CanSync) triggers.Add(Daily(StripeSyncJob.Key, "stripe-sync-cron", stripe.SyncCron));
            if (hubSpot.CanSync) triggers.Add(Daily(HubSpotSyncJob.Key, "hubspot-sync-cron", hubSpot.SyncCron));
            // One host runs the checks and surveys at its start, to catch up after downtime; a cluster has the misfire policy for
            // that instead (a run due while every host was down fires once when one comes back), so that no start repeats a run.
            if (!clustered)
            {
                triggers.Add(TriggerBuilder.Create(clock).ForJob(DailyChecksJob.Key).WithIdentity("daily-checks-at-start").StartNow().Build());
                triggers.Add(TriggerBuilder.Create(clock).ForJob(NpsCampaignJob.Key).WithIdentity("nps-campaign-at-start").StartNow().Build());
            }
            return triggers;
        }));
        // Before Quartz's own hosted service starts the scheduler: the triggers are in its store when it starts.
        services.AddHostedService<ScheduleTriggers>();
        if (clustered) services.AddHostedService<ClusteredScheduler>();
        else services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
    }

    /// <summary>Whether the schedules live in the database, shared by a cluster: on PostgreSQL unless `Scheduling:Clustered` is false.</summary>
    public static bool Clustered(IConfiguration config) =>
        Settings.Switch(config, "Scheduling:Clustered", true) && Settings.StorageProvider(config) == "postgres";

    internal static string Cron(IConfiguration config, string key, string fallback)
    {
        var cron = config[key] is { Length: > 0 } value ? value : fallback;
        return CronExpression.TryParse(cron, out _) ? cron
            : throw new InvalidSettingException($"{key} \"{cron}\" is not a Quartz cron expression (seconds first, e.g. {fallback}).");
    }
}

/// <summary>
/// The triggers this host's settings ask for, made when the host starts on the clock the scheduler runs on (the host's
/// TimeProvider): a trigger on another clock than its store's is misfired again at each update, without end.
/// </summary>
public sealed record Schedules(Func<TimeProvider, IReadOnlyList<ITrigger>> Triggers);

/// <summary>
/// Puts the triggers into the scheduler's store before it starts. A trigger already stored with the same schedule is kept as it
/// is, with its next run, which is overdue when the cluster was down at that time (the misfire policy then fires it once); one
/// stored with another schedule (a changed cron) is replaced, and a missing one added.
/// </summary>
/// <summary>
/// Starts the clustered scheduler and stops it without waiting for running jobs (they are idempotent, and another host of the
/// cluster recovers a run cut short). With its database gone, Quartz's shutdown can hang for ever (a thread of it retries the
/// database, by all signs until the job store is shut down, which Quartz does after waiting for it). So the stop waits for it
/// at most <see cref="StopWait"/>, says so, and lets the host stop, instead of holding the host's stop for ever.
/// </summary>
public sealed class ClusteredScheduler(ISchedulerFactory factory, ILogger<ClusteredScheduler> log) : IHostedService
{
    public static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);

    // The one started: once shut down (by the stop, or by whoever else), the factory refuses to hand it out again.
    private IScheduler? _scheduler;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _scheduler = await factory.GetScheduler(cancellationToken);
        await _scheduler.Start(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_scheduler is null) return;
        var shutdown = _scheduler.Shutdown(waitForJobsToComplete: false, CancellationToken.None).AsTask();
        try
        {
            if (await Task.WhenAny(shutdown, Task.Delay(StopWait, cancellationToken)) == shutdown)
            {
                await shutdown;
                return;
            }
        }
        // Seen once in a test run, a host stopped with its database cut: the cluster manager's last check-in found its services already disposed.
        catch (ObjectDisposedException gone)
        {
            log.LogWarning("Scheduler: Quartz's shutdown failed ({Problem}); the host stops without it, and the cluster's other hosts take over its runs.", gone.Message);
            return;
        }
        log.LogWarning("Scheduler: Quartz did not stop within {Seconds:0} s (it cannot reach its database); the host stops without it, and the cluster's other hosts take over its runs.", StopWait.TotalSeconds);
    }
}

public sealed class ScheduleTriggers(ISchedulerFactory factory, Schedules schedules, TimeProvider clock) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await factory.GetScheduler(cancellationToken);
        foreach (var wanted in schedules.Triggers(clock))
        {
            var stored = await scheduler.GetTrigger(wanted.Key, cancellationToken);
            if (stored is null)
            {
                try { await scheduler.ScheduleJob(wanted, cancellationToken: cancellationToken); }
                catch (ObjectAlreadyExistsException) { } // another host of the cluster stored it at the same moment
            }
            else if (!SameSchedule(stored, wanted)) await scheduler.RescheduleJob(wanted.Key, wanted, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool SameSchedule(ITrigger stored, ITrigger wanted) => (stored, wanted) switch
    {
        (ICronTrigger s, ICronTrigger w) => s.CronExpressionString == w.CronExpressionString && s.TimeZone.Id == w.TimeZone.Id,
        (ISimpleTrigger s, ISimpleTrigger w) => s.RepeatInterval == w.RepeatInterval,
        _ => false,
    };
}
