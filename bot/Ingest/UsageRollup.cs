using System.Text;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Storage;

namespace SuccessBot.Ingest;

/// <summary>
/// Turns checked Segment calls into what the figures read: accounts (from group traits), one usage row per account and
/// day, and contacts' languages (from identify calls). The state of the days being written (who was active, in which
/// sessions, what they used) is kept in memory; an accepted call is appended to the <see cref="EventLog"/> (on disk before
/// the sender is answered), and a checkpoint writes the changed days, users, links, accounts and languages to the store in
/// one transaction that also records the log position it covers. After a crash, <see cref="Recover"/> loads the checkpoint
/// and replays the log after it: nothing is lost, and nothing is counted twice.
/// </summary>
/// <remarks>One writer (<see cref="IngestWriter"/>) calls everything but <see cref="Store"/>, which a checkpoint runs beside it.</remarks>
public sealed class UsageRollup : IDisposable
{
    /// <summary>Caches of who belongs where are emptied past this many entries, so memory stays bounded.</summary>
    private const int MaxCached = 1_000_000;

    private readonly IIngestStore _state;
    private readonly IBookStore _accounts;
    private readonly IContactLanguageStore _contactLanguages;
    private readonly IStoreTransactions _transactions;
    private readonly IngestSettings _settings;
    private readonly TeamSettings _team;
    private readonly IBookSource _book;
    private readonly TimeProvider _clock;
    private readonly IUsageLog _log;
    private readonly RecentMessageIds _recent;
    private readonly Lock _gate = new();

    private readonly Dictionary<(string Account, DateOnly Day), DayState> _days = new();
    private List<DayState> _dirty = [];
    private readonly Pending<IngestUser> _users;
    private readonly Pending<VisitorLink> _anonymous;
    private readonly Pending<AsideEvent> _aside;
    private readonly Pending<ContactLanguage> _languages;
    private Dictionary<string, AccountChange> _accountsWaiting = new(StringComparer.Ordinal);
    private Dictionary<string, AccountChange>? _accountsStoring;
    private readonly HashSet<string> _knownAccounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _accountOfUser = new(StringComparer.Ordinal), _userOfVisitor = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<ulong> _seenThisCycle = [];
    private readonly HashSet<string> _releaseUsers = new(StringComparer.Ordinal), _releaseAnonymous = new(StringComparer.Ordinal), _releaseAccounts = new(StringComparer.Ordinal);

    /// <summary>Days from this one on are all in memory (loaded at recovery, or new); older ones are read from the store when an event comes late.</summary>
    private DateOnly _allInMemoryFrom;

    private LogPosition _position, _checkpointed;
    private bool _trimDue;

    public UsageRollup(IIngestStore state, IBookStore accounts, IContactLanguageStore contactLanguages, IStoreTransactions transactions, IUsageLog log,
        IngestSettings settings, TeamSettings team, IBookSource book, TimeProvider clock)
    {
        _state = state;
        _accounts = accounts;
        _contactLanguages = contactLanguages;
        _transactions = transactions;
        _settings = settings;
        _team = team;
        _book = book;
        _clock = clock;
        _log = log;
        _recent = new RecentMessageIds(settings);
        _users = new Pending<IngestUser>(state.User, u => u.Key);
        _anonymous = new Pending<VisitorLink>(state.Visitor, v => v.AnonymousId);
        _aside = new Pending<AsideEvent>(state.Aside, a => a.MessageId);
        // Never read back here: whoever writes to the contact reads the store.
        _languages = new Pending<ContactLanguage>(_ => null, l => l.Email);
    }

