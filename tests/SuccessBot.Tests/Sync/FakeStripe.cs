using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using SuccessBot.Tests.Teams;

namespace SuccessBot.Tests.Sync;

/// <summary>
/// Stripe's API as its reference documents it, for the objects a sync reads: paged lists (`limit`, `starting_after`,
/// `ending_before`, `has_more`), customers, subscriptions (discounts as ids unless `expand[]=data.discounts`), coupons and
/// events, errors in Stripe's shape; and a 429 for the first few calls when asked.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public const string Key = "rk_test_readonly";
    private readonly LocalServer _server;

    public List<JsonObject> Customers { get; } = [];
    public List<JsonObject> Subscriptions { get; } = [];
    public List<JsonObject> Coupons { get; } = [];
    /// <summary>Newest first, as Stripe lists them.</summary>
    public List<JsonObject> Events { get; } = [];
    public ConcurrentQueue<string> Requests { get; } = new();
    /// <summary>How many of the next calls get a 429 before one is answered.</summary>
    public int RateLimitNext { get; set; }

    public string Url => _server.Url;

    private FakeStripe(LocalServer server) => _server = server;

    public static async Task<FakeStripe> StartAsync()
    {
        FakeStripe? fake = null;
        var server = await LocalServer.StartAsync(c => fake!.HandleAsync(c));
        return fake = new FakeStripe(server);
    }

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        Requests.Enqueue(path + http.Request.QueryString);
        if (http.Request.Headers.Authorization != $"Bearer {Key}")
        {
            await Error(http, 401, "invalid_request_error", null, "Invalid API Key provided.");
            return;
        }
        if (RateLimitNext > 0)
        {
            RateLimitNext--;
            await Error(http, 429, "rate_limit_error", "rate_limit", "Too many requests hit the API too quickly.");
            return;
        }
        var query = http.Request.Query;
        // Stripe.net sends arrays as indexed keys: expand[0]=data.discounts, types[0]=...
        string[] Array(string name) => query.Where(q => q.Key == name + "[]" || q.Key.StartsWith(name + "[", StringComparison.Ordinal)).SelectMany(q => q.Value).OfType<string>().ToArray();
        var expanded = Array("expand").Contains("data.discounts");
        var types = Array("types");
        JsonNode? body = path switch
        {
            "/v1/customers" => List(path, Customers, query),
            "/v1/coupons" => List(path, Coupons, query),
            "/v1/subscriptions" => List(path, Subscriptions.Where(s => query["customer"].Count == 0 || (string?)s["customer"] == query["customer"])
                .Select(s => expanded ? s : WithDiscountIds(s)).ToList(), query),
            // A cursor is a position in time, whichever type of event it is: the filter applies to the page.
            "/v1/events" => List(path, Events, query, e => types.Length == 0 || types.Contains((string?)e["type"])),
            _ when path.StartsWith("/v1/customers/", StringComparison.Ordinal) => Customers.FirstOrDefault(c => (string?)c["id"] == path["/v1/customers/".Length..])?.DeepClone(),
            _ => null,
        };
        if (body is null)
        {
            if (path.StartsWith("/v1/events", StringComparison.Ordinal)) await Error(http, 404, "invalid_request_error", "resource_missing", $"No such event: '{query["ending_before"]}'");
            else await Error(http, 404, "invalid_request_error", "resource_missing", $"Unrecognized request URL (GET: {path}).");
            return;
        }
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString());
    }

    /// <summary>A page of a list: after `starting_after`, or the page just before `ending_before` (newer items); null when the cursor is not in it.</summary>
    private static JsonObject? List(string url, List<JsonObject> items, IQueryCollection query, Func<JsonObject, bool>? filter = null)
    {
        var limit = int.TryParse(query["limit"], out var l) ? l : 10;
        IEnumerable<JsonObject> page;
        bool more;
        if (query["ending_before"].FirstOrDefault() is { } before)
        {
            var at = items.FindIndex(i => (string?)i["id"] == before);
            if (at < 0) return null;
            var start = Math.Max(0, at - limit);
            page = items.Skip(start).Take(at - start);
            more = start > 0;
        }
        else
        {
            var from = query["starting_after"].FirstOrDefault() is { } after ? items.FindIndex(i => (string?)i["id"] == after) + 1 : 0;
            page = items.Skip(from).Take(limit);
            more = from + limit < items.Count;
        }
        return new JsonObject { ["object"] = "list", ["url"] = url, ["has_more"] = more, ["data"] = new JsonArray(page.Where(filter ?? (_ => true)).Select(p => p.DeepClone()).ToArray()) };
    }

    private static JsonObject WithDiscountIds(JsonObject s)
    {
        var copy = (JsonObject)s.DeepClone();
        copy["discounts"] = new JsonArray(((JsonArray)s["discounts"]!).Select(d => (JsonNode)JsonValue.Create((string)d!["id"]!)).ToArray());
        return copy;
    }

    private static async Task Error(HttpContext http, int status, string type, string? code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message } }.ToJsonString());
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>Stripe objects in the shapes of its API reference (API version 2025-03-31 and later: the period on the item).</summary>
public static class StripeObjects
{
    public static readonly DateTimeOffset Start = new(2025, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public static long Unix(DateTimeOffset at) => at.ToUnixTimeSeconds();

    public static JsonObject Customer(string id, string name, string? owner = "olivia.owner@example.com") => new()
    {
        ["id"] = id, ["object"] = "customer", ["name"] = name, ["email"] = $"billing@{id}.example.com", ["created"] = Unix(Start), ["livemode"] = false,
        ["metadata"] = owner is null ? new JsonObject() : new JsonObject { ["owner_email"] = owner }, ["currency"] = "usd", ["delinquent"] = false,
    };

    public static JsonObject Price(long unitAmount, string interval = "month", int count = 1, string currency = "usd", string nickname = "Growth") => new()
    {
        ["id"] = $"price_{unitAmount}_{interval}_{count}", ["object"] = "price", ["active"] = true, ["currency"] = currency, ["unit_amount"] = unitAmount,
        ["unit_amount_decimal"] = unitAmount.ToString(System.Globalization.CultureInfo.InvariantCulture), ["nickname"] = nickname, ["type"] = "recurring",
        ["billing_scheme"] = "per_unit", ["recurring"] = new JsonObject { ["interval"] = interval, ["interval_count"] = count, ["usage_type"] = "licensed" },
    };

    public static JsonObject Subscription(string id, string customer, JsonObject price, int quantity = 1, string status = "active", DateTimeOffset? start = null,
        string currency = "usd", DateTimeOffset? periodEnd = null, params JsonObject[] discounts)
    {
        var started = start ?? Start;
        return new JsonObject
        {
            ["id"] = id, ["object"] = "subscription", ["customer"] = customer, ["status"] = status, ["currency"] = currency,
            ["start_date"] = Unix(started), ["created"] = Unix(started), ["billing_cycle_anchor"] = Unix(started),
            ["canceled_at"] = null, ["ended_at"] = null, ["cancel_at_period_end"] = false,
            ["trial_start"] = status == "trialing" ? Unix(started) : null, ["trial_end"] = status == "trialing" ? Unix(started.AddDays(14)) : null,
            ["cancellation_details"] = new JsonObject { ["comment"] = null, ["feedback"] = null, ["reason"] = null },
            ["discounts"] = new JsonArray(discounts.Select(d => (JsonNode)d.DeepClone()).ToArray()),
            ["items"] = new JsonObject
            {
                ["object"] = "list", ["has_more"] = false, ["url"] = $"/v1/subscription_items?subscription={id}",
                ["data"] = new JsonArray(new JsonObject
                {
                    ["id"] = "si_" + id, ["object"] = "subscription_item", ["quantity"] = quantity, ["price"] = price.DeepClone(), ["subscription"] = id,
                    ["current_period_start"] = Unix(started), ["current_period_end"] = Unix(periodEnd ?? new DateTimeOffset(2026, 3, 15, 12, 0, 0, TimeSpan.Zero)),
                }),
            },
        };
    }

    public static JsonObject Canceled(JsonObject subscription, DateTimeOffset endedAt, string? feedback, string? comment = null)
    {
        var s = (JsonObject)subscription.DeepClone();
        s["status"] = "canceled";
        s["canceled_at"] = Unix(endedAt);
        s["ended_at"] = Unix(endedAt);
        s["cancellation_details"] = new JsonObject { ["comment"] = comment, ["feedback"] = feedback, ["reason"] = "cancellation_requested" };
        return s;
    }

    public static JsonObject Coupon(string id, decimal? percentOff = null, long? amountOff = null, string duration = "forever") => new()
    {
        ["id"] = id, ["object"] = "coupon", ["percent_off"] = percentOff, ["amount_off"] = amountOff, ["currency"] = amountOff is null ? null : "usd",
        ["duration"] = duration, ["valid"] = true, ["created"] = Unix(Start), ["livemode"] = false, ["times_redeemed"] = 1,
    };

    public static JsonObject Discount(string id, string coupon, string customer) => new()
    {
        ["id"] = id, ["object"] = "discount", ["customer"] = customer, ["start"] = Unix(Start), ["end"] = null,
        ["source"] = new JsonObject { ["coupon"] = coupon, ["type"] = "coupon" },
    };

    /// <summary>A discount whose coupon is the object itself (Stripe expands `source.coupon` when asked), not in the coupon list.</summary>
    public static JsonObject Discount(string id, JsonObject coupon, string customer) => new()
    {
        ["id"] = id, ["object"] = "discount", ["customer"] = customer, ["start"] = Unix(Start), ["end"] = null,
        ["source"] = new JsonObject { ["coupon"] = coupon, ["type"] = "coupon" },
    };

    public static JsonObject Event(string id, string type, JsonObject data, DateTimeOffset created, string apiVersion = "2024-06-20") => new()
    {
        ["id"] = id, ["object"] = "event", ["api_version"] = apiVersion, ["created"] = Unix(created), ["type"] = type, ["livemode"] = false,
        ["pending_webhooks"] = 1, ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["data"] = new JsonObject { ["object"] = data.DeepClone() },
    };
}
