using System.Collections.Immutable;

namespace SuccessBot.Core.Domain;

/// <summary>
/// What the figures over a period read, for one scope of the book (the team, or one owner's accounts), kept so that a
/// version of the book makes the next one by adding and removing one account's entries, and a period's figure costs
/// its result: customers and their MRR at the start of any day as running sums by day, and the accounts by
/// cancellation, renewal and MRR change day. Keys are day number x 2^20 + position (positions stay below a million).
/// </summary>
internal sealed record PeriodIndex(DaySums Customers, ImmutableSortedSet<long> Cancellations, ImmutableSortedSet<long> Renewals, ImmutableSortedSet<long> MrrChanges)
{
    private const int PositionBits = 20;

    public static PeriodIndex Empty { get; } = new(DaySums.Empty, [], [], []);

    /// <summary>The index of many accounts at once (a load).</summary>
    public static PeriodIndex Of(IEnumerable<(int Position, AccountHistory History)> accounts)
    {
        var days = new Dictionary<int, (long Count, decimal Sum)>();
        var (cancellations, renewals, changes) = (new List<long>(), new List<long>(), new List<long>());
        foreach (var (position, history) in accounts)
        {
            foreach (var (day, count, sum) in CustomerSteps(history))
            {
                var at = days.GetValueOrDefault(day);
                days[day] = (at.Count + count, at.Sum + sum);
            }
            foreach (var key in Keys(position, history.Account.CanceledOn)) cancellations.Add(key);
            foreach (var key in Keys(position, history.Account.RenewalOn)) renewals.Add(key);
            foreach (var change in history.Mrr) changes.Add(Key(change.EffectiveOn, position));
        }
        // Built from whole lists (a sort, then a balanced tree in one pass) rather than by inserting keys one by one.
        return new PeriodIndex(DaySums.Of(days), ImmutableSortedSet.CreateRange(cancellations), ImmutableSortedSet.CreateRange(renewals), ImmutableSortedSet.CreateRange(changes));
    }

    /// <summary>This index with one account's entries replaced: <paramref name="before"/> out (null: it is new), <paramref name="after"/> in (null: it left the scope).</summary>
    public PeriodIndex With(int position, AccountHistory? before, AccountHistory? after)
    {
        var customers = Customers;
        var (cancellations, renewals, changes) = (Cancellations, Renewals, MrrChanges);
        if (before is not null)
        {
            foreach (var (day, count, sum) in CustomerSteps(before)) customers = customers.Add(day, -count, -sum);
            foreach (var key in Keys(position, before.Account.CanceledOn)) cancellations = cancellations.Remove(key);
            foreach (var key in Keys(position, before.Account.RenewalOn)) renewals = renewals.Remove(key);
            foreach (var change in before.Mrr) changes = changes.Remove(Key(change.EffectiveOn, position));
        }
        if (after is not null)
        {
            foreach (var (day, count, sum) in CustomerSteps(after)) customers = customers.Add(day, count, sum);
            foreach (var key in Keys(position, after.Account.CanceledOn)) cancellations = cancellations.Add(key);
            foreach (var key in Keys(position, after.Account.RenewalOn)) renewals = renewals.Add(key);
            foreach (var change in after.Mrr) changes = changes.Add(Key(change.EffectiveOn, position));
        }
        return new PeriodIndex(customers, cancellations, renewals, changes);
    }

    /// <summary>The positions whose day in <paramref name="set"/> is in [<paramref name="from"/>, <paramref name="toExclusive"/>), by day then position.</summary>
    public static IEnumerable<int> Between(ImmutableSortedSet<long> set, DateOnly from, DateOnly toExclusive)
    {
        var first = set.IndexOf(Key(from, 0));
        if (first < 0) first = ~first;
        var end = Key(toExclusive, 0);
        for (var i = first; i < set.Count && set[i] < end; i++) yield return (int)(set[i] & ((1L << PositionBits) - 1));
    }

    private static long Key(DateOnly day, int position) => ((long)day.DayNumber << PositionBits) | (uint)position;

