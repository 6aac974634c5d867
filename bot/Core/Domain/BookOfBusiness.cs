namespace SuccessBot.Core.Domain;

/// <summary>
/// An immutable, indexed snapshot of everything the figures are computed from: accounts, their MRR history,
/// daily usage and NPS answers. Built once from plain lists; read by every handler without locks.
/// Each account's history sits in arrays at the account's position, so a pass over 100,000 accounts reads memory
/// in order instead of hashing ids (see PERFORMANCE.md: in-memory answers are what make 50 ms at p99).
/// </summary>
public sealed class BookOfBusiness
{
    private readonly Account[] _accounts;
    private readonly Dictionary<string, int> _position;
    private readonly DayOfUse[][] _usage;
    private readonly FeatureSets _features;
    private readonly MrrChange[][] _mrr;
    private readonly NpsAnswer[][] _nps;
    private readonly Touchpoint[][] _touchpoints;

    public IReadOnlyList<Account> Accounts => _accounts;

    /// <summary>Every NPS answer of these accounts, oldest first.</summary>
    public IReadOnlyList<NpsAnswer> NpsAnswers { get; }

    /// <summary>Surveys sent through SuccessBot, oldest first.</summary>
    public IReadOnlyList<SurveySent> Surveys { get; }

    public static BookOfBusiness Empty { get; } = new([], [], [], []);

    public BookOfBusiness(IEnumerable<Account> accounts, IEnumerable<MrrChange> mrrChanges, IEnumerable<UsageDay> usage, IEnumerable<NpsAnswer> nps,
        IEnumerable<Touchpoint>? touchpoints = null, IEnumerable<SurveySent>? surveys = null)
    {
        _accounts = accounts.ToArray();
        _position = new Dictionary<string, int>(_accounts.Length, StringComparer.Ordinal);
        for (var i = 0; i < _accounts.Length; i++) _position[_accounts[i].Id] = i;
        (_usage, _features) = UsageByPosition(usage);
        _mrr = ByPosition(mrrChanges, m => m.AccountId, m => m.EffectiveOn);
        NpsAnswers = nps.Where(n => _position.ContainsKey(n.AccountId)).OrderBy(n => n.AnsweredAt).ToArray();
        _nps = ByPosition(NpsAnswers, n => n.AccountId, n => n.AnsweredAt);
        _touchpoints = ByPosition(touchpoints ?? [], t => t.AccountId, t => t.At);
        Surveys = (surveys ?? []).Where(v => _position.ContainsKey(v.AccountId)).OrderBy(v => v.SentAt).ToArray();
    }

    private BookOfBusiness(BookOfBusiness all, Func<Account, bool> keep)
    {
        var kept = Enumerable.Range(0, all._accounts.Length).Where(i => keep(all._accounts[i])).ToArray();
        _accounts = kept.Select(i => all._accounts[i]).ToArray();
        _position = new Dictionary<string, int>(_accounts.Length, StringComparer.Ordinal);
        for (var i = 0; i < _accounts.Length; i++) _position[_accounts[i].Id] = i;
        _usage = kept.Select(i => all._usage[i]).ToArray();
        _features = all._features;
        _mrr = kept.Select(i => all._mrr[i]).ToArray();
        _nps = kept.Select(i => all._nps[i]).ToArray();
        _touchpoints = kept.Select(i => all._touchpoints[i]).ToArray();
        NpsAnswers = all.NpsAnswers.Where(n => _position.ContainsKey(n.AccountId)).ToArray();
        Surveys = all.Surveys.Where(v => _position.ContainsKey(v.AccountId)).ToArray();
    }

    /// <summary>The part of the book a CSM sees: the accounts they own, and what belongs to them.</summary>
    public BookOfBusiness OwnedBy(string ownerEmail) =>
        new(this, a => string.Equals(a.OwnerEmail, ownerEmail, StringComparison.OrdinalIgnoreCase));

    public Account? Find(string accountId) => _position.TryGetValue(accountId, out var i) ? _accounts[i] : null;

