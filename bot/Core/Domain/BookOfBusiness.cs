namespace SuccessBot.Core.Domain;

/// <summary>
/// An immutable, indexed snapshot of everything the figures are computed from: accounts, their MRR history,
/// daily usage and NPS answers. Built once from plain lists; read by every handler without locks.
/// </summary>
public sealed class BookOfBusiness
{
    private static readonly IReadOnlyList<UsageDay> NoUsage = [];
    private static readonly IReadOnlyList<MrrChange> NoMrrChanges = [];

    private readonly Dictionary<string, Account> _byId;
    private readonly Dictionary<string, UsageDay[]> _usage;
    private readonly Dictionary<string, MrrChange[]> _mrr;
    private readonly Dictionary<string, NpsAnswer[]> _npsByAccount;

    public IReadOnlyList<Account> Accounts { get; }

    /// <summary>Every NPS answer, oldest first.</summary>
    public IReadOnlyList<NpsAnswer> NpsAnswers { get; }

    public static BookOfBusiness Empty { get; } = new([], [], [], []);

    public BookOfBusiness(IEnumerable<Account> accounts, IEnumerable<MrrChange> mrrChanges, IEnumerable<UsageDay> usage, IEnumerable<NpsAnswer> nps)
    {
        Accounts = accounts.ToArray();
        _byId = Accounts.ToDictionary(a => a.Id, StringComparer.Ordinal);
        _usage = usage.GroupBy(u => u.AccountId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(u => u.Date).ToArray(), StringComparer.Ordinal);
        _mrr = mrrChanges.GroupBy(m => m.AccountId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(m => m.EffectiveOn).ToArray(), StringComparer.Ordinal);
        NpsAnswers = nps.OrderBy(n => n.AnsweredAt).ToArray();
        _npsByAccount = IndexNps(NpsAnswers);
    }

    private BookOfBusiness(BookOfBusiness all, Func<Account, bool> keep)
    {
        Accounts = all.Accounts.Where(keep).ToArray();
        _byId = Accounts.ToDictionary(a => a.Id, StringComparer.Ordinal);
        _usage = all._usage;
        _mrr = all._mrr;
        NpsAnswers = all.NpsAnswers.Where(n => _byId.ContainsKey(n.AccountId)).ToArray();
        _npsByAccount = all._npsByAccount;
    }

    private static Dictionary<string, NpsAnswer[]> IndexNps(IReadOnlyList<NpsAnswer> sorted) =>
        sorted.GroupBy(n => n.AccountId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    /// <summary>The part of the book a CSM sees: the accounts they own, and what belongs to them.</summary>
    public BookOfBusiness OwnedBy(string ownerEmail) =>
        new(this, a => string.Equals(a.OwnerEmail, ownerEmail, StringComparison.OrdinalIgnoreCase));

    public Account? Find(string accountId) => _byId.GetValueOrDefault(accountId);

    /// <summary>Daily usage of one account, oldest first.</summary>
    public IReadOnlyList<UsageDay> UsageOf(string accountId) => _usage.TryGetValue(accountId, out var days) ? days : NoUsage;

    /// <summary>NPS answers of one account, oldest first.</summary>
    public IReadOnlyList<NpsAnswer> NpsOf(string accountId) => _npsByAccount.TryGetValue(accountId, out var answers) ? answers : [];

    public IReadOnlyList<MrrChange> MrrHistoryOf(string accountId) => _mrr.TryGetValue(accountId, out var changes) ? changes : NoMrrChanges;

    /// <summary>
    /// What the account paid on <paramref name="day"/>: the latest MRR change on or before it; the current MRR when
    /// the history says nothing earlier (an account imported without history).
    /// </summary>
    public decimal MrrOn(Account account, DateOnly day)
    {
        if (!_mrr.TryGetValue(account.Id, out var changes) || changes.Length == 0) return account.Mrr;
        int lo = 0, hi = changes.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (changes[mid].EffectiveOn <= day) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return found >= 0 ? changes[found].Mrr : changes[0].Mrr;
    }

    /// <summary>Usage days of an account with <c>from &lt;= Date &lt; toExclusive</c>, without copying.</summary>
    public ReadOnlySpan<UsageDay> UsageBetween(string accountId, DateOnly from, DateOnly toExclusive)
    {
        if (!_usage.TryGetValue(accountId, out var days)) return [];
        var start = LowerBound(days, from);
        var end = LowerBound(days, toExclusive);
        return days.AsSpan(start, Math.Max(0, end - start));
    }

    private static int LowerBound(UsageDay[] days, DateOnly date)
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
