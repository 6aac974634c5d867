using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SuccessBot.Bench;

namespace SuccessBot.Sync;

/// <summary>
/// Issue 17's figure: a full `sync stripe` of N customers, each with a subscription, from a local stand-in for Stripe's API
/// that answers at once (lists of 100, in the shapes Stripe's reference documents), into a fresh LiteDB store; objects/s
/// (target >= 5,000 objects/s, customers and subscriptions: the fake costs next to nothing, so this measures SuccessBot) and memory. Then the
/// incremental run that follows it, with no event since, which changes nothing.
/// </summary>
public static class StripeBenchmark
{
    private const string Key = "rk_test_benchmark";
    private const long Created = 1736942400; // 2025-01-15 12:00 UTC
    private const int Coupons = 1;

    public static async Task<int> RunAsync(TextWriter output, int customers)
    {
        var folder = Directory.CreateTempSubdirectory("successbot-stripe-bench-");
        try
        {
            await using var stripe = await FakeStripeAsync(customers);
            var url = stripe.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Path"] = Path.Combine(folder.FullName, "bench.db"), ["Stripe:ApiKey"] = Key, ["Stripe:ApiBaseUrl"] = url, ["Logging:LogLevel:Default"] = "Warning",
            }).Build();
            using var services = Host.Composition.ForCommandLine(config, loadBook: false);
            var sync = services.GetRequiredService<StripeSync>();
            output.WriteLine($"Stripe: a full sync of {customers:N0} customers and {customers:N0} subscriptions ({Coupons} coupon) from a local fake answering at once, lists of {StripeSync.PageSize}, into a new LiteDB store (target >= 5,000 objects/s):");
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            Benchmark.ResetPeakMemory();
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var full = await sync.RunAsync(full: false, CancellationToken.None);
            var seconds = clock.Elapsed.TotalSeconds;
            process.Refresh();
            // On a shared machine the wall clock counts the others' work too; the process's CPU time (the fake's and the GC's included) does not.
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            var heapAfter = GC.GetTotalMemory(forceFullCollection: false);
            output.WriteLine($"  {full}");
            output.WriteLine($"  {seconds:0.00} s: {full.Read / seconds:N0} customers/s, {(full.Read + customers + Coupons) / seconds:N0} objects/s (customers, subscriptions and coupons read)");
            output.WriteLine($"  {cpu:0.00} s of CPU (this process, the fake's share and the GC's included): {full.Read / cpu:N0} customers per CPU second; machine load {Load()}");
            output.WriteLine($"  memory: peak {Benchmark.PeakMemory()}; managed heap {heapBefore / 1024 / 1024:N0} MB before, {heapAfter / 1024 / 1024:N0} MB at the end (before a collection), "
                + $"{GC.GetGCMemoryInfo().HeapSizeBytes / 1024 / 1024:N0} MB at the last GC; {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024 / 1024:N0} MB allocated");
            clock.Restart();
            var again = await sync.RunAsync(full: false, CancellationToken.None);
            output.WriteLine($"  then an incremental run (no event since): {clock.Elapsed.TotalSeconds:0.00} s, {again}");
            return full.Refused.Count == 0 && full.Added == customers ? 0 : 1;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Load()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + $" on {Environment.ProcessorCount} cores"; }
        catch (IOException) { return "unknown"; }
    }

    /// <summary>Stripe's list endpoints for N customers with one subscription each, every page made as it is asked for.</summary>
    private static async Task<WebApplication> FakeStripeAsync(int customers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        // The newest event (what the next run lists after), and none after it.
        app.MapGet("/v1/events", (HttpRequest request) => Results.Text(request.Query.ContainsKey("ending_before")
            ? """{"object":"list","url":"/v1/events","has_more":false,"data":[]}"""
            : $$"""{"object":"list","url":"/v1/events","has_more":false,"data":[{"id":"evt_B_newest","object":"event","api_version":"2024-06-20","created":{{Created}},"type":"customer.updated","livemode":false,"pending_webhooks":0,"request":{"id":null,"idempotency_key":null},"data":{"object":{{Customer(0)}} } }]}""",
            "application/json"));
        app.MapGet("/v1/coupons", () => Results.Text("""{"object":"list","url":"/v1/coupons","has_more":false,"data":[{"id":"BENCH25","object":"coupon","percent_off":25,"amount_off":null,"currency":null,"duration":"forever","valid":true,"created":1736942400,"livemode":false,"times_redeemed":1}]}""", "application/json"));
        app.MapGet("/v1/customers", (HttpRequest request) => Results.Text(Page(request, "/v1/customers", "cus_B", customers, Customer), "application/json"));
        app.MapGet("/v1/subscriptions", (HttpRequest request) => Results.Text(Page(request, "/v1/subscriptions", "sub_B", customers, Subscription), "application/json"));
        await app.StartAsync();
        return app;
    }

    private static string Page(HttpRequest request, string url, string prefix, int count, Action<StringBuilder, int> item)
    {
        var limit = int.TryParse(request.Query["limit"], out var l) ? l : 10;
        var from = request.Query["starting_after"].FirstOrDefault() is { } after ? int.Parse(after[prefix.Length..], CultureInfo.InvariantCulture) + 1 : 0;
        return List(url, from, Math.Min(limit, count - from), count, item);
    }

    private static string List(string url, int from, int take, int count, Action<StringBuilder, int> item)
    {
        var json = new StringBuilder(take * 1200).Append("{\"object\":\"list\",\"url\":\"").Append(url).Append("\",\"has_more\":")
            .Append(take > 0 && from + take < count ? "true" : "false").Append(",\"data\":[");
        for (var i = from; i < from + take; i++)
        {
            if (i > from) json.Append(',');
            item(json, i);
        }
        return json.Append("]}").ToString();
    }

    private static void Customer(StringBuilder json, int i) => json.Append(Customer(i));

    private static string Customer(int i) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"id":"cus_B{{i:D7}}","object":"customer","name":"Bench Customer {{i}}","email":"billing@b{{i}}.example.com","created":{{Created}},"livemode":false,"metadata":{"owner_email":"csm{{i % 20}}@example.com"},"currency":"usd","delinquent":false}""");

    /// <summary>Monthly plans of 1 to 5 seats; every 10th yearly, every 7th with 25% off, every 20th cancelled (too expensive).</summary>
    private static void Subscription(StringBuilder json, int i)
    {
        var yearly = i % 10 == 0;
        var canceled = i % 20 == 1;
        var (amount, interval) = yearly ? (120000, "year") : (4900, "month");
        var ended = canceled ? (Created + 86400 * 200).ToString(CultureInfo.InvariantCulture) : "null";
        var discounts = i % 7 == 0
            ? $$"""{"id":"di_B{{i:D7}}","object":"discount","customer":"cus_B{{i:D7}}","start":{{Created}},"end":null,"source":{"coupon":"BENCH25","type":"coupon"} }"""
            : "";
        // Stripe answers pretty-printed JSON; the items' periods are on the item (API version 2025-03-31 and later).
        json.Append(CultureInfo.InvariantCulture, $$"""
            {
              "id": "sub_B{{i:D7}}", "object": "subscription", "customer": "cus_B{{i:D7}}", "status": "{{(canceled ? "canceled" : "active")}}", "currency": "usd",
              "start_date": {{Created}}, "created": {{Created}}, "billing_cycle_anchor": {{Created}}, "canceled_at": {{ended}}, "ended_at": {{ended}},
              "cancel_at_period_end": false, "trial_start": null, "trial_end": null,
              "cancellation_details": {"comment": null, "feedback": {{(canceled ? "\"too_expensive\"" : "null")}}, "reason": {{(canceled ? "\"cancellation_requested\"" : "null")}}},
              "discounts": [{{discounts}}],
              "items": {"object": "list", "has_more": false, "url": "/v1/subscription_items?subscription=sub_B{{i:D7}}", "data": [{
                "id": "si_B{{i:D7}}", "object": "subscription_item", "quantity": {{1 + i % 5}}, "subscription": "sub_B{{i:D7}}",
                "current_period_start": {{Created}}, "current_period_end": {{Created + 86400 * 365}},
                "price": {"id": "price_bench_{{interval}}", "object": "price", "active": true, "currency": "usd", "unit_amount": {{amount}},
                  "unit_amount_decimal": "{{amount}}", "nickname": "Bench {{interval}}ly", "type": "recurring", "billing_scheme": "per_unit",
                  "recurring": {"interval": "{{interval}}", "interval_count": 1, "usage_type": "licensed"} }
              }]}
            }
            """);
    }
}
