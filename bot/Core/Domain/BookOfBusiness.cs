using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace SuccessBot.Core.Domain;

/// <summary>Everything the book knows of one account, each list in its own order (see <see cref="BookOfBusiness"/>).</summary>
public sealed record AccountHistory(Account Account, DayOfUse[] Usage, MrrChange[] Mrr, NpsAnswer[] Nps, Touchpoint[] Touchpoints, SurveySent[] Surveys)
{
    /// <summary>
    /// Usage before the book's <see cref="BookOfBusiness.DailyFrom"/>, a row per week (Monday to Sunday) by date: the week's first
    /// day of use, its most active users, its sessions and minutes summed, and every feature used that week.
    /// </summary>
    public DayOfUse[] Weeks { get; init; } = [];
}

/// <summary>
/// An immutable, indexed version of everything the figures are computed from: accounts, their MRR history, daily usage,
/// NPS answers, touchpoints and surveys. Read by every handler without locks. <see cref="Apply"/> makes the next version
/// from a few changes in time proportional to them: the versions share every account they did not change (histories sit
/// in chunks of 1,024 positions; a change copies its chunk and the chunk table, never the book).
/// A CSM's part of the book is a view over an index of positions by owner, not a copy.
/// Orders, the same however a version was made: usage and MRR by day; NPS answers by moment, then contact; touchpoints by
/// moment, kind, author, note and id; surveys by moment, then id. Every change is keyed (a touchpoint by its id), so applying
/// one again changes nothing: a book loaded while writes went on catches up by applying the log after the version read first.
/// </summary>
public sealed class BookOfBusiness
{
    private readonly Lineage _lineage;
    private readonly Chunked<AccountHistory> _all;
    private readonly ImmutableDictionary<string, int[]> _byOwner;
    private readonly ImmutableDictionary<string, int[]> _byContact;
    private readonly ImmutableDictionary<string, PeriodIndex> _ownerIndexes;
    // The global positions this view sees, ascending; null for the whole book.
    private readonly int[]? _scope;
    // The figures' index of what this book or view sees (over global positions).
    private readonly PeriodIndex _index;
    private readonly DateOnly? _dailyFrom;
    private readonly NamesSlot _names;

    public IReadOnlyList<Account> Accounts { get; }

    public static BookOfBusiness Empty => new([], [], [], []);

    public BookOfBusiness(IEnumerable<Account> accounts, IEnumerable<MrrChange> mrrChanges, IEnumerable<UsageDay> usage, IEnumerable<NpsAnswer> nps,
        IEnumerable<Touchpoint>? touchpoints = null, IEnumerable<SurveySent>? surveys = null)
        : this(Load(accounts, mrrChanges, usage, nps, touchpoints ?? [], surveys ?? [])) { }

    private BookOfBusiness((Lineage Lineage, AccountHistory[] Histories) loaded) : this(loaded.Lineage, Chunked<AccountHistory>.Of(loaded.Histories)) { }

