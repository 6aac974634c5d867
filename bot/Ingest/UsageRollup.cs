using LiteDB;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Storage;

namespace SuccessBot.Ingest;

/// <summary>
/// Turns checked Segment calls into what the figures read: accounts (from group traits) and one usage row per account and
/// day. Each call to <see cref="Apply"/> is one transaction: every event in it is kept with its effects, or none is.
/// </summary>
public sealed class UsageRollup
{
    private const string RawEvents = "ingest_raw", Users = "ingest_users", Anonymous = "ingest_anonymous", Days = "ingest_days", Aside = "ingest_aside";
    private readonly LiteDbStore _store;
    private readonly IngestSettings _settings;
    private readonly TeamSettings _team;

    public UsageRollup(LiteDbStore store, IngestSettings settings, TeamSettings team)
    {
        _store = store;
        _settings = settings;
        _team = team;
        // The window is trimmed by age; events kept aside are found again by who or which account they belong to.
        store.Collection(RawEvents).EnsureIndex("at");
        store.Collection(Days).EnsureIndex("day");
        foreach (var field in new[] { "user", "anon", "account", "at" }) store.Collection(Aside).EnsureIndex(field);
    }

    /// <summary>What one <see cref="Apply"/> did, for the log and the benchmark.</summary>
    public sealed record Applied(int Counted, int Duplicates, int KeptAside, int Released);

    /// <param name="publish">Whether the host's read model should reload for this write (see <see cref="IngestSettings.PublishEvery"/>).</param>
    public Applied Apply(IReadOnlyList<SegmentEvent> events, DateTimeOffset receivedAt, bool publish) =>
        _store.InTransaction(() => new Cycle(this, receivedAt).Run(events), bumpVersion: publish);

    /// <summary>Tells the host's read model that the usage rows written since the last publish are there to load.</summary>
    public void Publish() => _store.InTransaction(() => 0);

