using Stripe;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Storage;
using Account = SuccessBot.Core.Domain.Account;

namespace SuccessBot.Sync;

/// <summary>What a sync read and wrote, and the customers it refused (named, with why).</summary>
public sealed record SyncReport(bool Full, int Read, int Added, int Updated, IReadOnlyList<string> Refused)
{
    public override string ToString() =>
        $"Stripe ({(Full ? "full" : "incremental")} sync): {Read:N0} customers read, {Added:N0} accounts added, {Updated:N0} updated, {Refused.Count:N0} refused."
        + string.Concat(Refused.Select(r => Environment.NewLine + "  refused: " + r));
}

/// <summary>A sync that stopped part-way: what it was reading and why; the pages before it are stored, the next run goes on from there.</summary>
public sealed class SyncFailed(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Reads Stripe's customers and subscriptions (read-only) and writes the accounts that changed through the book's write port,
/// a page of customers a write, marked as Stripe's. The first run reads everything; later runs read the events since the last.
/// </summary>
public sealed class StripeSync(IStripeClient client, IBookStore book, ISyncRecords records, IStoreTransactions transactions, StripeSettings settings,
    TeamSettings team, TimeProvider clock)
{
    public const int PageSize = 100;

    /// <summary>A subscription's discounts are ids unless expanded; their coupons come from the coupon list.</summary>
    private static readonly string[] ExpandDiscounts = ["data.discounts"];

    /// <summary>The events that change what an account is; each names its customer.</summary>
    public static readonly string[] EventTypes = ["customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted", "customer.updated"];

    /// <summary>Everything (the first run, or <paramref name="full"/>), else what changed since the last run's newest event.</summary>
    public async Task<SyncReport> RunAsync(bool full, CancellationToken cancel)
    {
        var cursor = full ? null : records.Cursor(RecordSource.Stripe);
        // The newest event before reading: what happens while this run reads is read again by the next, which changes nothing.
        var newest = await Read("the newest event", () => new EventService(client).ListAsync(new EventListOptions { Limit = 1 }, cancellationToken: cancel));
        SyncReport report;
        if (cursor is null) report = await FullAsync(cancel);
        else
        {
            var changed = await ChangedCustomersAsync(cursor, cancel);
            report = changed is null ? await FullAsync(cancel) : await CustomersAsync(changed, cancel);
        }
        if (newest.Data.FirstOrDefault() is { } latest) records.SaveCursor(RecordSource.Stripe, latest.Id);
        return report;
    }

    /// <summary>One customer as Stripe has it now (a webhook names it): its latest state, whichever event came first.</summary>
    public Task<SyncReport> CustomerAsync(string customerId, CancellationToken cancel) => CustomersAsync([customerId], cancel);

    private async Task<SyncReport> FullAsync(CancellationToken cancel)
    {
        var coupons = await CouponsAsync(cancel);
        var subscriptions = new Dictionary<string, List<Subscription>>(StringComparer.Ordinal);
        await foreach (var s in Paged("subscriptions", new SubscriptionService(client).ListAutoPagingAsync(
            new SubscriptionListOptions { Status = "all", Limit = PageSize, Expand = [.. ExpandDiscounts] }, cancellationToken: cancel)))
        {
            if (!subscriptions.TryGetValue(s.CustomerId, out var list)) subscriptions[s.CustomerId] = list = [];
            list.Add(StripeAccounts.Kept(s));
        }
        var total = new Tally();
        string? after = null;
        var customers = new CustomerService(client);
        while (true)
        {
            var page = await Read($"the customers after {after ?? "the first"}", () => customers.ListAsync(new CustomerListOptions { Limit = PageSize, StartingAfter = after }, cancellationToken: cancel));
            Store(page.Data.Select(c => (c, (IReadOnlyList<Subscription>)(subscriptions.GetValueOrDefault(c.Id) ?? []))).ToArray(), coupons, total);
            if (!page.HasMore || page.Data.Count == 0) break;
            after = page.Data[^1].Id;
        }
        return total.Report(full: true);
    }

    private async Task<SyncReport> CustomersAsync(IReadOnlyCollection<string> ids, CancellationToken cancel)
    {
        var coupons = await CouponsAsync(cancel);
        var total = new Tally();
        foreach (var chunk in ids.Chunk(PageSize))
        {
            var read = new List<(Customer, IReadOnlyList<Subscription>)>();
            foreach (var id in chunk)
            {
                var customer = await Read($"customer {id}", () => new CustomerService(client).GetAsync(id, cancellationToken: cancel));
                if (customer.Deleted == true) continue;
                var subscriptions = new List<Subscription>();
                await foreach (var s in Paged($"the subscriptions of {id}", new SubscriptionService(client).ListAutoPagingAsync(
                    new SubscriptionListOptions { Customer = id, Status = "all", Limit = PageSize, Expand = [.. ExpandDiscounts] }, cancellationToken: cancel)))
                    subscriptions.Add(s);
                read.Add((customer, subscriptions));
            }
            Store(read, coupons, total);
        }
        return total.Report(full: false);
    }

    /// <summary>The customers the events after <paramref name="cursor"/> name; null when Stripe no longer has that event (kept 30 days): read everything.</summary>
    private async Task<IReadOnlyCollection<string>?> ChangedCustomersAsync(string cursor, CancellationToken cancel)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var e in new EventService(client).ListAutoPagingAsync(new EventListOptions { EndingBefore = cursor, Types = [.. EventTypes], Limit = PageSize }, cancellationToken: cancel))
                if (CustomerOf(e) is { } id) ids.Add(id);
        }
        catch (StripeException gone) when (gone.StripeError?.Code == "resource_missing")
        {
            return null;
        }
        catch (Exception failed) when (failed is StripeException or HttpRequestException)
        {
            throw Failed("the events since the last sync", failed);
        }
        return ids;
    }

    /// <summary>The customer an event is about, or null for an event of another kind.</summary>
    public static string? CustomerOf(Event e) => e.Data?.Object switch
    {
        Subscription s when EventTypes.Contains(e.Type) => s.CustomerId,
        Customer c when e.Type == "customer.updated" => c.Id,
        _ => null,
    };

    /// <summary>
    /// One page: the accounts that changed in one write with their Stripe mark; the refused are named and not written. The
    /// page's accounts are read in the same transaction (one consistent read, and one opening of a shared LiteDB file, not one per customer).
    /// </summary>
    private void Store(IReadOnlyList<(Customer Customer, IReadOnlyList<Subscription> Subscriptions)> page, IReadOnlyDictionary<string, Coupon> coupons, Tally total)
    {
        var now = clock.GetUtcNow();
        var (added, updated, refused) = transactions.InOne(() =>
        {
            var changed = new List<Account>();
            var (added, updated, refused) = (0, 0, new List<string>());
            foreach (var (customer, subscriptions) in page)
            {
                var stored = book.FindAccount(customer.Id);
                var mapped = StripeAccounts.Map(customer, subscriptions, settings.Currency, stored, coupons, now, team.TimeZone);
                if (mapped.Refused is { } why) refused.Add(why);
                else if (mapped.Account is { } account && StripeAccounts.Differs(account, stored))
                {
                    changed.Add(account);
                    if (stored is null) added++;
                    else updated++;
                }
            }
            if (changed.Count > 0)
            {
                book.UpsertAccounts(changed, team.Today(now));
                records.Mark(RecordSource.Stripe, changed.Select(a => a.Id).ToArray());
            }
            return (added, updated, refused);
        });
        // Counted once the page is kept: a write that fails counts nothing of it.
        total.Read += page.Count;
        total.Added += added;
        total.Updated += updated;
        total.Refused.AddRange(refused);
    }

    private async Task<IReadOnlyDictionary<string, Coupon>> CouponsAsync(CancellationToken cancel)
    {
        var coupons = new Dictionary<string, Coupon>(StringComparer.Ordinal);
        await foreach (var c in Paged("coupons", new CouponService(client).ListAutoPagingAsync(new CouponListOptions { Limit = PageSize }, cancellationToken: cancel)))
            coupons[c.Id] = c;
        return coupons;
    }

    private static async Task<T> Read<T>(string what, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception failed) when (failed is StripeException or HttpRequestException)
        {
            throw Failed(what, failed);
        }
    }

    private static async IAsyncEnumerable<T> Paged<T>(string what, IAsyncEnumerable<T> items)
    {
        await using var reading = items.GetAsyncEnumerator();
        while (true)
        {
            try
            {
                if (!await reading.MoveNextAsync()) yield break;
            }
            catch (Exception failed) when (failed is StripeException or HttpRequestException)
            {
                throw Failed(what, failed);
            }
            yield return reading.Current;
        }
    }

    private static SyncFailed Failed(string what, Exception e) => new(e is StripeException s
        ? $"Stripe answered {(int)s.HttpStatusCode} reading {what}: {s.StripeError?.Message ?? s.Message}"
        : $"Stripe could not be reached reading {what}: {e.Message}", e);

    private sealed class Tally
    {
        public int Read, Added, Updated;
        public List<string> Refused { get; } = [];

        public SyncReport Report(bool full) => new(full, Read, Added, Updated, Refused);
    }
}
