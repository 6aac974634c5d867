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

    /// <summary>Quartz with the checks on their cron schedule (and once at start), and delivery every few seconds.</summary>
    public static void AddSuccessBotScheduler(this IServiceCollection services, IConfiguration config, TimeZoneInfo zone)
    {
        var cron = Cron(config, "Checks:Cron", DefaultChecksCron);
        var deliverEvery = TimeSpan.FromSeconds(Settings.Number(config, "Checks:DeliverySeconds", 5.0));
        var stripe = Sync.StripeSettings.From(config);
        var hubSpot = Sync.HubSpotSettings.From(config);
        services.AddQuartz(q =>
        {
            q.AddJob<DailyChecksJob>(j => j.WithIdentity(DailyChecksJob.Key));
            q.AddTrigger(t => t.ForJob(DailyChecksJob.Key).WithIdentity("daily-checks-cron").WithCronSchedule(cron, s => s.InTimeZone(zone)));
            q.AddTrigger(t => t.ForJob(DailyChecksJob.Key).WithIdentity("daily-checks-at-start").StartNow());
            var digestCron = Cron(config, "Checks:DigestCron", DefaultDigestCron);
            q.AddJob<ManagerDigestJob>(j => j.WithIdentity(ManagerDigestJob.Key));
            q.AddTrigger(t => t.ForJob(ManagerDigestJob.Key).WithIdentity("manager-digest-cron").WithCronSchedule(digestCron, s => s.InTimeZone(zone)));
            var npsCron = Cron(config, "Nps:Cron", DefaultNpsCron);
            q.AddJob<NpsCampaignJob>(j => j.WithIdentity(NpsCampaignJob.Key));
            q.AddTrigger(t => t.ForJob(NpsCampaignJob.Key).WithIdentity("nps-campaign-cron").WithCronSchedule(npsCron, s => s.InTimeZone(zone)));
            q.AddTrigger(t => t.ForJob(NpsCampaignJob.Key).WithIdentity("nps-campaign-at-start").StartNow());
            if (stripe.CanSync)
            {
                q.AddJob<StripeSyncJob>(j => j.WithIdentity(StripeSyncJob.Key));
                q.AddTrigger(t => t.ForJob(StripeSyncJob.Key).WithIdentity("stripe-sync-cron").WithCronSchedule(stripe.SyncCron, s => s.InTimeZone(zone)));
            }
            if (hubSpot.CanSync)
            {
                q.AddJob<HubSpotSyncJob>(j => j.WithIdentity(HubSpotSyncJob.Key));
                q.AddTrigger(t => t.ForJob(HubSpotSyncJob.Key).WithIdentity("hubspot-sync-cron").WithCronSchedule(hubSpot.SyncCron, s => s.InTimeZone(zone)));
            }
            q.AddJob<DeliverNudgesJob>(j => j.WithIdentity(DeliverNudgesJob.Key));
            q.AddTrigger(t => t.ForJob(DeliverNudgesJob.Key).WithIdentity("deliver-nudges-every").StartNow()
                .WithSimpleSchedule(s => s.WithInterval(deliverEvery).RepeatForever()));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
    }

    internal static string Cron(IConfiguration config, string key, string fallback)
    {
        var cron = config[key] is { Length: > 0 } value ? value : fallback;
        return CronExpression.TryParse(cron, out _) ? cron
            : throw new InvalidSettingException($"{key} \"{cron}\" is not a Quartz cron expression (seconds first, e.g. {fallback}).");
    }
}