    /// <summary>Trims the raw window and stale events kept aside, and counts those whose account arrived since (by a CSV import).</summary>
    public Applied Sweep(DateTimeOffset now)
    {
        // Trimming changes nothing the figures read: no reload of the read model for it.
        _store.InTransaction(() =>
        {
            _store.Collection(RawEvents).DeleteMany(Query.LT("at", now.UtcDateTime.AddDays(-_settings.RawEventDays)));
            _store.Collection(Days).DeleteMany(Query.LT("day", _team.Today(now).AddDays(-_settings.RawEventDays).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)));
            return _store.Collection(Aside).DeleteMany(Query.LT("at", now.UtcDateTime.AddDays(-_settings.AsideDays)));
        }, bumpVersion: false);
        var arrived = _store.Collection(Aside).Query().Where("$.account != null").Select("$.account").ToEnumerable()
            .Select(d => d["account"].AsString).Distinct(StringComparer.Ordinal).Where(a => _store.FindAccount(a) is not null).ToArray();
        if (arrived.Length == 0) return new Applied(0, 0, 0, 0);
        return _store.InTransaction(() =>
        {
            var cycle = new Cycle(this, now);
            foreach (var account in arrived) cycle.ReleaseAccount(account);
            return cycle.Run([]);
        });
    }

    /// <summary>Whether a call with this messageId is held: in the raw window, or kept aside.</summary>
    public bool Holds(string messageId) =>
        _store.Collection(RawEvents).FindById(messageId) is not null || _store.Collection(Aside).FindById(messageId) is not null;

    /// <summary>How many events wait to be counted (their user or account is not known yet).</summary>
    public int CountAside() => _store.Collection(Aside).Count();

    /// <summary>Events of one account and day as the rollup counted them (the usage row has no place for the count).</summary>
    public int EventsOn(string accountId, DateOnly day) => _store.Collection(Days).FindById(DayKey(accountId, day))?["events"].AsInt32 ?? 0;

    private static string DayKey(string accountId, DateOnly day) => $"{accountId}|{day:yyyy-MM-dd}";

    /// <summary>One account's day: who was active, in which sessions, what they used, on top of a row imported before events came.</summary>
    private sealed class DayState
    {
        public required string AccountId, Key;
        public required DateOnly Day;
        public HashSet<string> UsersSeen = new(StringComparer.Ordinal), SessionsSeen = new(StringComparer.Ordinal), Features = new(StringComparer.Ordinal);
        public int Events, BaseUsers, BaseSessions;
        public double Minutes, BaseMinutes;

        public UsageDay ToUsage() => new(AccountId, Day, BaseUsers + UsersSeen.Count, BaseSessions + SessionsSeen.Count,
            (int)Math.Round(BaseMinutes + Minutes), Features.Order(StringComparer.Ordinal).ToArray());

        public BsonDocument ToDoc() => new()
        {
            ["_id"] = Key, ["account"] = AccountId, ["day"] = Day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            ["users"] = Strings(UsersSeen), ["sessions"] = Strings(SessionsSeen), ["features"] = Strings(Features),
            ["events"] = Events, ["minutes"] = Minutes, ["baseUsers"] = BaseUsers, ["baseSessions"] = BaseSessions, ["baseMinutes"] = BaseMinutes,
        };

        public static DayState From(BsonDocument d, string accountId, DateOnly day) => new()
        {
            AccountId = accountId, Key = d["_id"].AsString, Day = day,
            UsersSeen = Set(d["users"]), SessionsSeen = Set(d["sessions"]), Features = Set(d["features"]),
            Events = d["events"].AsInt32, Minutes = d["minutes"].AsDouble,
            BaseUsers = d["baseUsers"].AsInt32, BaseSessions = d["baseSessions"].AsInt32, BaseMinutes = d["baseMinutes"].AsDouble,
        };

        private static BsonArray Strings(IEnumerable<string> values) => new(values.Select(v => new BsonValue(v)));

        private static HashSet<string> Set(BsonValue v) => v.AsArray.Select(x => x.AsString).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The work of one transaction, with what it has looked up so far.</summary>
    private sealed class Cycle(UsageRollup rollup, DateTimeOffset receivedAt)
    {
        private readonly LiteDbStore _store = rollup._store;
        private readonly Dictionary<string, DayState> _days = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Account> _accountChanges = new(StringComparer.Ordinal);
        private readonly Dictionary<string, bool> _accountExists = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string?> _accountOfUser = new(StringComparer.Ordinal);
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly HashSet<string> _releaseUsers = new(StringComparer.Ordinal), _releaseAnonymous = new(StringComparer.Ordinal), _releaseAccounts = new(StringComparer.Ordinal);
        private int _counted, _duplicates, _aside, _released;

        public void ReleaseAccount(string accountId) => _releaseAccounts.Add(accountId);

        public Applied Run(IReadOnlyList<SegmentEvent> events)
        {
            var raw = _store.Collection(RawEvents);
            foreach (var e in events)
            {
                // Segment's libraries retry with the same messageId: the first one counts, a retry is acknowledged and ignored.
                if (!_seen.Add(e.MessageId) || raw.FindById(e.MessageId) is not null) { _duplicates++; continue; }
                raw.Insert(new BsonDocument { ["_id"] = e.MessageId, ["call"] = e.Call.ToString(), ["at"] = receivedAt.UtcDateTime, ["json"] = e.Raw });
                switch (e.Call)
                {
                    case SegmentCall.Identify: Identify(e); break;
                    case SegmentCall.Group: Group(e); break;
                    default: CountOrSetAside(e); break;
                }
            }
            if (_accountChanges.Count > 0) _store.UpsertAccounts(_accountChanges.Values.ToArray(), rollup._team.Today(receivedAt));
            Release();
            if (_days.Count > 0)
            {
                var states = _store.Collection(Days);
                foreach (var day in _days.Values) states.Upsert(day.ToDoc());
                _store.UpsertUsage(_days.Values.Select(d => d.ToUsage()).ToArray());
            }
            return new Applied(_counted, _duplicates, _aside, _released);
        }

        private void Identify(SegmentEvent e)
        {
            var users = _store.Collection(Users);
            var doc = users.FindById(e.UserKey) ?? new BsonDocument { ["_id"] = e.UserKey, ["account"] = BsonValue.Null };
            if (e.Email is not null) doc["email"] = e.Email;
            if (e.Traits is not null) doc["traits"] = e.Traits;
            users.Upsert(doc);
            LinkAnonymous(e);
        }

        private void Group(SegmentEvent e)
        {
            var accountId = e.AccountId!;
            var existing = _accountChanges.GetValueOrDefault(accountId) ?? _store.FindAccount(accountId);
            var t = e.Account!;
            if (existing is not null)
            {
                var updated = existing with { Name = t.Name ?? existing.Name, Plan = t.Plan ?? existing.Plan, Mrr = t.Mrr ?? existing.Mrr, OwnerEmail = t.OwnerEmail ?? existing.OwnerEmail };
                if (updated != existing) _accountChanges[accountId] = updated;
            }
            else if (t.Name is not null && t.OwnerEmail is not null)
            {
                _accountChanges[accountId] = new Account
                {
                    Id = accountId, Name = t.Name, OwnerEmail = t.OwnerEmail, Mrr = t.Mrr ?? 0, Plan = t.Plan,
                    StartedOn = t.StartedOn ?? rollup._team.Today(e.Timestamp),
                };
            }
            var users = _store.Collection(Users);
            var doc = users.FindById(e.UserKey) ?? new BsonDocument { ["_id"] = e.UserKey };
            doc["account"] = accountId;
            users.Upsert(doc);
            _accountOfUser[e.UserKey] = accountId;
            LinkAnonymous(e);
            _releaseUsers.Add(e.UserKey);
            _releaseAccounts.Add(accountId);
        }

        /// <summary>A call with both ids says which user a visitor became: their earlier anonymous events are theirs.</summary>
        private void LinkAnonymous(SegmentEvent e)
        {
            if (e.UserId is null || e.AnonymousId is null) return;
            _store.Collection(Anonymous).Upsert(new BsonDocument { ["_id"] = e.AnonymousId, ["user"] = e.UserId });
            _releaseAnonymous.Add(e.AnonymousId);
        }

        private void CountOrSetAside(SegmentEvent e)
        {
            var user = UserOf(e);
            var account = e.AccountId ?? AccountOfUser(user);
            if (account is not null && AccountExists(account))
            {
                Count(e, account, user);
                _counted++;
                return;
            }
            _store.Collection(Aside).Upsert(new BsonDocument
            {
                ["_id"] = e.MessageId, ["user"] = Nullable(e.UserId), ["anon"] = Nullable(e.AnonymousId), ["account"] = Nullable(account),
                ["contextAccount"] = Nullable(e.AccountId), ["call"] = e.Call.ToString(), ["at"] = receivedAt.UtcDateTime, ["ts"] = e.Timestamp.UtcDateTime,
                ["feature"] = Nullable(e.Feature), ["minutes"] = e.Minutes, ["session"] = Nullable(e.SessionId), ["json"] = e.Raw,
            });
            _aside++;
        }

        /// <summary>Counts the events kept aside that the users, visitors and accounts of this cycle now place.</summary>
        private void Release()
        {
            if (_releaseUsers.Count + _releaseAnonymous.Count + _releaseAccounts.Count == 0) return;
            var aside = _store.Collection(Aside);
            var waiting = _releaseUsers.SelectMany(u => aside.Find(Query.EQ(u.StartsWith("anon:", StringComparison.Ordinal) ? "anon" : "user", UnKey(u))))
                .Concat(_releaseAnonymous.SelectMany(a => aside.Find(Query.EQ("anon", a))))
                .Concat(_releaseAccounts.SelectMany(a => aside.Find(Query.EQ("account", a))))
                .DistinctBy(d => d["_id"].AsString).ToArray();
            foreach (var d in waiting)
            {
                var e = new SegmentEvent
                {
                    Call = Enum.Parse<SegmentCall>(d["call"].AsString), MessageId = d["_id"].AsString, UserId = OrNull(d["user"]), AnonymousId = OrNull(d["anon"]),
                    AccountId = OrNull(d["contextAccount"]), Timestamp = new DateTimeOffset(DateTime.SpecifyKind(d["ts"].AsDateTime.ToUniversalTime(), DateTimeKind.Utc)),
                    Feature = OrNull(d["feature"]), Minutes = d["minutes"].AsDouble, SessionId = OrNull(d["session"]), Raw = d["json"].AsString,
                };
                var user = UserOf(e);
                if ((e.AccountId ?? AccountOfUser(user)) is not { } account || !AccountExists(account)) continue;
                Count(e, account, user);
                aside.Delete(e.MessageId);
                _released++;
            }
        }

        private static string UnKey(string userKey) => userKey.StartsWith("anon:", StringComparison.Ordinal) ? userKey["anon:".Length..] : userKey;

        /// <summary>The user an event belongs to: its userId, the user its visitor became, or the visitor.</summary>
        private string UserOf(SegmentEvent e) =>
            e.UserId ?? (_store.Collection(Anonymous).FindById(e.AnonymousId) is { } link ? link["user"].AsString : SegmentEvent.AnonymousKey(e.AnonymousId!));

        private string? AccountOfUser(string userKey)
        {
            if (_accountOfUser.TryGetValue(userKey, out var known)) return known;
            var account = _store.Collection(Users).FindById(userKey) is { } d && !d["account"].IsNull ? d["account"].AsString : null;
            _accountOfUser[userKey] = account;
            return account;
        }

        private bool AccountExists(string accountId)
        {
            if (_accountChanges.ContainsKey(accountId)) return true;
            if (!_accountExists.TryGetValue(accountId, out var exists)) _accountExists[accountId] = exists = _store.FindAccount(accountId) is not null;
            return exists;
        }

        private void Count(SegmentEvent e, string accountId, string user)
        {
            var local = TimeZoneInfo.ConvertTime(e.Timestamp, rollup._team.TimeZone);
            var day = DateOnly.FromDateTime(local.DateTime);
            var state = Day(accountId, day);
            state.UsersSeen.Add(user);
            // Without a session id from the sender, a user's half hour of the day is one session.
            state.SessionsSeen.Add(e.SessionId is { } session ? "s:" + session : $"{user}|{(int)local.TimeOfDay.TotalMinutes / 30}");
            state.Events++;
            state.Minutes += e.Minutes;
            if (e.Feature is { } feature) state.Features.Add(feature);
        }

        private DayState Day(string accountId, DateOnly day)
        {
            var key = DayKey(accountId, day);
            if (_days.TryGetValue(key, out var state)) return state;
            if (_store.Collection(Days).FindById(key) is { } doc) state = DayState.From(doc, accountId, day);
            else
            {
                // A row imported (CSV) before events arrived for that day stays in the figures: events add to it.
                var imported = _store.FindUsage(accountId, day);
                state = new DayState { AccountId = accountId, Key = key, Day = day };
                if (imported is { } row)
                {
                    state.BaseUsers = row.ActiveUsers;
                    state.BaseSessions = row.Sessions;
                    state.BaseMinutes = row.Minutes;
                    state.Features.UnionWith(row.Features);
                }
            }
            return _days[key] = state;
        }

        private static BsonValue Nullable(string? s) => s is null ? BsonValue.Null : new BsonValue(s);

        private static string? OrNull(BsonValue v) => v.IsNull ? null : v.AsString;
    }
}
