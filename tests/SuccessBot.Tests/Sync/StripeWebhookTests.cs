using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Domain;
using SuccessBot.Host;
using SuccessBot.Tests.Web;
using static SuccessBot.Tests.Sync.StripeObjects;

namespace SuccessBot.Tests.Sync;

/// <summary>Stripe's webhook through the real host, signed as Stripe signs it (HMAC-SHA256 of "t.body" under the endpoint's secret).</summary>
public sealed class StripeWebhookTests : IAsyncLifetime
{
    private const string Secret = "whsec_test_secret";
    private FakeStripe _stripe = null!;
    private BotFactory _host = null!;

    public async Task InitializeAsync()
    {
        _stripe = await FakeStripe.StartAsync();
        _host = new BotFactory(new Dictionary<string, string?>
        {
            ["Stripe:WebhookSecret"] = Secret, ["Stripe:ApiKey"] = FakeStripe.Key, ["Stripe:ApiBaseUrl"] = _stripe.Url, ["Stripe:RetrySeconds"] = "0",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _stripe.DisposeAsync();
    }

    private static string Signature(string body, DateTimeOffset at, string secret = Secret)
    {
        var t = at.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(JsonObject e, string? signature = null)
    {
        var body = e.ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", signature ?? Signature(body, DateTimeOffset.UtcNow));
        using var response = await _host.CreateClient().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"{(int)response.StatusCode}: {text}");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private Account? Account(string id)
    {
        var model = _host.Services.GetRequiredService<BookReadModel>();
        model.Refresh();
        return model.Current.Find(id);
    }

    [Fact]
    public async Task A_bad_or_stale_signature_is_a_400_and_stores_nothing()
    {
        _stripe.Customers.Add(Customer("cus_w", "Wren Co"));
        _stripe.Subscriptions.Add(Subscription("sub_w", "cus_w", Price(10_000)));
        var created = Event("evt_w1", "customer.subscription.created", _stripe.Subscriptions[0], DateTimeOffset.UtcNow);
        var body = created.ToJsonString();

        var forged = await PostAsync(created, Signature(body, DateTimeOffset.UtcNow, "whsec_someone_else"));
        var stale = await PostAsync(created, Signature(body, DateTimeOffset.UtcNow.AddMinutes(-6)));
        var unsigned = await PostAsync(created, "");

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest], new[] { forged.Status, stale.Status, unsigned.Status });
        Assert.StartsWith("The Stripe-Signature does not verify", forged.Body.GetProperty("error").GetString());
        Assert.Contains("nothing was stored", stale.Body.GetProperty("error").GetString());
        Assert.Null(Account("cus_w"));
        Assert.Empty(_stripe.Requests);
    }

    [Fact]
    public async Task An_event_is_applied_at_once_a_replay_once_and_an_older_one_never_undoes_a_newer_state()
    {
        _stripe.Customers.Add(Customer("cus_w", "Wren Co"));
        var first = Subscription("sub_w", "cus_w", Price(10_000));
        _stripe.Subscriptions.Add(first);
        // Sent in the account's older API version, as Stripe sends events.
        var created = Event("evt_w1", "customer.subscription.created", first, DateTimeOffset.UtcNow.AddMinutes(-2), apiVersion: "2020-08-27");

        var applied = await PostAsync(created);

        Assert.Equal(HttpStatusCode.OK, applied.Status);
        Assert.Equal("now", applied.Body.GetProperty("applied").GetString());
        Assert.Equal((100m, "Wren Co"), (Account("cus_w")!.Mrr, Account("cus_w")!.Name));

        var replay = await PostAsync(created);
        Assert.Equal("before", replay.Body.GetProperty("applied").GetString());

        // Three seats now; the upgrade's event arrives first, then the creation's (an older state).
        var upgraded = Subscription("sub_w", "cus_w", Price(10_000), quantity: 3);
        _stripe.Subscriptions[0] = upgraded;
        await PostAsync(Event("evt_w3", "customer.subscription.updated", upgraded, DateTimeOffset.UtcNow));
        await PostAsync(Event("evt_w2", "customer.subscription.updated", first, DateTimeOffset.UtcNow.AddMinutes(-1)));

        Assert.Equal(300m, Account("cus_w")!.Mrr);

        var canceled = Canceled(upgraded, DateTimeOffset.UtcNow, "too_complex");
        _stripe.Subscriptions[0] = canceled;
        await PostAsync(Event("evt_w4", "customer.subscription.deleted", canceled, DateTimeOffset.UtcNow));

        Assert.Equal("too complex", Account("cus_w")!.ChurnReason);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow), Account("cus_w")!.CanceledOn);
    }

    [Fact]
    public async Task A_customer_update_renames_the_account()
    {
        _stripe.Customers.Add(Customer("cus_w", "Wren Co"));
        _stripe.Subscriptions.Add(Subscription("sub_w", "cus_w", Price(10_000)));
        await PostAsync(Event("evt_w1", "customer.subscription.created", _stripe.Subscriptions[0], DateTimeOffset.UtcNow));
        _stripe.Customers[0] = Customer("cus_w", "Wren & Sons");

        var renamed = await PostAsync(Event("evt_w2", "customer.updated", _stripe.Customers[0], DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.OK, renamed.Status);
        Assert.Equal("Wren & Sons", Account("cus_w")!.Name);
    }

    [Fact]
    public async Task The_host_says_the_sync_runs_hourly_and_schedules_it_so()
    {
        using var client = _host.CreateClient();
        var scheduler = await _host.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();

        var trigger = Assert.IsAssignableFrom<Quartz.ICronTrigger>(await scheduler.GetTrigger(new Quartz.TriggerKey("stripe-sync-cron")));

        Assert.Equal("0 0 * * * ?", trigger.CronExpressionString);
        Assert.Contains("Stripe: sync at 0 0 * * * ? (cron); webhook on at POST /stripe/webhook", _host.Log.Lines);
    }
}