    /// <summary>
    /// Drops what is in memory and builds it again from the last checkpoint and the log after it: at start, and after a
    /// write that failed half-way. Returns how many logged events were replayed.
    /// </summary>
    public int Recover()
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            _days.Clear();
            _dirty = [];
            _users.Clear();
            _anonymous.Clear();
            _aside.Clear();
            _languages.Clear();
            _accountsWaiting = new(StringComparer.Ordinal);
            _accountsStoring = null;
            _knownAccounts.Clear();
            _accountOfUser.Clear();
            _userOfVisitor.Clear();
            _recent.Clear();
            _log.Close();
            _log.CutTornTails();
            _checkpointed = _state.Checkpointed() is { } c ? new LogPosition(c.File ?? "", c.Offset) : default;
            // The checkpointed file is never swept: without it this is a new log (the old one left elsewhere), read from its start.
            if (_checkpointed.File is { } file && !_log.Holds(file)) _checkpointed = _checkpointed with { Offset = 0 };
            _allInMemoryFrom = _team.Today(now).AddDays(-1);
            foreach (var row in _state.DaysFrom(_allInMemoryFrom))
            {
                var state = DayState.From(row, this);
                _days[(state.AccountId, state.Day)] = state;
            }
            foreach (var id in _log.MessageIds(now - _settings.DedupeWindow)) _recent.Add(UInt64Set.Hash(id), now);
            _position = _checkpointed;
            return Replay(int.MaxValue);
        }
    }

    /// <summary>
    /// Counts what the log holds past the last checkpoint and checkpoints it at once: `migrate --from-litedb`, for the events
    /// the old host had logged but not checkpointed. Returns how many were counted.
    /// </summary>
    public int CountIn(IUsageLead lead)
    {
        var replayed = Recover();
        if (BeginCheckpoint() is not { } checkpoint) return replayed;
        var stored = false;
        try
        {
            Store(checkpoint, lead);
            stored = true;
        }
        finally
        {
            EndCheckpoint(checkpoint, stored);
        }
        return replayed;
    }

    /// <summary>
    /// Counts, in order, at most <paramref name="max"/> of the events the shared log holds past what this host counted (any host
    /// may have committed them; the log holds each messageId once). Only the host that leads calls it. Returns how many.
    /// </summary>
    public int CatchUp(int max)
    {
        lock (_gate) return Replay(max);
    }

    private int Replay(int max)
    {
        var replayed = 0;
        foreach (var (e, receivedAt, after) in _log.ReadFrom(_position).Take(max))
        {
            Apply(e, receivedAt);
            _position = after;
            // Releases wait for the end of a cycle, as when the events first came.
            if (++replayed % 5000 == 0) Release();
        }
        Release();
        return replayed;
    }

    /// <summary>
    /// Counts the calls that are new (a messageId seen before is acknowledged and ignored, as Segment does), then appends
    /// them to the log and flushes it to disk. Throws if that fails; then what is in memory may be half-changed, and the
    /// writer calls <see cref="Recover"/>.
    /// </summary>
    public void Accept(IReadOnlyList<SegmentEvent> events, DateTimeOffset receivedAt)
    {
        var file = _log as EventLog ?? throw new InvalidOperationException("Events for the shared log are committed by the writer and counted by CatchUp.");
        lock (_gate)
        {
            var fresh = new List<SegmentEvent>(events.Count);
            _seenThisCycle.Clear();
            foreach (var e in events)
            {
                var hash = UInt64Set.Hash(e.MessageId);
                if (!_recent.Contains(hash) && _seenThisCycle.Add(hash)) fresh.Add(e);
            }
            foreach (var e in fresh) Apply(e, receivedAt);
            Release();
            if (fresh.Count > 0) _position = file.Append(fresh, receivedAt);
            foreach (var hash in _seenThisCycle) _recent.Add(hash, receivedAt);
        }
    }

    /// <summary>Whether a call with this messageId is held: seen lately, or kept aside.</summary>
    public bool Holds(string messageId)
    {
        lock (_gate) return _recent.Contains(UInt64Set.Hash(messageId)) || _aside.Find(messageId) is not null;
    }

    /// <summary>Events of one account and day as the rollup counted them (the usage row has no place for the count).</summary>
    public int EventsOn(string accountId, DateOnly day)
    {
        lock (_gate)
        {
            return _days.TryGetValue((accountId, day), out var state) ? state.Events
                : _state.Day(accountId, day)?.Events ?? 0;
        }
    }

    /// <summary>
    /// Log files of hours older than the raw window are deleted; events kept aside whose account arrived since (by a CSV
    /// import) are counted. Returns how many were.
    /// </summary>
    public int Sweep(DateTimeOffset now)
    {
        lock (_gate)
        {
            _log.DeleteBefore(now.AddDays(-_settings.RawEventDays), _checkpointed);
            // Day states and events kept aside are trimmed in the next checkpoint's transaction.
            _trimDue = true;
            var waitingFor = _state.AccountsWaitedFor().Concat(_aside.Waiting().Select(a => a.Account).OfType<string>())
                .Distinct(StringComparer.Ordinal).ToArray();
            foreach (var account in waitingFor)
                if (AccountExists(account)) _releaseAccounts.Add(account);
            return Release();
        }
    }

    /// <summary>What one checkpoint writes: taken from memory on the writer's thread, stored on another.</summary>
    internal sealed class Checkpoint
    {
        public required List<DayState> Days { get; init; }
        public required Dictionary<string, IngestUser?> Users { get; init; }
        public required Dictionary<string, VisitorLink?> Anonymous { get; init; }
        public required Dictionary<string, AsideEvent?> Aside { get; init; }
        public required Dictionary<string, ContactLanguage?> Languages { get; init; }
        public required Dictionary<string, AccountChange> Accounts { get; init; }
        public required LogPosition Position { get; init; }
        public required DateTimeOffset At { get; init; }
        public required bool Trim { get; init; }
    }

    /// <summary>Takes what changed since the last checkpoint; null when nothing did. Days taken are frozen: a change to one copies it first.</summary>
    internal Checkpoint? BeginCheckpoint()
    {
        lock (_gate)
        {
            if (_position == _checkpointed && _dirty.Count == 0 && _accountsWaiting.Count == 0 && !_trimDue && !_users.HasWaiting && !_anonymous.HasWaiting && !_aside.HasWaiting
                && !_languages.HasWaiting)
                return null;
            foreach (var day in _dirty)
            {
                day.Dirty = false;
                day.Frozen = true;
            }
            var checkpoint = new Checkpoint
            {
                Days = _dirty, Users = _users.TakeForStoring(), Anonymous = _anonymous.TakeForStoring(), Aside = _aside.TakeForStoring(),
                Languages = _languages.TakeForStoring(),
                Accounts = _accountsStoring = _accountsWaiting, Position = _position, At = _clock.GetUtcNow(), Trim = _trimDue,
            };
            _dirty = [];
            _accountsWaiting = new(StringComparer.Ordinal);
            _trimDue = false;
            return checkpoint;
        }
    }

    /// <summary>
    /// Writes a checkpoint in one transaction; what changes figures reaches the change log (accounts first: usage may name them).
    /// On a log several hosts share, only while <paramref name="lead"/> is still this host's (else <see cref="LeadLost"/>, nothing written).
    /// </summary>
    internal void Store(Checkpoint c, IUsageLead? lead) => _transactions.InOne(() =>
    {
        lead?.Confirm();
        var today = _team.Today(c.At);
        if (c.Accounts.Count > 0)
            _accounts.UpsertAccounts(c.Accounts.Select(a => a.Value.ApplyTo(a.Key, _accounts.FindAccount(a.Key))).OfType<Account>().ToArray(), today);
        if (c.Days.Count > 0) _accounts.UpsertUsage(c.Days.Select(d => d.ToUsage()).ToArray());
        if (c.Languages.Count > 0) _contactLanguages.Save(c.Languages.Values.OfType<ContactLanguage>().ToArray());
        _state.Store(new IngestCheckpoint(c.Days.Select(d => d.ToRow()).ToArray(), c.Users, c.Anonymous, c.Aside, new IngestPosition(c.Position.File, c.Position.Offset),
            c.Trim ? today.AddDays(-_settings.RawEventDays) : null, c.Trim ? c.At.AddDays(-_settings.AsideDays) : null));
        return 0;
    });

    /// <summary>
    /// After <see cref="Store"/>: on success the checkpoint is the one to recover from, and days that can no longer
    /// change much (before yesterday) leave memory; on failure what it held waits for the next one.
    /// </summary>
    internal void EndCheckpoint(Checkpoint c, bool stored)
    {
        lock (_gate)
        {
            _users.EndStoring(stored);
            _anonymous.EndStoring(stored);
            _aside.EndStoring(stored);
            _languages.EndStoring(stored);
            if (!stored)
            {
                foreach (var (id, change) in c.Accounts) _accountsWaiting[id] = _accountsWaiting.TryGetValue(id, out var later) ? change.Then(later) : change;
                _trimDue |= c.Trim;
            }
            _accountsStoring = null;
            foreach (var day in c.Days)
            {
                day.Frozen = false;
                // A day changed since was copied, and the copy is waiting for the next checkpoint already.
                if (!stored && _days.TryGetValue((day.AccountId, day.Day), out var current) && current == day && !day.Dirty)
                {
                    day.Dirty = true;
                    _dirty.Add(day);
                }
            }
            if (!stored) return;
            _checkpointed = c.Position;
            var keepFrom = _team.Today(_clock.GetUtcNow()).AddDays(-1);
            if (keepFrom <= _allInMemoryFrom) return;
            foreach (var key in _days.Where(d => d.Key.Day < keepFrom && !d.Value.Dirty && !d.Value.Frozen).Select(d => d.Key).ToArray()) _days.Remove(key);
            _allInMemoryFrom = keepFrom;
        }
    }

    public void Dispose() => _log.Dispose();

    private void Apply(SegmentEvent e, DateTimeOffset receivedAt)
    {
        switch (e.Call)
        {
            case SegmentCall.Identify: Identify(e); break;
            case SegmentCall.Group: Group(e); break;
            case SegmentCall.Alias: Alias(e); break;
            default: CountOrSetAside(e, receivedAt); break;
        }
    }

    /// <summary>Who the user is; a locale is their contact's language, by the email this call or an earlier one gave (none: nothing to keep it by).</summary>
    private void Identify(SegmentEvent e)
    {
        var user = _users.Find(e.UserKey) ?? new IngestUser(e.UserKey, null);
        var email = e.Email ?? user.Email;
        _users.Put(e.UserKey, user with { Email = email, Traits = e.Traits ?? user.Traits });
        if (e.Locale is { } locale && email is not null)
        {
            var contact = email.Trim().ToLowerInvariant();
            _languages.Put(contact, new ContactLanguage(contact, locale));
        }
        if (e.UserId is not null && e.AnonymousId is not null) LinkVisitor(e.AnonymousId, e.UserId);
    }

    private void Group(SegmentEvent e)
    {
        var accountId = e.AccountId!;
        var change = new AccountChange(e.Account!, _team.Today(e.Timestamp));
        _accountsWaiting[accountId] = _accountsWaiting.TryGetValue(accountId, out var earlier) ? earlier.Then(change) : change;
        _users.Put(e.UserKey, (_users.Find(e.UserKey) ?? new IngestUser(e.UserKey, null)) with { Account = accountId });
        Cache(_accountOfUser, e.UserKey, accountId);
        if (e.UserId is not null && e.AnonymousId is not null) LinkVisitor(e.AnonymousId, e.UserId);
        _releaseUsers.Add(e.UserKey);
        // Former ids aliased to this user before it was grouped: their events are this account's now too.
        foreach (var former in _users.Where(u => u.Alias == e.UserKey, _state.AliasesOf(e.UserKey)).Select(u => u.Key).ToArray())
        {
            _accountOfUser.Remove(former);
            _releaseUsers.Add(former);
        }
        _releaseAccounts.Add(accountId);
    }

    /// <summary>Alias says the user was known by another id before: taken as a visitor's id, whose events are then the user's (as identify does).</summary>
    private void Alias(SegmentEvent e)
    {
        LinkVisitor(e.PreviousId!, e.UserId!);
        // A previous userId that nobody grouped: its events kept aside are the new user's too.
        if (AccountOfUser(e.PreviousId!) is null)
        {
            _users.Put(e.PreviousId!, (_users.Find(e.PreviousId!) ?? new IngestUser(e.PreviousId!, null)) with { Alias = e.UserId });
            _accountOfUser.Remove(e.PreviousId!);
            _releaseUsers.Add(e.PreviousId!);
        }
    }

    /// <summary>A call with both ids says which user a visitor became: their earlier anonymous events are theirs.</summary>
    private void LinkVisitor(string anonymousId, string userId)
    {
        _anonymous.Put(anonymousId, new VisitorLink(anonymousId, userId));
        Cache(_userOfVisitor, anonymousId, userId);
        _releaseAnonymous.Add(anonymousId);
    }

    private void CountOrSetAside(SegmentEvent e, DateTimeOffset receivedAt)
    {
        var user = UserOf(e);
        var account = e.AccountId ?? AccountOfUser(user);
        if (account is not null && AccountExists(account))
        {
            Count(e, account, user);
            return;
        }
        _aside.Put(e.MessageId, new AsideEvent(e.MessageId, e.UserId, e.AnonymousId, account, e.AccountId, e.Call.ToString(), receivedAt, e.Timestamp,
            e.Feature, e.Minutes, e.SessionId, Encoding.UTF8.GetString(e.Raw.Span)));
    }

    /// <summary>Counts the events kept aside that the users, visitors and accounts of this cycle now place; returns how many.</summary>
    private int Release()
    {
        if (_releaseUsers.Count + _releaseAnonymous.Count + _releaseAccounts.Count == 0) return 0;
        var waiting = _releaseUsers.SelectMany(u => u.StartsWith("anon:", StringComparison.Ordinal) ? AsideOf(AsideKey.Anonymous, u["anon:".Length..]) : AsideOf(AsideKey.User, u))
            .Concat(_releaseAnonymous.SelectMany(a => AsideOf(AsideKey.Anonymous, a)))
            .Concat(_releaseAccounts.SelectMany(a => AsideOf(AsideKey.Account, a)))
            .DistinctBy(a => a.MessageId).ToArray();
        _releaseUsers.Clear();
        _releaseAnonymous.Clear();
        _releaseAccounts.Clear();
        var released = 0;
        foreach (var a in waiting)
        {
            var e = new SegmentEvent
            {
                Call = Enum.Parse<SegmentCall>(a.Call), MessageId = a.MessageId, UserId = a.User, AnonymousId = a.Anonymous, AccountId = a.ContextAccount,
                Timestamp = a.Timestamp, Feature = a.Feature, Minutes = a.Minutes, SessionId = a.Session, Raw = Encoding.UTF8.GetBytes(a.Json),
            };
            var user = UserOf(e);
            if ((e.AccountId ?? AccountOfUser(user)) is not { } account || !AccountExists(account)) continue;
            Count(e, account, user);
            _aside.Delete(e.MessageId);
            released++;
        }
        return released;
    }

    private IEnumerable<AsideEvent> AsideOf(AsideKey key, string value) => _aside.Where(a => (key switch
    {
        AsideKey.User => a.User, AsideKey.Anonymous => a.Anonymous, _ => a.Account,
    }) == value, _state.AsideWhere(key, value));

    /// <summary>The user an event belongs to: its userId, the user its visitor became, or the visitor.</summary>
    private string UserOf(SegmentEvent e)
    {
        if (e.UserId is { } userId) return userId;
        var visitor = e.AnonymousId!;
        if (!_userOfVisitor.TryGetValue(visitor, out var user))
            Cache(_userOfVisitor, visitor, user = _anonymous.Find(visitor)?.UserId);
        return user ?? SegmentEvent.AnonymousKey(visitor);
    }

    /// <summary>The account a user was grouped into, or (one step only, so aliases cannot loop) that of the user an alias says they became.</summary>
    private string? AccountOfUser(string userKey)
    {
        if (_accountOfUser.TryGetValue(userKey, out var known)) return known;
        var user = _users.Find(userKey);
        var account = user?.Account ?? (user?.Alias is { } alias ? _users.Find(alias)?.Account : null);
        Cache(_accountOfUser, userKey, account);
        return account;
    }

    private bool AccountExists(string accountId)
    {
        if (_knownAccounts.Contains(accountId) || _book.Current.Find(accountId) is not null) return true;
        if (_accountsWaiting.GetValueOrDefault(accountId)?.Creates == true || _accountsStoring?.GetValueOrDefault(accountId)?.Creates == true) return true;
        if (_accounts.FindAccount(accountId) is null) return false;
        _knownAccounts.Add(accountId);
        return true;
    }

    private void Count(SegmentEvent e, string accountId, string user)
    {
        var local = TimeZoneInfo.ConvertTime(e.Timestamp, _team.TimeZone);
        var state = Writable(accountId, DateOnly.FromDateTime(local.DateTime));
        state.Users.Add(UInt64Set.Hash(user));
        // Without a session id from the sender, a user's half hour of the day is one session.
        state.Sessions.Add(UInt64Set.Hash(e.SessionId is { } session ? "s:" + session : $"{user}|{(int)local.TimeOfDay.TotalMinutes / 30}"));
        state.Events++;
        state.Minutes += e.Minutes;
        if (e.Feature is { } feature && !state.Features.Contains(feature)) state.Features.Add(Name(feature));
    }

    /// <summary>The day's state to change: from memory, else from the store's checkpoint or a new one; a frozen one is copied first.</summary>
    private DayState Writable(string accountId, DateOnly day)
    {
        if (!_days.TryGetValue((accountId, day), out var state))
        {
            state = day < _allInMemoryFrom && _state.Day(accountId, day) is { } row ? DayState.From(row, this) : New(accountId, day);
            _days[(state.AccountId, day)] = state;
        }
        else if (state.Frozen)
        {
            state = state.Copy();
            _days[(state.AccountId, day)] = state;
        }
        if (!state.Dirty)
        {
            state.Dirty = true;
            _dirty.Add(state);
        }
        return state;
    }

    /// <summary>A day without events yet: a row imported (CSV) before events arrived stays in the figures, and events add to it.</summary>
    private DayState New(string accountId, DateOnly day)
    {
        var state = new DayState { AccountId = Name(accountId), Day = day };
        var book = _book.Current;
        foreach (var imported in book.UsageBetween(accountId, day, day.AddDays(1)))
        {
            state.BaseUsers = imported.ActiveUsers;
            state.BaseSessions = imported.Sessions;
            state.BaseMinutes = imported.Minutes;
            state.Features.AddRange(book.FeaturesOf(imported).Select(Name));
        }
        return state;
    }

    /// <summary>One string per account id and feature name in memory, however many events carry it.</summary>
    private string Name(string text)
    {
        if (_names.TryGetValue(text, out var kept)) return kept;
        if (_names.Count >= MaxCached) _names.Clear();
        return _names[text] = text;
    }

    private static void Cache(Dictionary<string, string?> cache, string key, string? value)
    {
        if (cache.Count >= MaxCached) cache.Clear();
        cache[key] = value;
    }

    /// <summary>What group calls said about an account since the last checkpoint, applied to the stored account inside the checkpoint.</summary>
    internal sealed record AccountChange(AccountTraits Traits, DateOnly StartedOnIfNew)
    {
        public bool Creates => Traits.Name is not null && Traits.OwnerEmail is not null;

        /// <summary>This change, then a later one: what the later one gives wins.</summary>
        public AccountChange Then(AccountChange later) => new(new AccountTraits(later.Traits.Name ?? Traits.Name, later.Traits.Plan ?? Traits.Plan,
            later.Traits.Mrr ?? Traits.Mrr, later.Traits.OwnerEmail ?? Traits.OwnerEmail, later.Traits.StartedOn ?? Traits.StartedOn), StartedOnIfNew);

        public Account? ApplyTo(string accountId, Account? existing)
        {
            var t = Traits;
            if (existing is not null)
                return existing with { Name = t.Name ?? existing.Name, Plan = t.Plan ?? existing.Plan, Mrr = t.Mrr ?? existing.Mrr, OwnerEmail = t.OwnerEmail ?? existing.OwnerEmail };
            return Creates
                ? new Account { Id = accountId, Name = t.Name!, OwnerEmail = t.OwnerEmail!, Mrr = t.Mrr ?? 0, Plan = t.Plan, StartedOn = t.StartedOn ?? StartedOnIfNew }
                : null;
        }
    }

    /// <summary>One account's day: who was active, in which sessions, what they used, on top of a row imported before events came.</summary>
    internal sealed class DayState
    {
        public required string AccountId;
        public required DateOnly Day;
        public UInt64Set Users = new(), Sessions = new();
        public List<string> Features = [];
        public int Events, BaseUsers, BaseSessions;
        public double Minutes, BaseMinutes;

        /// <summary>Changed since the last checkpoint took it.</summary>
        public bool Dirty;

        /// <summary>Taken by a checkpoint that is being stored: not to be changed (a change copies it).</summary>
        public bool Frozen;

        public DayState Copy() => new()
        {
            AccountId = AccountId, Day = Day, Users = Users.Clone(), Sessions = Sessions.Clone(), Features = [.. Features],
            Events = Events, BaseUsers = BaseUsers, BaseSessions = BaseSessions, Minutes = Minutes, BaseMinutes = BaseMinutes,
        };

        public UsageDay ToUsage() => new(AccountId, Day, BaseUsers + Users.Count, BaseSessions + Sessions.Count,
            (int)Math.Round(BaseMinutes + Minutes), Features.Order(StringComparer.Ordinal).ToArray());

        public IngestDay ToRow() => new(AccountId, Day, Users.ToBytes(), Sessions.ToBytes(), [.. Features], Events, Minutes, BaseUsers, BaseSessions, BaseMinutes);

        public static DayState From(IngestDay d, UsageRollup rollup) => new()
        {
            AccountId = rollup.Name(d.AccountId), Day = d.Day, Users = UInt64Set.FromBytes(d.Users), Sessions = UInt64Set.FromBytes(d.Sessions),
            Features = d.Features.Select(rollup.Name).ToList(), Events = d.Events, Minutes = d.Minutes,
            BaseUsers = d.BaseUsers, BaseSessions = d.BaseSessions, BaseMinutes = d.BaseMinutes,
        };
    }

    /// <summary>Writes of one kind that wait for the next checkpoint; reads see them before the store's rows.</summary>
    private sealed class Pending<T>(Func<string, T?> stored, Func<T, string> idOf) where T : class
    {
        private Dictionary<string, T?> _waiting = new(StringComparer.Ordinal);
        private Dictionary<string, T?>? _storing;

        public bool HasWaiting => _waiting.Count > 0;

        public T? Find(string id) =>
            _waiting.TryGetValue(id, out var value) || (_storing?.TryGetValue(id, out value) ?? false) ? value : stored(id);

        public void Put(string id, T value) => _waiting[id] = value;

        public void Delete(string id) => _waiting[id] = null;

        /// <summary>The rows that <paramref name="match"/>, as they will be after the waiting writes (<paramref name="storedMatches"/>: the store's).</summary>
        public IEnumerable<T> Where(Func<T, bool> match, IEnumerable<T> storedMatches)
        {
            var decided = new HashSet<string>(StringComparer.Ordinal);
            foreach (var layer in new[] { _waiting, _storing })
            {
                if (layer is null) continue;
                foreach (var (id, value) in layer)
                    if (decided.Add(id) && value is not null && match(value)) yield return value;
            }
            foreach (var value in storedMatches)
                if (!decided.Contains(idOf(value))) yield return value;
        }

        /// <summary>The rows written since the last checkpoint (not deletions).</summary>
        public IEnumerable<T> Waiting() => _waiting.Values.Concat(_storing?.Values ?? Enumerable.Empty<T?>()).OfType<T>();

        public Dictionary<string, T?> TakeForStoring()
        {
            _storing = _waiting;
            _waiting = new(StringComparer.Ordinal);
            return _storing;
        }

        public void EndStoring(bool stored)
        {
            if (!stored && _storing is not null)
                foreach (var (id, value) in _storing) _waiting.TryAdd(id, value);
            _storing = null;
        }

        public void Clear()
        {
            _waiting.Clear();
            _storing = null;
        }
    }
}
