using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using SuccessBot.Core.Storage;
using SuccessBot.Host;
using SuccessBot.Import;
using SuccessBot.Sync;
using SuccessBot.Tests.Import;
using static SuccessBot.Tests.Sync.StripeObjects;

namespace SuccessBot.Tests.Sync;

public sealed class StripeSyncTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private FakeStripe _stripe = null!;

    public async Task InitializeAsync() => _stripe = await FakeStripe.StartAsync();

    public async Task DisposeAsync()
    {
        await _stripe.DisposeAsync();
        _folder.Dispose();
    }

    private static readonly DateTimeOffset Now = new(2026, 2, 1, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, JsonObject[], decimal> Table => new()
    {
        { "monthly 100", [Subscription("sub_a", "cus_t", Price(10_000))], 100m },
        { "yearly 1,200 is 100 a month", [Subscription("sub_a", "cus_t", Price(120_000, "year"))], 100m },
        { "quarterly 300 is 100 a month", [Subscription("sub_a", "cus_t", Price(30_000, "month", 3))], 100m },
        { "weekly 10 is 10 x 52 / 12", [Subscription("sub_a", "cus_t", Price(1_000, "week"))], 43.33m },
        { "quantity 3 of 50", [Subscription("sub_a", "cus_t", Price(5_000), quantity: 3)], 150m },
        { "25% off 100", [Subscription("sub_a", "cus_t", Price(10_000), discounts: Discount("di_25", "pct25", "cus_t"))], 75m },
        { "10% off 100, the coupon expanded", [Subscription("sub_a", "cus_t", Price(10_000), discounts: Discount("di_10", Coupon("pct10", percentOff: 10), "cus_t"))], 90m },
        { "20 off 100 every month", [Subscription("sub_a", "cus_t", Price(10_000), discounts: Discount("di_20", "off20", "cus_t"))], 80m },
        { "20 off once is not recurring", [Subscription("sub_a", "cus_t", Price(10_000), discounts: Discount("di_once", "once20", "cus_t"))], 100m },
        { "two subscriptions add up", [Subscription("sub_a", "cus_t", Price(10_000)), Subscription("sub_b", "cus_t", Price(120_000, "year"))], 200m },
        { "a trial beside a paid one counts 0", [Subscription("sub_a", "cus_t", Price(10_000)), Subscription("sub_b", "cus_t", Price(50_000), status: "trialing")], 100m },
        { "a cancelled one keeps what it paid", [Canceled(Subscription("sub_a", "cus_t", Price(10_000)), Now.AddDays(-3), "too_expensive")], 100m },
    };

    private static readonly Dictionary<string, Coupon> Coupons = new[] { Coupon("pct25", percentOff: 25), Coupon("off20", amountOff: 2_000), Coupon("once20", amountOff: 2_000, duration: "once") }
        .Select(c => StripeEntity.FromJson<Coupon>(c.ToJsonString())).ToDictionary(c => c.Id);

    /// <summary>The subscriptions mapped as read, and as a full sync keeps them while it reads on: both give the same account.</summary>
    private static MappedCustomer Map(JsonObject[] subscriptions, string currency = "USD")
    {
        var customer = StripeEntity.FromJson<Customer>(Customer("cus_t", "Tern Ltd").ToJsonString());
        var read = subscriptions.Select(s => StripeEntity.FromJson<Subscription>(s.ToJsonString())).ToArray();
        var mapped = StripeAccounts.Map(customer, read, currency, null, Coupons, Now, TimeZoneInfo.Utc);
        Assert.Equal(mapped, StripeAccounts.Map(customer, read.Select(StripeAccounts.Kept).ToArray(), currency, null, Coupons, Now, TimeZoneInfo.Utc));
        return mapped;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Mrr_is_normalised_to_a_month(string what, JsonObject[] subscriptions, decimal mrr)
    {
        var account = Map(subscriptions).Account;

        Assert.True(account is not null, what);
        Assert.Equal(mrr, account.Mrr);
    }

    [Fact]
    public void A_trial_alone_is_not_a_customer_yet_and_another_currency_is_refused_with_the_account_named()
    {
        Assert.Equal(new MappedCustomer(null, null), Map([Subscription("sub_a", "cus_t", Price(10_000), status: "trialing")]));

        var refused = Map([Subscription("sub_a", "cus_t", Price(10_000, currency: "eur"), currency: "eur")]).Refused;

        Assert.Equal("Tern Ltd (cus_t): subscription sub_a is in EUR, not the team's USD (Team:Currency); it is not converted, so the account is not synced.", refused);
    }

    [Fact]
    public void A_cancellation_gives_the_day_it_ended_and_the_reason_in_words()
    {
        var account = Map([Canceled(Subscription("sub_a", "cus_t", Price(10_000)), new DateTimeOffset(2026, 1, 20, 23, 30, 0, TimeSpan.Zero), "switched_service", "Moved to a rival")]).Account!;

        Assert.Equal(new DateOnly(2025, 1, 15), account.StartedOn);
        Assert.Equal(new DateOnly(2026, 1, 20), account.CanceledOn);
        Assert.Equal("switched service: Moved to a rival", account.ChurnReason);
    }

    private ServiceProvider Services() => Composition.ForCommandLine(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:Path"] = _folder.Store, ["Stripe:ApiKey"] = FakeStripe.Key, ["Stripe:ApiBaseUrl"] = _stripe.Url, ["Stripe:RetrySeconds"] = "0", ["Team:Currency"] = "USD",
    }).Build(), loadBook: false);

    private void Customers(int count)
    {
        _stripe.Coupons.Add(Coupon("pct25", percentOff: 25));
        for (var i = 0; i < count; i++)
        {
            var id = $"cus_{i:D4}";
            _stripe.Customers.Add(Customer(id, $"Customer {i}"));
            _stripe.Subscriptions.Add(i % 2 == 0
                ? Subscription($"sub_{i:D4}", id, Price(10_000), quantity: 2)
                : Subscription($"sub_{i:D4}", id, Price(120_000, "year"), discounts: Discount($"di_{i}", "pct25", id)));
        }
    }

    [Fact]
    public async Task A_full_sync_pages_through_every_customer_and_run_again_changes_nothing()
    {
        Customers(250);
        _stripe.Customers.Add(Customer("cus_euro", "Euro GmbH"));
        _stripe.Subscriptions.Add(Subscription("sub_euro", "cus_euro", Price(9_000, currency: "eur"), currency: "eur"));
        _stripe.Events.Add(Event("evt_0", "customer.created", Customer("cus_0000", "Customer 0"), Now));
        using var services = Services();
        var sync = services.GetRequiredService<StripeSync>();

        var first = await sync.RunAsync(full: false, CancellationToken.None);

        Assert.Equal((251, 250, 0), (first.Read, first.Added, first.Updated));
        Assert.Equal(["Euro GmbH (cus_euro): subscription sub_euro is in EUR, not the team's USD (Team:Currency); it is not converted, so the account is not synced."], first.Refused);
        Assert.Contains(_stripe.Requests, r => r.StartsWith("/v1/customers?", StringComparison.Ordinal) && r.Contains("starting_after=cus_0099"));
        Assert.Contains(_stripe.Requests, r => r.StartsWith("/v1/customers?", StringComparison.Ordinal) && r.Contains("starting_after=cus_0199"));
        var model = services.GetRequiredService<BookReadModel>();
        model.Load();
        Assert.Equal(200m, model.Current.Find("cus_0000")!.Mrr);
        Assert.Equal(75m, model.Current.Find("cus_0001")!.Mrr);
        Assert.Equal(new DateOnly(2026, 3, 15), model.Current.Find("cus_0001")!.RenewalOn);
        Assert.Null(model.Current.Find("cus_euro"));
        Assert.All(services.GetRequiredService<ISyncRecords>().Sources().Values, s => Assert.Equal([RecordSource.Stripe], s));

        var version = services.GetRequiredService<IChangeFeed>().DataVersion;
        var again = await sync.RunAsync(full: true, CancellationToken.None);

        Assert.Equal((251, 0, 0), (again.Read, again.Added, again.Updated));
        Assert.Equal(version, services.GetRequiredService<IChangeFeed>().DataVersion);
    }

    [Fact]
    public async Task An_incremental_sync_reads_only_the_customers_the_events_since_the_last_name()
    {
        Customers(5);
        _stripe.Events.Add(Event("evt_0", "customer.created", Customer("cus_0000", "Customer 0"), Now));
        using var services = Services();
        var sync = services.GetRequiredService<StripeSync>();
        await sync.RunAsync(full: false, CancellationToken.None);
        _stripe.Requests.Clear();
        // Customer 2 upgrades to 5 seats on its day; customer 3 cancels.
        var upgraded = Subscription("sub_0002", "cus_0002", Price(10_000), quantity: 5);
        _stripe.Subscriptions[2] = upgraded;
        var canceled = Canceled(_stripe.Subscriptions[3], Now.AddDays(-1), "unused");
        _stripe.Subscriptions[3] = canceled;
        _stripe.Events.Insert(0, Event("evt_1", "customer.subscription.updated", upgraded, Now));
        _stripe.Events.Insert(0, Event("evt_2", "customer.subscription.deleted", canceled, Now));

        var report = await sync.RunAsync(full: false, CancellationToken.None);

        Assert.Equal((false, 2, 0, 2), (report.Full, report.Read, report.Added, report.Updated));
        Assert.Contains(_stripe.Requests, r => r.StartsWith("/v1/events?", StringComparison.Ordinal) && r.Contains("ending_before=evt_0"));
        Assert.DoesNotContain(_stripe.Requests, r => r.StartsWith("/v1/customers?", StringComparison.Ordinal));
        var model = services.GetRequiredService<BookReadModel>();
        model.Load();
        Assert.Equal(500m, model.Current.Find("cus_0002")!.Mrr);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal((200m, 500m), (model.Current.MrrOn(model.Current.Find("cus_0002")!, today.AddDays(-1)), model.Current.MrrOn(model.Current.Find("cus_0002")!, today)));
        Assert.Equal("unused", model.Current.Find("cus_0003")!.ChurnReason);
        Assert.Equal("evt_2", services.GetRequiredService<ISyncRecords>().Cursor(RecordSource.Stripe));
    }

    [Fact]
    public async Task A_429_is_waited_out_and_an_error_names_what_was_being_read()
    {
        Customers(3);
        _stripe.RateLimitNext = 2;
        using var services = Services();

        var report = await services.GetRequiredService<StripeSync>().RunAsync(full: true, CancellationToken.None);

        Assert.Equal(3, report.Added);
        Assert.Equal(2 + 4, _stripe.Requests.Count(r => !r.StartsWith("/v1/customers/", StringComparison.Ordinal)));

        _stripe.RateLimitNext = 100;
        var failed = await Assert.ThrowsAsync<SyncFailed>(() => services.GetRequiredService<StripeSync>().RunAsync(full: true, CancellationToken.None));
        Assert.Equal("Stripe answered 429 reading the newest event: Too many requests hit the API too quickly.", failed.Message);
    }

    [Fact]
    public async Task An_import_cannot_overwrite_what_Stripe_keeps_for_a_synced_account()
    {
        Customers(1);
        using var services = Services();
        await services.GetRequiredService<StripeSync>().RunAsync(full: true, CancellationToken.None);
        var book = services.GetRequiredService<IBookStore>();
        var synced = services.GetRequiredService<ISyncRecords>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        var failed = Assert.Throws<ImportFailed>(() => Importers.ImportAccounts(book, _folder.File("accounts.csv", """
            account_id,name,owner_email,mrr,started_on,segment
            cus_0000,Customer 0,olivia.owner@example.com,999,2025-01-15,enterprise
            """), today, synced));

        Assert.Equal("accounts.csv, line 2, column 4 (mrr): cus_0000 comes from Stripe, which keeps its mrr (200); change it in Stripe, or leave the column out", Assert.Single(failed.Errors).ToString());

        var report = Importers.ImportAccounts(book, _folder.File("same.csv", """
            account_id,name,owner_email,mrr,started_on,segment
            cus_0000,Customer 0,olivia.owner@example.com,200.00,2025-01-15,enterprise
            """), today, synced);

        Assert.Equal(1, report.Counts.Updated);
        Assert.Equal((200m, "enterprise", new DateOnly(2026, 3, 15)), (book.FindAccount("cus_0000")!.Mrr, book.FindAccount("cus_0000")!.Segment, book.FindAccount("cus_0000")!.RenewalOn));
    }
}
