using Stripe;
using SuccessBot.Core.Domain;
using Account = SuccessBot.Core.Domain.Account;

namespace SuccessBot.Sync;

/// <summary>A Stripe customer as an account; null with no reason when it is not a customer yet (only trials, nothing started).</summary>
public sealed record MappedCustomer(Account? Account, string? Refused);

/// <summary>Stripe's customers and subscriptions as accounts: MRR normalised to a month, the dates on the team's calendar.</summary>
public static class StripeAccounts
{
    /// <summary>Currencies Stripe counts in whole units (no cents), as its docs list them.</summary>
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase)
        { "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf" };

    /// <summary>Stripe's `cancellation_details.feedback` codes, as a CSM says them.</summary>
    public static readonly IReadOnlyDictionary<string, string> FeedbackWords = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["too_expensive"] = "too expensive", ["missing_features"] = "missing features", ["switched_service"] = "switched service",
        ["unused"] = "unused", ["customer_service"] = "customer service", ["too_complex"] = "too complex", ["low_quality"] = "low quality",
        ["other"] = "other",
    };

    /// <param name="existing">The account as the store has it: what other sources keep (owner, contacts, channels, segment) stays.</param>
    public static MappedCustomer Map(Customer customer, IReadOnlyList<Subscription> subscriptions, string currency, Account? existing,
        IReadOnlyDictionary<string, Coupon> coupons, DateTimeOffset now, TimeZoneInfo zone)
    {
        var name = customer.Name is { Length: > 0 } n ? n : customer.Email is { Length: > 0 } e ? e : customer.Id;
        var started = subscriptions.Where(Started).ToArray();
        if (started.Length == 0) return new MappedCustomer(null, null);
        if (started.FirstOrDefault(s => !string.Equals(s.Currency, currency, StringComparison.OrdinalIgnoreCase)) is { } foreign)
            return new MappedCustomer(null, $"{name} ({customer.Id}): subscription {foreign.Id} is in {foreign.Currency?.ToUpperInvariant()}, not the team's {currency} (Team:Currency); it is not converted, so the account is not synced.");
        var owner = customer.Metadata?.GetValueOrDefault("owner_email") is { Length: > 0 } o ? o : existing?.OwnerEmail;
        if (owner is null)
            return new MappedCustomer(null, $"{name} ({customer.Id}): no owner: set metadata.owner_email on the customer in Stripe, or sync HubSpot first.");
        var live = started.Where(s => s.Status is not ("canceled" or "incomplete_expired")).ToArray();
        var paying = live.Where(s => s.Status != "trialing").ToArray();
        // Not a customer yet while every subscription it has is a trial.
        if (live.Length > 0 && paying.Length == 0 && existing is null) return new MappedCustomer(null, null);
        var ended = live.Length == 0 ? started.MaxBy(s => s.EndedAt ?? s.CanceledAt ?? DateTime.MinValue) : null;
        var account = new Account
        {
            Id = customer.Id,
            Name = name,
            OwnerEmail = owner,
            // A cancelled account keeps the MRR it paid until it left: what churn lost.
            Mrr = Math.Round(live.Length > 0 ? paying.Sum(s => MonthlyMrr(s, coupons, now)) : MonthlyMrr(ended!, coupons, now), 2),
            StartedOn = started.Min(s => Day(StartOf(s), zone)),
            Plan = (paying.FirstOrDefault() ?? ended)?.Items?.Data.FirstOrDefault()?.Price is { } price ? price.Nickname ?? price.LookupKey ?? existing?.Plan : existing?.Plan,
            RenewalOn = paying.SelectMany(s => s.Items?.Data ?? []).Select(i => (DateTime?)i.CurrentPeriodEnd).Min() is { } end ? Day(end, zone) : existing?.RenewalOn,
            CanceledOn = ended is null ? null : Day(ended.EndedAt ?? ended.CanceledAt ?? now.UtcDateTime, zone),
            ChurnReason = ended is null ? null : ChurnReason(ended.CancellationDetails),
            ContactEmails = existing?.ContactEmails ?? [],
            SlackChannelId = existing?.SlackChannelId,
            TeamsConversationId = existing?.TeamsConversationId,
            Segment = existing?.Segment,
        };
        return Rules.Check(account).FirstOrDefault() is { } broken
            ? new MappedCustomer(null, $"{name} ({customer.Id}): {broken.Field} {broken.Problem}.")
            : new MappedCustomer(account, null);
    }

    /// <summary>
    /// What <see cref="Map"/> reads of a subscription, as a new object: Stripe.net keeps each object's JSON beside it twice
    /// (about 6 KB a subscription), and a full sync holds every subscription until it has read the customers.
    /// </summary>
    public static Subscription Kept(Subscription s) => new()
    {
        Id = s.Id,
        CustomerId = s.CustomerId,
        Status = s.Status,
        Currency = s.Currency,
        StartDate = s.StartDate,
        TrialEnd = s.TrialEnd,
        EndedAt = s.EndedAt,
        CanceledAt = s.CanceledAt,
        CancellationDetails = s.CancellationDetails is { } c ? new SubscriptionCancellationDetails { Feedback = c.Feedback, Comment = c.Comment } : null,
        Items = s.Items is { } items ? new StripeList<SubscriptionItem> { Data = items.Data.Select(Kept).ToList() } : null,
        Discounts = s.Discounts?.OfType<Discount>().Select(d => new Discount
        {
            End = d.End,
            // The id first: setting it after the coupon would drop the coupon.
            Source = d.Source is { } source ? new DiscountSource { CouponId = source.CouponId, Coupon = source.Coupon is { } coupon ? Kept(coupon) : null } : null,
        }).ToList(),
    };

    private static SubscriptionItem Kept(SubscriptionItem i) => new()
    {
        Quantity = i.Quantity,
        CurrentPeriodEnd = i.CurrentPeriodEnd,
        Price = i.Price is { } p ? new Price
        {
            Nickname = p.Nickname, LookupKey = p.LookupKey, UnitAmount = p.UnitAmount, UnitAmountDecimal = p.UnitAmountDecimal,
            Recurring = p.Recurring is { } r ? new PriceRecurring { Interval = r.Interval, IntervalCount = r.IntervalCount } : null,
        } : null,
    };

    private static Coupon Kept(Coupon c) => new() { Id = c.Id, Duration = c.Duration, PercentOff = c.PercentOff, AmountOff = c.AmountOff, Currency = c.Currency };

    /// <summary>What one subscription brings in a month: each item's price per month times its quantity, less its discounts; a trial brings nothing.</summary>
    public static decimal MonthlyMrr(Subscription subscription, IReadOnlyDictionary<string, Coupon> coupons, DateTimeOffset now)
    {
        if (subscription.Status == "trialing") return 0;
        var perPeriodMonths = 1m;
        var total = 0m;
        foreach (var item in subscription.Items?.Data ?? [])
        {
            if (item.Price is not { Recurring: { } recurring } price) continue;
            var months = MonthsIn(recurring.Interval, recurring.IntervalCount);
            perPeriodMonths = months;
            total += Amount(price.UnitAmountDecimal ?? price.UnitAmount ?? 0, subscription.Currency) * item.Quantity / months;
        }
        // Discounts are read expanded (an id alone says nothing of its coupon).
        foreach (var discount in subscription.Discounts?.OfType<Discount>() ?? [])
        {
            if (discount.End is { } end && end <= now.UtcDateTime) continue;
            var coupon = discount.Source?.Coupon ?? (discount.Source?.CouponId is { } id ? coupons.GetValueOrDefault(id) : null);
            // A coupon for the first invoice only is not recurring revenue lost.
            if (coupon is null || coupon.Duration == "once") continue;
            if (coupon.PercentOff is { } percent) total -= total * percent / 100m;
            if (coupon.AmountOff is { } off) total -= Amount(off, coupon.Currency ?? subscription.Currency) / perPeriodMonths;
        }
        return Math.Max(0, total);
    }

    /// <summary>How many months a billing period is: a year 12, a quarter (3 months) 3, a week 12/52.</summary>
    public static decimal MonthsIn(string interval, long count) => Math.Max(1, count) * interval switch
    {
        "year" => 12m,
        "month" => 1m,
        "week" => 12m / 52m,
        "day" => 12m / 365m,
        _ => throw new ArgumentException($"\"{interval}\" is not a Stripe billing interval (day, week, month, year)."),
    };

    private static decimal Amount(decimal smallestUnits, string? currency) => currency is not null && ZeroDecimal.Contains(currency) ? smallestUnits : smallestUnits / 100m;

    private static bool Started(Subscription s) => s.Status is not ("incomplete" or "incomplete_expired") || s.EndedAt is not null && s.TrialEnd is null;

    /// <summary>A subscription that began with a trial started paying when the trial ended.</summary>
    private static DateTime StartOf(Subscription s) => s.TrialEnd is { } trialEnd && trialEnd > s.StartDate && s.Status != "trialing" ? trialEnd : s.StartDate;

    private static string? ChurnReason(SubscriptionCancellationDetails? details)
    {
        var feedback = details?.Feedback is { Length: > 0 } code ? FeedbackWords.GetValueOrDefault(code, code.Replace('_', ' ')) : null;
        var comment = details?.Comment is { Length: > 0 } c ? c.Trim() : null;
        return feedback is null ? comment : comment is null ? feedback : $"{feedback}: {comment}";
    }

    public static DateOnly Day(DateTime utc, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone));

    /// <summary>Whether a write would change what the store has (contacts compared by value): a sync run twice writes nothing.</summary>
    public static bool Differs(Account mapped, Account? stored) =>
        stored is null || mapped with { ContactEmails = [] } != stored with { ContactEmails = [] } || !mapped.ContactEmails.SequenceEqual(stored.ContactEmails);
}
