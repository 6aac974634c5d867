using Stripe;
using SuccessBot.Core.Storage;
using SuccessBot.Web;

namespace SuccessBot.Sync;

/// <summary>
/// `POST /stripe/webhook`: Stripe's signed events. A bad or stale signature is a 400 and nothing is stored; a subscription or
/// customer event is applied at once, from the customer as Stripe has it now (so an older event never undoes a newer state), each event id once.
/// </summary>
public static class StripeWebhook
{
    public const string Path = "/stripe/webhook";

    /// <summary>Stripe's own default: a signature older (or newer) than five minutes is refused, against replays.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static void MapStripe(this WebApplication app)
    {
        if (app.Services.GetRequiredService<StripeSettings>().WebhookSecret is null) return;
        app.MapPost(Path, ReceiveAsync);
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, StripeSettings settings, StripeSync sync, ISyncRecords records, TimeProvider clock,
        ILoggerFactory logs)
    {
        using var reader = new StreamReader(http.Request.Body);
        var json = await reader.ReadToEndAsync(http.RequestAborted);
        var now = clock.GetUtcNow();
        if (http.Request.Headers["Stripe-Signature"].ToString() is not { Length: > 0 } signature)
            return JsonInput.Problem(400, "There is no Stripe-Signature header: Stripe signs every webhook it sends; nothing was stored.");
        Event e;
        try
        {
            // Events come in the Stripe account's API version, often older than the library's: they are read all the same.
            e = EventUtility.ConstructEvent(json, signature, settings.WebhookSecret!, (long)Tolerance.TotalSeconds,
                now.ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (StripeException bad)
        {
            return JsonInput.Problem(400, $"The Stripe-Signature does not verify ({bad.Message}); nothing was stored.");
        }
        catch (Newtonsoft.Json.JsonException bad)
        {
            return JsonInput.Problem(400, $"The body is not a Stripe event ({bad.Message}); nothing was stored.");
        }
        if (records.WasApplied(RecordSource.Stripe, e.Id)) return Results.Json(new { received = true, applied = "before" });
        if (StripeSync.CustomerOf(e) is not { } customer) return Results.Json(new { received = true, applied = "not an event SuccessBot reads" });
        try
        {
            var report = await sync.CustomerAsync(customer, http.RequestAborted);
            records.RecordApplied(RecordSource.Stripe, e.Id, now);
            if (report.Refused.Count > 0) logs.CreateLogger("SuccessBot.Stripe").LogWarning("Stripe event {Event}: {Refused}", e.Id, report.Refused[0]);
            return Results.Json(new { received = true, applied = report.Refused.Count == 0 ? "now" : "refused: " + report.Refused[0] });
        }
        catch (SyncFailed failed)
        {
            // Stripe sends it again later: it is not recorded as applied.
            logs.CreateLogger("SuccessBot.Stripe").LogError("Stripe event {Event}: {Problem}", e.Id, failed.Message);
            return JsonInput.Problem(502, failed.Message);
        }
    }
}
