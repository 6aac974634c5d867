using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SuccessBot.Core.Chat;
using SuccessBot.Ingest;
using SuccessBot.LocalChat;
using SuccessBot.Scheduling;
using SuccessBot.Slack;
using SuccessBot.Storage;
using SuccessBot.Sync;
using SuccessBot.Teams;

namespace SuccessBot.Host;

/// <summary>
/// Says at start what is on and where: the store, each channel, the schedules, the local chat's address. It speaks once
/// Kestrel has bound its addresses and before the host reports itself started, so whoever waits for the start reads it.
/// </summary>
internal sealed class WhatIsOn(IServiceProvider services, IConfiguration config, ILoggerFactory logs) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var log = logs.CreateLogger("SuccessBot");
        var store = services.GetRequiredService<StoreDescription>();
        log.LogInformation("Store: {Where} ({Provider})", store.Where, store.Provider);
        log.LogInformation("Slack: {Status}", SlackSetup.Status(services.GetRequiredService<SlackSettings>()));
        TeamsEndpoints.SayWhatIsOn(services.GetRequiredService<TeamsSettings>(), log);
        if (!services.GetRequiredService<IngestSettings>().IsOn) log.LogInformation("Usage events: off (Ingest:WriteKey is not set)");
        else if (services.GetRequiredService<IngestWriter>().Off is { } why) log.LogError("Usage events: off ({Why})", why);
        else log.LogInformation("Usage events: on at POST /v1/track, /v1/identify, /v1/group, /v1/batch; the event log is {Log}", services.GetRequiredService<IngestWriter>().LogIs);
        log.LogInformation("Scheduler: checks at {Checks}, NPS surveys at {Nps}, digest at {Digest} (cron, {Zone}); {AtStart}",
            Scheduler.Cron(config, "Checks:Cron", Scheduler.DefaultChecksCron), Scheduler.Cron(config, "Nps:Cron", Scheduler.DefaultNpsCron),
            Scheduler.Cron(config, "Checks:DigestCron", Scheduler.DefaultDigestCron),
            services.GetRequiredService<TeamSettings>().TimeZone.Id, Scheduler.Clustered(config)
                ? "clustered in the database: each run on one host, a run missed while every host was down once at the next start"
                : "checks and surveys also once now");
        var stripe = services.GetRequiredService<StripeSettings>();
        log.LogInformation("Stripe: {Sync}; webhook {Webhook}", stripe.CanSync ? $"sync at {stripe.SyncCron} (cron)" : "no sync (Stripe:ApiKey is not set)",
            stripe.WebhookSecret is null ? "off (Stripe:WebhookSecret is not set)" : $"on at POST {StripeWebhook.Path}");
        // The address Kestrel actually bound (a port of 0 becomes a real one).
        var bound = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        services.GetRequiredService<LocalChatAccess>().SayWhatIsOn(log, bound ?? BotHost.DefaultUrl);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
