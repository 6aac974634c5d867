using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Stripe;

namespace SuccessBot.Sync;

/// <summary>The syncs from the systems of record: Stripe's client over a typed HttpClient that backs off on 429, and the sync itself.</summary>
public static class SyncSetup
{
    public const string StripeClientName = "stripe";

    public static IServiceCollection AddSyncs(this IServiceCollection services, IConfiguration config)
    {
        var stripe = StripeSettings.From(config);
        services.AddSingleton(stripe);
        services.AddHttpClient(StripeClientName, http => http.Timeout = TimeSpan.FromSeconds(80))
            .AddResilienceHandler("stripe-rate-limits", pipeline => pipeline.AddRetry(RateLimited(stripe.RetryDelay)));
        // Stripe.net's own retries are off: the resilience handler is the one place a 429 waits and goes again.
        services.AddSingleton<IStripeClient>(s => new StripeClient(new StripeClientOptions
        {
            ApiKey = stripe.ApiKey ?? "",
            ApiBase = stripe.ApiBaseUrl.ToString().TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(s.GetRequiredService<IHttpClientFactory>().CreateClient(StripeClientName), maxNetworkRetries: 0, enableTelemetry: false),
        }));
        services.AddSingleton<StripeSync>();
        var hubSpot = HubSpotSettings.From(config);
        services.AddSingleton(hubSpot);
        services.AddHttpClient<HubSpotApi>(http =>
            {
                http.BaseAddress = new Uri(hubSpot.ApiBaseUrl.ToString().TrimEnd('/') + "/");
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", hubSpot.Token ?? "");
                http.Timeout = TimeSpan.FromSeconds(60);
            })
            .AddResilienceHandler("hubspot-rate-limits", pipeline => pipeline.AddRetry(RateLimited(stripe.RetryDelay)));
        services.AddTransient<HubSpotSync>();
        return services;
    }

    /// <summary>A sync only reads: a 429 (rate limited) is tried again after Retry-After or a doubling wait.</summary>
    public static HttpRetryStrategyOptions RateLimited(TimeSpan delay) => new()
    {
        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests),
        ShouldRetryAfterHeader = true,
        MaxRetryAttempts = 5,
        Delay = delay,
        MaxDelay = TimeSpan.FromSeconds(30),
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = delay > TimeSpan.Zero,
    };
}