    private static IEnumerable<long> Keys(int position, DateOnly? day) => day is { } d ? [Key(d, position)] : [];

    /// <summary>
    /// How the account moves the count of customers and their MRR at the start of each day: +1 and its MRR the day it starts,
    /// the difference on each MRR change while a customer, -1 and its MRR the day after it cancels (it is a customer at the
    /// start of its cancellation day). The sum through a day is then the account's <see cref="BookOfBusiness.MrrOn(int, DateOnly)"/>.
    /// </summary>
    private static IEnumerable<(int Day, long Count, decimal Sum)> CustomerSteps(AccountHistory history)
    {
        var account = history.Account;
        if (account.CanceledOn is { } canceled && canceled < account.StartedOn) yield break;
        var mrr = history.Mrr;
        decimal At(DateOnly day)
        {
            if (mrr.Length == 0) return account.Mrr;
            var paid = mrr[0].Mrr;
            foreach (var change in mrr)
            {
                if (change.EffectiveOn > day) break;
                paid = change.Mrr;
            }
            return paid;
        }
        var current = At(account.StartedOn);
        yield return (account.StartedOn.DayNumber, 1, current);
        foreach (var change in mrr)
        {
            if (change.EffectiveOn <= account.StartedOn) continue;
            if (account.CanceledOn is { } last && change.EffectiveOn > last) break;
            var now = change.Mrr;
            if (now != current) yield return (change.EffectiveOn.DayNumber, 0, now - current);
            current = now;
        }
        if (account.CanceledOn is { } end) yield return (end.DayNumber + 1, -1, -current);
    }
}

/// <summary>
/// Counts and amounts added at days, summed through any day in logarithmic time; persistent: adding makes a new version
/// that shares all but one path with this one. Days from 1900 to 2258 (2^17 days); a day outside counts at the nearest end.
/// </summary>
internal sealed class DaySums
{
    private const int Depth = 17;
    private static readonly int Origin = new DateOnly(1900, 1, 1).DayNumber;

    private sealed record Node(Node? Left, Node? Right, long Count, decimal Sum);

    private readonly Node? _root;

    private DaySums(Node? root) => _root = root;

    public static DaySums Empty { get; } = new(null);

    public static DaySums Of(IReadOnlyDictionary<int, (long Count, decimal Sum)> days)
    {
        var sums = Empty;
        foreach (var (day, (count, sum)) in days.OrderBy(d => d.Key))
            if (count != 0 || sum != 0) sums = sums.Add(day, count, sum);
        return sums;
    }

    public DaySums Add(int day, long count, decimal sum) => new(Add(_root, Slot(day), Depth, count, sum));

    /// <summary>The totals of everything added at <paramref name="day"/> or before.</summary>
    public (long Count, decimal Sum) Through(int day)
    {
        var slot = Slot(day);
        long count = 0;
        decimal sum = 0;
        var node = _root;
        for (var level = Depth - 1; level >= 0 && node is not null; level--)
        {
            if ((slot >> level & 1) == 1)
            {
                if (node.Left is { } left) { count += left.Count; sum += left.Sum; }
                node = node.Right;
            }
            else node = node.Left;
        }
        if (node is not null) { count += node.Count; sum += node.Sum; }
        return (count, sum);
    }

    private static int Slot(int day) => Math.Clamp(day - Origin, 0, (1 << Depth) - 1);

    private static Node Add(Node? node, int slot, int level, long count, decimal sum)
    {
        if (level == 0) return new Node(null, null, (node?.Count ?? 0) + count, (node?.Sum ?? 0) + sum);
        var right = (slot >> (level - 1) & 1) == 1;
        var left = right ? node?.Left : Add(node?.Left, slot, level - 1, count, sum);
        var rightChild = right ? Add(node?.Right, slot, level - 1, count, sum) : node?.Right;
        return new Node(left, rightChild, (node?.Count ?? 0) + count, (node?.Sum ?? 0) + sum);
    }
}