    private BookOfBusiness(Lineage lineage, Chunked<AccountHistory> all, DateOnly? dailyFrom = null)
    {
        _lineage = lineage;
        _all = all;
        _dailyFrom = dailyFrom;
        _names = new NamesSlot();
        var owners = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        var contacts = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < all.Count; i++) Index(all[i].Account, i, owners, contacts);
        _byOwner = owners.ToImmutableDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
        _byContact = contacts.ToImmutableDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
        _index = PeriodIndex.Of(Enumerable.Range(0, all.Count).Select(p => (p, all[p])));
        _ownerIndexes = _byOwner.ToImmutableDictionary(o => o.Key, o => PeriodIndex.Of(o.Value.Select(p => (p, all[p]))), StringComparer.OrdinalIgnoreCase);
        Accounts = new AccountList(this);
    }

    private BookOfBusiness(Lineage lineage, Chunked<AccountHistory> all, ImmutableDictionary<string, int[]> byOwner, ImmutableDictionary<string, int[]> byContact,
        ImmutableDictionary<string, PeriodIndex> ownerIndexes, int[]? scope, PeriodIndex index, DateOnly? dailyFrom, NamesSlot names)
    {
        (_lineage, _all, _byOwner, _byContact, _ownerIndexes, _scope, _index, _dailyFrom, _names) = (lineage, all, byOwner, byContact, ownerIndexes, scope, index, dailyFrom, names);
        Accounts = new AccountList(this);
    }

    /// <summary>
    /// A book made of whole histories (a snapshot read back); <paramref name="featureSets"/> numbers the usage days' feature sets,
    /// and <paramref name="dailyFrom"/> is the <see cref="DailyFrom"/> the histories were rolled up to.
    /// </summary>
    public static BookOfBusiness FromHistories(IReadOnlyList<IReadOnlyList<string>> featureSets, IReadOnlyList<AccountHistory> histories, DateOnly? dailyFrom = null)
    {
        var lineage = new Lineage(featureSets);
        for (var i = 0; i < histories.Count; i++)
            if (!lineage.Positions.TryAdd(histories[i].Account.Id, i)) throw new ArgumentException($"Account {histories[i].Account.Id} appears twice.", nameof(histories));
        return new BookOfBusiness(lineage, Chunked<AccountHistory>.Of(histories.ToArray()), dailyFrom);
    }

    /// <summary>The first day whose usage this book keeps day by day; before it, each history keeps weekly rollups (<see cref="AccountHistory.Weeks"/>). Null: every day.</summary>
    public DateOnly? DailyFrom => _dailyFrom;

    /// <summary>
    /// This book with usage before the Monday on or before <paramref name="day"/> rolled up into weeks (this book when it keeps
    /// nothing daily before that), so that the usage it holds grows by a row a week per account instead of a row a day beyond it.
    /// A pass over the histories that have such days: once a week for a serving host.
    /// </summary>
    public BookOfBusiness WithDailyUsageFrom(DateOnly day)
    {
        if (_scope is not null) throw new InvalidOperationException("Usage is rolled up on the whole book, not on a view.");
        var from = MondayOf(day);
        if (_dailyFrom >= from) return this;
        var rolled = new Dictionary<int, AccountHistory>();
        for (var i = 0; i < _all.Count; i++)
            if (_all[i].Usage is { Length: > 0 } days && days[0].Date < from) rolled[i] = RolledUp(_all[i], from);
        return new BookOfBusiness(_lineage, _all.With(rolled, []), _byOwner, _byContact, _ownerIndexes, null, _index, from, _names);
    }

    private AccountHistory RolledUp(AccountHistory history, DateOnly before)
    {
        var days = history.Usage;
        var split = LowerBound(days, before);
        var weeks = new List<DayOfUse>(history.Weeks);
        for (var i = 0; i < split;)
        {
            var monday = MondayOf(days[i].Date);
            int users = 0, sessions = 0, minutes = 0, set = days[i].FeatureSet, j = i;
            var mixed = false;
            for (; j < split && days[j].Date < monday.AddDays(7); j++)
            {
                users = Math.Max(users, days[j].ActiveUsers);
                sessions += days[j].Sessions;
                minutes += days[j].Minutes;
                mixed |= days[j].FeatureSet != set;
            }
            if (mixed) set = _lineage.Features.NumberOf(days[i..j].SelectMany(d => _lineage.Features[d.FeatureSet]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());
            weeks.Add(new DayOfUse(days[i].Date, users, sessions, minutes, set));
            i = j;
        }
        return history with { Usage = days[split..], Weeks = [.. weeks] };
    }

    private static DateOnly MondayOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    public int Count => _scope?.Length ?? _all.Count;

    /// <summary>Every distinct set of feature keys the usage days name, by number (a snapshot writes them once).</summary>
    public IReadOnlyList<IReadOnlyList<string>> FeatureSetTable => _lineage.Features.All;

    /// <summary>The part of the book a CSM sees: the accounts they own, and what belongs to them (a view over the owner index).</summary>
    public BookOfBusiness OwnedBy(string ownerEmail)
    {
        var owner = ownerEmail.Trim();
        var owned = _byOwner.TryGetValue(owner, out var positions) ? positions : [];
        if (_scope is null)
            return new BookOfBusiness(_lineage, _all, _byOwner, _byContact, _ownerIndexes, owned, _ownerIndexes.GetValueOrDefault(owner) ?? PeriodIndex.Empty, _dailyFrom, _names);
        // A view of a view (rare): its own index, over what it sees.
        owned = owned.Where(p => Array.BinarySearch(_scope, p) >= 0).ToArray();
        return new BookOfBusiness(_lineage, _all, _byOwner, _byContact, _ownerIndexes, owned, PeriodIndex.Of(owned.Select(p => (p, _all[p]))), _dailyFrom, _names);
    }

    /// <summary>How many accounts were customers at the start of <paramref name="day"/> (<see cref="Account.IsCustomerAtStartOf"/>), and the MRR they paid that day.</summary>
    public (int Customers, decimal Mrr) CustomersAtStartOf(DateOnly day)
    {
        var (count, mrr) = _index.Customers.Through(day.DayNumber);
        return ((int)count, mrr);
    }

    /// <summary>Positions of the accounts cancelled in [<paramref name="from"/>, <paramref name="toExclusive"/>), by day.</summary>
    public IEnumerable<int> CanceledBetween(DateOnly from, DateOnly toExclusive) => Local(PeriodIndex.Between(_index.Cancellations, from, toExclusive));

    /// <summary>Positions of the accounts whose renewal falls in [<paramref name="from"/>, <paramref name="toExclusive"/>), by day.</summary>
    public IEnumerable<int> RenewingBetween(DateOnly from, DateOnly toExclusive) => Local(PeriodIndex.Between(_index.Renewals, from, toExclusive));

    /// <summary>Positions of the accounts with an MRR change effective in [<paramref name="from"/>, <paramref name="toExclusive"/>), each once.</summary>
    public IEnumerable<int> MrrChangedBetween(DateOnly from, DateOnly toExclusive) => Local(PeriodIndex.Between(_index.MrrChanges, from, toExclusive).Distinct());

    private IEnumerable<int> Local(IEnumerable<int> globals) => _scope is null ? globals : globals.Select(g => Array.BinarySearch(_scope, g));

    /// <summary>Whether someone owns at least one account of this book.</summary>
    public bool HasOwner(string email) => _scope is null ? _byOwner.ContainsKey(email.Trim()) : Accounts.Any(a => string.Equals(a.OwnerEmail, email.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The accounts by what people type, over the whole book's positions (a view shares its book's): see <see cref="AccountsAt"/>.</summary>
    public AccountNames Names => _names.For(_all);

    /// <summary>The accounts this book or view sees at these positions of the whole book (<see cref="Names"/>), in the order given.</summary>
    public IReadOnlyList<Account> AccountsAt(IEnumerable<int> globalPositions) =>
        globalPositions.Where(g => g < _all.Count && (_scope is null || Array.BinarySearch(_scope, g) >= 0)).Select(g => _all[g].Account).ToArray();

    /// <summary>Where the account at <paramref name="position"/> of this book or view sits in the whole book (<see cref="Names"/>).</summary>
    public int WholeBookPositionOf(int position) => _scope?[position] ?? position;

    /// <summary>Whether someone is a customer contact of at least one account of this book.</summary>
    public bool HasContact(string email) => _byContact.TryGetValue(email.Trim(), out var positions) && (_scope is null || positions.Any(p => Array.BinarySearch(_scope, p) >= 0));

    /// <summary>Positions of the accounts someone is a customer contact of (the contact index; no pass over the book).</summary>
    public IEnumerable<int> PositionsOfContact(string email) =>
        _byContact.TryGetValue(email.Trim(), out var positions) ? Local(positions).Where(p => p >= 0) : [];

    public Account? Find(string accountId) => Local(accountId) is { } i ? History(i).Account : null;

    /// <summary>Where an account of this book sits in <see cref="Accounts"/>; the key to the per-position lookups.</summary>
    public int PositionOf(Account account) =>
        Local(account.Id) ?? throw new ArgumentException($"{account.Id} is not in this book.", nameof(account));

    /// <summary>Everything the book keeps of the account at <paramref name="position"/>.</summary>
    public AccountHistory HistoryAt(int position) => History(position);

    /// <summary>Daily usage of one account, oldest first, as separate rows (a copy: passes over many accounts read <see cref="UsageAt"/>).</summary>
    public IReadOnlyList<UsageDay> UsageOf(string accountId) => Local(accountId) is { } i
        ? History(i).Usage.Select(d => new UsageDay(accountId, d.Date, d.ActiveUsers, d.Sessions, d.Minutes, FeaturesOf(d))).ToArray()
        : [];

    /// <summary>The feature keys used on a day of this book.</summary>
    public IReadOnlyList<string> FeaturesOf(DayOfUse day) => _lineage.Features[day.FeatureSet];

    /// <summary>NPS answers of one account, oldest first.</summary>
    public IReadOnlyList<NpsAnswer> NpsOf(string accountId) => Local(accountId) is { } i ? History(i).Nps : [];

    public IReadOnlyList<NpsAnswer> NpsAt(int position) => History(position).Nps;

    /// <summary>Surveys sent to one account's contacts through SuccessBot, oldest first.</summary>
    public IReadOnlyList<SurveySent> SurveysAt(int position) => History(position).Surveys;

    /// <summary>Every NPS answer of these accounts, oldest first (a copy, for tests and exports: figures read <see cref="NpsAt"/>).</summary>
    public IReadOnlyList<NpsAnswer> NpsAnswers => Enumerable.Range(0, Count).SelectMany(i => History(i).Nps).Order(NpsOrder).ToArray();

    /// <summary>Surveys sent through SuccessBot, oldest first (a copy).</summary>
    public IReadOnlyList<SurveySent> Surveys => Enumerable.Range(0, Count).SelectMany(i => History(i).Surveys).Order(SurveyOrder).ToArray();

    /// <summary>What the team did about one account, oldest first.</summary>
    public IReadOnlyList<Touchpoint> TouchpointsOf(string accountId) => Local(accountId) is { } i ? History(i).Touchpoints : [];

    public decimal MrrOn(Account account, DateOnly day) => MrrOn(PositionOf(account), day);

    /// <summary>
    /// What the account at <paramref name="position"/> paid on <paramref name="day"/>: the latest MRR change on or before
    /// it; the first known MRR before that, and the current MRR when there is no history (an account imported without it).
    /// </summary>
    public decimal MrrOn(int position, DateOnly day)
    {
        var history = History(position);
        var changes = history.Mrr;
        if (changes.Length == 0) return history.Account.Mrr;
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
        Local(accountId) is { } i ? UsageBetween(i, from, toExclusive) : [];

    public ReadOnlySpan<DayOfUse> UsageBetween(int position, DateOnly from, DateOnly toExclusive)
    {
        var days = History(position).Usage;
        var start = LowerBound(days, from);
        var end = LowerBound(days, toExclusive);
        return days.AsSpan(start, Math.Max(0, end - start));
    }

    public ReadOnlySpan<DayOfUse> UsageAt(int position) => History(position).Usage;

    /// <summary>The weekly rollups of the account's usage before <see cref="DailyFrom"/>, oldest first.</summary>
    public ReadOnlySpan<DayOfUse> WeeksAt(int position) => History(position).Weeks;

    /// <summary>The next version of the whole book: this one with <paramref name="changes"/> applied in order.</summary>
    /// <exception cref="ChangeNotApplicable">A change names an account the book does not have.</exception>
    public BookOfBusiness Apply(IEnumerable<BookChange> changes)
    {
        if (_scope is not null) throw new InvalidOperationException("Changes apply to the whole book, not to a view of it.");
        var edit = new Edit(this);
        foreach (var change in changes) edit.Apply(change);
        return edit.Build();
    }

    private AccountHistory History(int position) => _all[_scope is null ? position : _scope[position]];

    private int? Local(string accountId)
    {
        if (!_lineage.Positions.TryGetValue(accountId, out var global) || global >= _all.Count) return null;
        if (_scope is null) return global;
        var local = Array.BinarySearch(_scope, global);
        return local >= 0 ? local : null;
    }

    private static void Index(Account account, int position, Dictionary<string, List<int>> owners, Dictionary<string, List<int>> contacts)
    {
        if (!owners.TryGetValue(account.OwnerEmail, out var owned)) owners[account.OwnerEmail] = owned = [];
        owned.Add(position);
        foreach (var contact in account.ContactEmails.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (!contacts.TryGetValue(contact, out var of)) contacts[contact] = of = [];
            of.Add(position);
        }
    }

    private static (Lineage, AccountHistory[]) Load(IEnumerable<Account> accounts, IEnumerable<MrrChange> mrrChanges, IEnumerable<UsageDay> usage,
        IEnumerable<NpsAnswer> nps, IEnumerable<Touchpoint> touchpoints, IEnumerable<SurveySent> surveys)
    {
        var lineage = new Lineage([]);
        var list = accounts.ToArray();
        for (var i = 0; i < list.Length; i++) lineage.Positions[list[i].Id] = i;
        var days = Group(usage, u => u.AccountId, u => new DayOfUse(u.Date, u.ActiveUsers, u.Sessions, u.Minutes, lineage.Features.NumberOf(u.Features)));
        var mrr = Group(mrrChanges, m => m.AccountId, m => m);
        var answers = Group(nps, n => n.AccountId, n => n);
        var actions = Group(touchpoints, t => t.AccountId, t => t);
        var sent = Group(surveys, v => v.AccountId, v => v);
        var histories = new AccountHistory[list.Length];
        for (var i = 0; i < list.Length; i++)
            histories[i] = new AccountHistory(list[i], Sorted(days[i], UsageOrder), Sorted(mrr[i], MrrOrder), Sorted(answers[i], NpsOrder),
                Sorted(actions[i], TouchpointOrder), Sorted(sent[i], SurveyOrder));
        return (lineage, histories);

        List<TOut>?[] Group<TIn, TOut>(IEnumerable<TIn> items, Func<TIn, string> accountOf, Func<TIn, TOut> convert)
        {
            var lists = new List<TOut>?[list.Length];
            foreach (var item in items)
                if (lineage.Positions.TryGetValue(accountOf(item), out var i)) (lists[i] ??= []).Add(convert(item));
            return lists;
        }
    }

    private static T[] Sorted<T>(List<T>? items, IComparer<T> order)
    {
        if (items is null) return [];
        // OrderBy is stable: rows that sort equal keep the order they were read in.
        return items.OrderBy(item => item, order).ToArray();
    }

    internal static readonly IComparer<DayOfUse> UsageOrder = Comparer<DayOfUse>.Create((a, b) => a.Date.CompareTo(b.Date));
    internal static readonly IComparer<MrrChange> MrrOrder = Comparer<MrrChange>.Create((a, b) => a.EffectiveOn.CompareTo(b.EffectiveOn));
    internal static readonly IComparer<NpsAnswer> NpsOrder = Comparer<NpsAnswer>.Create((a, b) =>
        a.AnsweredAt.CompareTo(b.AnsweredAt) is var byTime and not 0 ? byTime
        : string.Compare(a.ContactEmail, b.ContactEmail, StringComparison.OrdinalIgnoreCase) is var byContact and not 0 ? byContact
        : string.CompareOrdinal(a.AccountId, b.AccountId));
    internal static readonly IComparer<Touchpoint> TouchpointOrder = Comparer<Touchpoint>.Create((a, b) =>
        a.At.CompareTo(b.At) is var byTime and not 0 ? byTime
        : string.CompareOrdinal(a.Kind, b.Kind) is var byKind and not 0 ? byKind
        : string.CompareOrdinal(a.By, b.By) is var byWho and not 0 ? byWho
        : string.CompareOrdinal(a.Note, b.Note) is var byNote and not 0 ? byNote
        : string.CompareOrdinal(a.Id, b.Id));
    internal static readonly IComparer<SurveySent> SurveyOrder = Comparer<SurveySent>.Create((a, b) =>
        a.SentAt.CompareTo(b.SentAt) is var byTime and not 0 ? byTime : string.CompareOrdinal(a.Id, b.Id));

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

    /// <summary>What the versions made from one load share: where each account id sits (positions never move) and the feature sets.</summary>
    /// <summary>
    /// The names' index of the versions (and their views) whose accounts kept their names, built on the first question that
    /// needs it; a version that added accounts merges them into the index of the one it grew from, if that one was built.
    /// </summary>
    private sealed class NamesSlot(NamesSlot? grownFrom = null, int addedFrom = 0)
    {
        private AccountNames? _names;
        private NamesSlot? _grownFrom = grownFrom;

        public AccountNames For(Chunked<AccountHistory> all)
        {
            if (_names is { } built) return built;
            var accounts = Enumerable.Range(0, all.Count).Select(p => all[p].Account).ToArray();
            var older = _grownFrom?._names;
            _names = older is not null ? older.With(accounts, addedFrom) : AccountNames.Of(accounts);
            // Built: the older version's index is no longer needed here.
            _grownFrom = null;
            return _names;
        }
    }

    private sealed class Lineage(IReadOnlyList<IReadOnlyList<string>> featureSets)
    {
        // Append-only; a version ignores positions at or beyond its own count (added by a later version).
        public ConcurrentDictionary<string, int> Positions { get; } = new(StringComparer.Ordinal);
        public FeatureSets Features { get; } = new(featureSets);
    }

    private sealed class AccountList(BookOfBusiness book) : IReadOnlyList<Account>
    {
        public Account this[int index] => book.History(index).Account;
        public int Count => book.Count;

        public IEnumerator<Account> GetEnumerator()
        {
            for (var i = 0; i < Count; i++) yield return this[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>The accounts one version changes and adds, and the index entries that move with them.</summary>
    private sealed class Edit(BookOfBusiness from)
    {
        private readonly Dictionary<int, AccountHistory> _changed = [];
        private readonly List<AccountHistory> _added = [];
        private readonly Dictionary<string, (HashSet<int> Add, HashSet<int> Remove)> _owners = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, (HashSet<int> Add, HashSet<int> Remove)> _contacts = new(StringComparer.OrdinalIgnoreCase);

        public void Apply(BookChange change)
        {
            switch (change)
            {
                case AccountsImported imported:
                    foreach (var account in imported.Accounts) Put(account);
                    MergeMrr(imported.MrrChanges);
                    break;
                case MrrHistoryRecorded history:
                    MergeMrr(history.Changes);
                    break;
                case UsageDaysCounted counted:
                    foreach (var group in counted.Days.GroupBy(d => d.AccountId))
                    {
                        var (position, history) = Existing(group.Key, "usage");
                        // A week already rolled up cannot tell a day counted again from a new one: the book is loaded again instead.
                        if (from._dailyFrom is { } dailyFrom && group.Min(u => u.Date) is var early && early < dailyFrom)
                            throw new ChangeNotApplicable($"a usage day of {group.Key} on {early:yyyy-MM-dd} is before {dailyFrom:yyyy-MM-dd}, from which the book keeps usage daily, and its week is rolled up.");
                        var days = group.Select(u => new DayOfUse(u.Date, u.ActiveUsers, u.Sessions, u.Minutes, from._lineage.Features.NumberOf(u.Features)));
                        Set(position, history with { Usage = Merge(history.Usage, days, UsageOrder, (a, b) => a.Date == b.Date) });
                    }
                    break;
                case NpsAnswersRecorded recorded:
                    MergeNps(recorded.Answers);
                    break;
                case TouchpointLogged logged:
                    AddTouchpoint(logged.Touchpoint);
                    break;
                case AccountChurned churned:
                    Existing(churned.Account.Id, "the churn mark");
                    Put(churned.Account);
                    AddTouchpoint(churned.Touchpoint);
                    break;
                case SurveyRecorded survey:
                    PutSurvey(survey.Survey);
                    break;
                case SurveyAnswered answered:
                    PutSurvey(answered.Survey);
                    MergeNps([answered.Answer]);
                    break;
                default:
                    throw new ChangeNotApplicable($"The book does not know the change {change.GetType().Name}.");
            }
        }

        public BookOfBusiness Build()
        {
            var (team, owners) = (from._index, from._ownerIndexes.ToBuilder());
            var renamed = false;
            foreach (var (position, after) in _changed.Select(c => (c.Key, c.Value)).Concat(_added.Select((h, i) => (from._all.Count + i, h))))
            {
                var before = position < from._all.Count ? from._all[position] : null;
                renamed |= before is not null && !string.Equals(before.Account.Name, after.Account.Name, StringComparison.Ordinal);
                // Usage, answers and touchpoints do not move the period figures' index: only the account and its MRR do.
                if (before is not null && ReferenceEquals(before.Account, after.Account) && ReferenceEquals(before.Mrr, after.Mrr)) continue;
                team = team.With(position, before, after);
                if (before is not null && !string.Equals(before.Account.OwnerEmail, after.Account.OwnerEmail, StringComparison.OrdinalIgnoreCase))
                {
                    owners[before.Account.OwnerEmail] = owners[before.Account.OwnerEmail].With(position, before, null);
                    before = null;
                }
                owners[after.Account.OwnerEmail] = (owners.GetValueOrDefault(after.Account.OwnerEmail) ?? PeriodIndex.Empty).With(position, before, after);
            }
            var names = renamed ? new NamesSlot() : _added.Count > 0 ? new NamesSlot(from._names, from._all.Count) : from._names;
            return new(from._lineage, from._all.With(_changed, _added), Moved(from._byOwner, _owners), Moved(from._byContact, _contacts), owners.ToImmutable(), null, team, from._dailyFrom, names);
        }

        private int Count => from._all.Count + _added.Count;

        private AccountHistory Get(int position) =>
            position >= from._all.Count ? _added[position - from._all.Count] : _changed.TryGetValue(position, out var h) ? h : from._all[position];

        private void Set(int position, AccountHistory history)
        {
            if (position >= from._all.Count) _added[position - from._all.Count] = history;
            else _changed[position] = history;
        }

        private int? PositionOf(string accountId) =>
            from._lineage.Positions.TryGetValue(accountId, out var p) && p < Count ? p : null;

        private (int, AccountHistory) Existing(string accountId, string what) => PositionOf(accountId) is { } p
            ? (p, Get(p))
            : throw new ChangeNotApplicable($"{what} names the account {accountId}, which the book does not have.");

        private void Put(Account account)
        {
            if (PositionOf(account.Id) is { } position)
            {
                var before = Get(position).Account;
                Set(position, Get(position) with { Account = account });
                if (!string.Equals(before.OwnerEmail, account.OwnerEmail, StringComparison.OrdinalIgnoreCase))
                {
                    Move(_owners, before.OwnerEmail, position, add: false);
                    Move(_owners, account.OwnerEmail, position, add: true);
                }
                var old = before.ContactEmails.ToHashSet(StringComparer.OrdinalIgnoreCase);
                var now = account.ContactEmails.ToHashSet(StringComparer.OrdinalIgnoreCase);
                foreach (var gone in old.Except(now, StringComparer.OrdinalIgnoreCase)) Move(_contacts, gone, position, add: false);
                foreach (var come in now.Except(old, StringComparer.OrdinalIgnoreCase)) Move(_contacts, come, position, add: true);
                return;
            }
            var added = Count;
            // A position left by an attempt that failed half-way is taken again: no version below this count saw it.
            from._lineage.Positions[account.Id] = added;
            _added.Add(new AccountHistory(account, [], [], [], [], []));
            Move(_owners, account.OwnerEmail, added, add: true);
            foreach (var contact in account.ContactEmails.Distinct(StringComparer.OrdinalIgnoreCase)) Move(_contacts, contact, added, add: true);
        }

        private void MergeMrr(IEnumerable<MrrChange> changes)
        {
            foreach (var group in changes.GroupBy(m => m.AccountId))
            {
                var (position, history) = Existing(group.Key, "an MRR change");
                Set(position, history with { Mrr = Merge(history.Mrr, group, MrrOrder, (a, b) => a.EffectiveOn == b.EffectiveOn) });
            }
        }

        private void MergeNps(IEnumerable<NpsAnswer> answers)
        {
            foreach (var group in answers.GroupBy(a => a.AccountId))
            {
                var (position, history) = Existing(group.Key, "an NPS answer");
                Set(position, history with
                {
                    Nps = Merge(history.Nps, group, NpsOrder, (a, b) => a.AnsweredAt.ToUnixTimeMilliseconds() == b.AnsweredAt.ToUnixTimeMilliseconds()
                        && string.Equals(a.ContactEmail, b.ContactEmail, StringComparison.OrdinalIgnoreCase)),
                });
            }
        }

        private void AddTouchpoint(Touchpoint touchpoint)
        {
            var (position, history) = Existing(touchpoint.AccountId, "a touchpoint");
            Set(position, history with { Touchpoints = Merge(history.Touchpoints, [touchpoint], TouchpointOrder, (a, b) => a.Id.Length > 0 && a.Id == b.Id) });
        }

        private void PutSurvey(SurveySent survey)
        {
            var (position, history) = Existing(survey.AccountId, "a survey");
            Set(position, history with { Surveys = Merge(history.Surveys, [survey], SurveyOrder, (a, b) => a.Id == b.Id) });
        }

        private static void Move(Dictionary<string, (HashSet<int> Add, HashSet<int> Remove)> moves, string key, int position, bool add)
        {
            if (!moves.TryGetValue(key, out var move)) moves[key] = move = ([], []);
            if (add) { move.Remove.Remove(position); move.Add.Add(position); }
            else { move.Add.Remove(position); move.Remove.Add(position); }
        }

        private static ImmutableDictionary<string, int[]> Moved(ImmutableDictionary<string, int[]> index, Dictionary<string, (HashSet<int> Add, HashSet<int> Remove)> moves)
        {
            if (moves.Count == 0) return index;
            var edit = index.ToBuilder();
            foreach (var (key, (add, remove)) in moves)
            {
                var positions = (edit.TryGetValue(key, out var had) ? had : []).Where(p => !remove.Contains(p)).Concat(add).Distinct().Order().ToArray();
                if (positions.Length == 0) edit.Remove(key); else edit[key] = positions;
            }
            return edit.ToImmutable();
        }
    }

    /// <summary>
    /// The rows of <paramref name="existing"/> and <paramref name="incoming"/> in order, in one pass; an incoming row replaces one with the
    /// same key (which sorts equal to it), and of two equal rows that are not the same the one that came first stays first.
    /// </summary>
    private static T[] Merge<T>(T[] existing, IEnumerable<T> incoming, IComparer<T> order, Func<T, T, bool> sameKey)
    {
        var sorted = incoming.OrderBy(r => r, order).ToList();
        if (sorted.Count == 0) return existing;
        // The rows before the first incoming one (all but the last days, for a usage checkpoint) are copied as one block.
        int low = 0, high = existing.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (order.Compare(existing[mid], sorted[0]) < 0) low = mid + 1; else high = mid;
        }
        var tail = new List<T>(existing.Length - low + sorted.Count);
        int i = low, j = 0;
        while (i < existing.Length || j < sorted.Count)
        {
            if (j == sorted.Count) { tail.Add(existing[i++]); continue; }
            // A later incoming row with the same key wins over an earlier one.
            if (j + 1 < sorted.Count && order.Compare(sorted[j], sorted[j + 1]) == 0 && sameKey(sorted[j], sorted[j + 1])) { j++; continue; }
            if (i == existing.Length) { tail.Add(sorted[j++]); continue; }
            var compared = order.Compare(existing[i], sorted[j]);
            if (compared < 0) tail.Add(existing[i++]);
            else if (compared > 0) tail.Add(sorted[j++]);
            else if (sameKey(existing[i], sorted[j])) i++;
            else tail.Add(existing[i++]);
        }
        var result = new T[low + tail.Count];
        Array.Copy(existing, result, low);
        tail.CopyTo(result, low);
        return result;
    }
}

/// <summary>A list split in chunks of 1,024, so that a version with a few items replaced copies those chunks and the table of chunks only.</summary>
internal sealed class Chunked<T>
{
    private const int Shift = 10, Size = 1 << Shift;
    private readonly T[][] _chunks;

    private Chunked(T[][] chunks, int count) => (_chunks, Count) = (chunks, count);

    public int Count { get; }

    public T this[int index] => (uint)index < (uint)Count ? _chunks[index >> Shift][index & (Size - 1)] : throw new ArgumentOutOfRangeException(nameof(index));

    public static Chunked<T> Of(T[] items)
    {
        var chunks = new T[(items.Length + Size - 1) >> Shift][];
        for (var c = 0; c < chunks.Length; c++)
        {
            chunks[c] = new T[Size];
            Array.Copy(items, c << Shift, chunks[c], 0, Math.Min(Size, items.Length - (c << Shift)));
        }
        return new Chunked<T>(chunks, items.Length);
    }

    public Chunked<T> With(IReadOnlyDictionary<int, T> replaced, IReadOnlyList<T> appended)
    {
        if (replaced.Count == 0 && appended.Count == 0) return this;
        var count = Count + appended.Count;
        var chunks = new T[(count + Size - 1) >> Shift][];
        Array.Copy(_chunks, chunks, _chunks.Length);
        var copied = new bool[chunks.Length];
        foreach (var (index, item) in replaced) Set(index, item);
        for (var k = 0; k < appended.Count; k++) Set(Count + k, appended[k]);
        return new Chunked<T>(chunks, count);

        void Set(int index, T item)
        {
            var c = index >> Shift;
            if (!copied[c])
            {
                chunks[c] = chunks[c] is { } old ? (T[])old.Clone() : new T[Size];
                copied[c] = true;
            }
            chunks[c][index & (Size - 1)] = item;
        }
    }
}