    /// <summary>Where an account of this book sits in <see cref="Accounts"/>; the key to the per-position lookups.</summary>
    public int PositionOf(Account account) =>
        _position.TryGetValue(account.Id, out var i) ? i : throw new ArgumentException($"{account.Id} is not in this book.", nameof(account));

    /// <summary>Daily usage of one account, oldest first, as separate rows (a copy: passes over many accounts read <see cref="UsageAt"/>).</summary>
    public IReadOnlyList<UsageDay> UsageOf(string accountId) => _position.TryGetValue(accountId, out var i)
        ? _usage[i].Select(d => new UsageDay(accountId, d.Date, d.ActiveUsers, d.Sessions, d.Minutes, FeaturesOf(d))).ToArray()
        : [];

    /// <summary>The feature keys used on a day of this book.</summary>
    public IReadOnlyList<string> FeaturesOf(DayOfUse day) => _features[day.FeatureSet];

    /// <summary>NPS answers of one account, oldest first.</summary>
    public IReadOnlyList<NpsAnswer> NpsOf(string accountId) => _position.TryGetValue(accountId, out var i) ? _nps[i] : [];

    public IReadOnlyList<NpsAnswer> NpsAt(int position) => _nps[position];

    /// <summary>What the team did about one account, oldest first.</summary>
    public IReadOnlyList<Touchpoint> TouchpointsOf(string accountId) => _position.TryGetValue(accountId, out var i) ? _touchpoints[i] : [];

    public decimal MrrOn(Account account, DateOnly day) => MrrOn(PositionOf(account), day);

    /// <summary>
    /// What the account at <paramref name="position"/> paid on <paramref name="day"/>: the latest MRR change on or before
    /// it; the first known MRR before that, and the current MRR when there is no history (an account imported without it).
    /// </summary>
    public decimal MrrOn(int position, DateOnly day)
    {
        var changes = _mrr[position];
        if (changes.Length == 0) return _accounts[position].Mrr;
        int lo = 0, hi = changes.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (changes[mid].EffectiveOn <= day) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return found >= 0 ? changes[found].Mrr : changes[0].Mrr;
    }

    /// <summary>Usage days of an account with <c>from &lt;= Date &lt; toExclusive</c>, without copying.</summary>
    public ReadOnlySpan<DayOfUse> UsageBetween(string accountId, DateOnly from, DateOnly toExclusive) =>
        _position.TryGetValue(accountId, out var i) ? UsageBetween(i, from, toExclusive) : [];

    public ReadOnlySpan<DayOfUse> UsageBetween(int position, DateOnly from, DateOnly toExclusive)
    {
        var days = _usage[position];
        var start = LowerBound(days, from);
        var end = LowerBound(days, toExclusive);
        return days.AsSpan(start, Math.Max(0, end - start));
    }

    public ReadOnlySpan<DayOfUse> UsageAt(int position) => _usage[position];

    private (DayOfUse[][] Days, FeatureSets Features) UsageByPosition(IEnumerable<UsageDay> usage)
    {
        var features = new FeatureSets();
        var lists = new List<DayOfUse>?[_accounts.Length];
        foreach (var u in usage)
            if (_position.TryGetValue(u.AccountId, out var i))
                (lists[i] ??= []).Add(new DayOfUse(u.Date, u.ActiveUsers, u.Sessions, u.Minutes, features.NumberOf(u.Features)));
        return (lists.Select(l => l is null ? [] : l.OrderBy(d => d.Date).ToArray()).ToArray(), features);
    }

    private T[][] ByPosition<T, TKey>(IEnumerable<T> items, Func<T, string> accountOf, Func<T, TKey> order)
    {
        var lists = new List<T>?[_accounts.Length];
        foreach (var item in items)
            if (_position.TryGetValue(accountOf(item), out var i)) (lists[i] ??= []).Add(item);
        return lists.Select(l => l is null ? [] : l.OrderBy(order).ToArray()).ToArray();
    }

    private static int LowerBound(DayOfUse[] days, DateOnly date)
    {
        int lo = 0, hi = days.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (days[mid].Date < date) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
