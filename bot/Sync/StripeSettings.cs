namespace SuccessBot.Sync;

/// <summary>`Stripe:*`: the read-only key, where the API is, the webhook's signing secret, the sync's schedule; and `Team:Currency`.</summary>
public sealed record StripeSettings(string? ApiKey, Uri ApiBaseUrl, string? WebhookSecret, string SyncCron, string Currency, TimeSpan RetryDelay)
{
    public const string DefaultApiBaseUrl = "https://api.stripe.com", DefaultSyncCron = "0 0 * * * ?";

    public bool CanSync => ApiKey is { Length: > 0 };

    public static StripeSettings From(IConfiguration config)
    {
        return new StripeSettings(config["Stripe:ApiKey"] is { Length: > 0 } key ? key : null, Settings.HttpUrl(config, "Stripe:ApiBaseUrl", DefaultApiBaseUrl),
            config["Stripe:WebhookSecret"] is { Length: > 0 } secret ? secret : null,
            Scheduling.Scheduler.Cron(config, "Stripe:SyncCron", DefaultSyncCron), Settings.Currency(config),
            TimeSpan.FromSeconds(Settings.Number(config, "Stripe:RetrySeconds", 1.0)));
    }
}
