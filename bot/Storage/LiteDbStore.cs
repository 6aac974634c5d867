using System.Text.Json;
using LiteDB;
using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;

namespace SuccessBot.Storage;

/// <summary>
/// The store of record: one LiteDB file, opened in shared mode so that `import` and `ask` can use it while the host serves.
/// Dates are stored as UTC; every import runs in one transaction and bumps the data version the host watches.
/// </summary>
public sealed class LiteDbStore : INudgeLedger, IAccountActivity, ISurveyStore, IAuditLog, IStoreTransactions, IDisposable
{
    private const string Accounts = "accounts", MrrHistory = "mrr_history", Usage = "usage", Nps = "nps", Meta = "meta",
        Nudges = "nudges", Signals_ = "signals", Snoozes_ = "snoozes", Touchpoints = "touchpoints", ChurnRecords = "churn_records",
        Surveys = "surveys", OptOuts = "optouts", RefusedClicks = "survey_refused_clicks", Changes = "changes", Audit = "audit";
    // A change log entry holds at most this many rows, so that an import of any size stays far below LiteDB's document limit.
    private const int RowsPerEntry = 2_000;
    private readonly LiteDatabase _db;
    private readonly ThreadLocal<bool> _inTransaction = new();
    private readonly ThreadLocal<List<BookChange>?> _published = new();

    public T InOne<T>(Func<T> work) => InTransaction(work);

    public string Path { get; }

    /// <summary>
    /// LiteDB's page cache grows by up to 1,000 pages at a time (8 MB, on the large object heap) and every transaction in
    /// shared mode starts a new cache, so the daily run left ~120 MB of large garbage per run. Ten pages (80 KB, below the
    /// large object threshold) make the cache reuse its pages instead; the file's pages stay in the OS cache.
    /// </summary>
    static LiteDbStore() =>
        typeof(LiteDatabase).Assembly.GetType("LiteDB.Constants")?.GetField("MEMORY_SEGMENT_SIZES")?.SetValue(null, new[] { 10 });

    public LiteDbStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        // Every lookup is by key (_id, which LiteDB always indexes): account id, "account|day", "account|contact|moment".
        // Figures are computed from the read model, so no secondary index would be read, and each would slow imports.
        _db = new LiteDatabase(new ConnectionString { Filename = Path, Connection = ConnectionType.Shared });
        // The delivery job asks for pending nudges every few seconds.
        _db.GetCollection(Nudges).EnsureIndex("status");
        // Each delivery round asks what was sent today (budgets) and which cards a roll-up lists.
        _db.GetCollection(Nudges).EnsureIndex("sent");
        _db.GetCollection(Nudges).EnsureIndex("ref");
        // `audit --account X --since DATE` and the retention trim read the audit log by account and by moment.
        AuditLog.EnsureIndex("at");
        AuditLog.EnsureIndex("account");
        var meta = _db.GetCollection(Meta);
        if (meta.FindById("store") is null) meta.Upsert(new BsonDocument { ["_id"] = "store", ["value"] = Guid.NewGuid().ToString("N") });
    }

    /// <summary>This file's identity, made when it was created: a snapshot of the book names the store it was taken of.</summary>
    public string StoreId => _db.GetCollection(Meta).FindById("store")["value"].AsString;

    /// <summary>
    /// The sequence number of the last entry of the change log: every write that changes the book appends its changes in the
    /// transaction that makes them, so a read model at version v catches up by applying the entries after v.
    /// </summary>
    public long DataVersion => _db.GetCollection(Meta).FindById("version")?["value"].AsInt64 ?? 0;

    /// <summary>
    /// The changes after <paramref name="version"/>, in order, up to the current version; null when the log no longer reaches back
    /// that far (trimmed, or a store older than the log), so the book must be loaded whole.
    /// </summary>
    /// <exception cref="ChangeNotApplicable">An entry cannot be read (corrupt, or of a kind this version does not know).</exception>
    public IReadOnlyList<(long Version, BookChange Change)>? ChangesAfter(long version)
    {
        var entries = _db.GetCollection(Changes).Find(Query.GT("_id", version)).ToArray();
        var current = DataVersion;
        if (current == version) return [];
        if (entries.Length == 0 || entries[0]["_id"].AsInt64 != version + 1) return null;
        var changes = new List<(long, BookChange)>(entries.Length);
        foreach (var entry in entries)
        {
            var seq = entry["_id"].AsInt64;
            if (seq > current) break;
            if (seq != version + 1 + changes.Count) return null;
            changes.Add((seq, ReadChange(entry)));
        }
        return changes;
    }

    /// <summary>Drops log entries up to <paramref name="version"/> written before <paramref name="before"/> (a snapshot covers them).</summary>
    public int TrimChanges(long version, DateTimeOffset before) =>
        _db.GetCollection(Changes).DeleteMany(Query.And(Query.LTE("_id", version), Query.LT("at", before.UtcDateTime)));

    /// <summary>A collection of the same file for a channel adapter's own records (Teams conversation references, Slack event ids).</summary>
    public ILiteCollection<BsonDocument> Collection(string name) => _db.GetCollection(name);

    public int CountAccounts() => _db.GetCollection(Accounts).Count();

    public Account? FindAccount(string id) => _db.GetCollection(Accounts).FindById(id) is { } d ? ToAccount(d) : null;

    public HashSet<string> AccountIds() =>
        _db.GetCollection(Accounts).Query().Select("$._id").ToEnumerable().Select(d => d["_id"].AsString).ToHashSet(StringComparer.Ordinal);

    public BookOfBusiness LoadBook() => new(
        _db.GetCollection(Accounts).FindAll().Select(ToAccount).ToArray(),
        _db.GetCollection(MrrHistory).FindAll().Select(ToMrrChange).ToArray(),
        LoadUsage(),
        _db.GetCollection(Nps).FindAll().Select(ToNps).ToArray(),
        _db.GetCollection(Touchpoints).FindAll().Select(ToTouchpoint).ToArray(),
        _db.GetCollection(Surveys).FindAll().Select(ToSurveySent).ToArray());

    /// <summary>
    /// The whole book and a version it is at least at: the version is read first, so a write made during the load is in the
    /// log after it, and applying that entry again changes nothing (every change is keyed). No transaction: a load of a large
    /// book takes seconds, and in shared mode a transaction would hold every other process's writes that long.
    /// </summary>
    public (BookOfBusiness Book, long Version) LoadBookAndVersion()
    {
        var version = DataVersion;
        return (LoadBook(), version);
    }

    /// <summary>
    /// Adds or updates accounts. A new account's MRR history starts on its start day; a changed MRR is recorded as
    /// effective on <paramref name="today"/>, so net retention sees expansion and contraction.
    /// </summary>
    public ImportCounts UpsertAccounts(IReadOnlyList<Account> accounts, DateOnly today) => InTransaction(() =>
    {
        var col = _db.GetCollection(Accounts);
        var history = _db.GetCollection(MrrHistory);
        var paying = col.Query().Select("{ _id: $._id, mrr: $.mrr }").ToEnumerable()
            .ToDictionary(d => d["_id"].AsString, d => d["mrr"].AsDecimal, StringComparer.Ordinal);
        var added = new List<BsonDocument>();
        var updated = new List<BsonDocument>();
        var mrrChanges = new List<MrrChange>();
        foreach (var account in accounts)
        {
            if (!paying.TryGetValue(account.Id, out var mrr))
            {
                added.Add(ToDoc(account));
                mrrChanges.Add(new MrrChange(account.Id, account.StartedOn, account.Mrr));
                continue;
            }
            updated.Add(ToDoc(account));
            if (mrr != account.Mrr) mrrChanges.Add(new MrrChange(account.Id, today > account.StartedOn ? today : account.StartedOn, account.Mrr));
        }
        col.InsertBulk(added);
        col.Update(updated);
        foreach (var change in mrrChanges) history.Upsert(MrrDoc(change.AccountId, change.EffectiveOn, change.Mrr));
        Publish(new AccountsImported(accounts.Select(a => ToAccount(ToDoc(a))).ToArray(), mrrChanges));
        return new ImportCounts(added.Count, updated.Count);
    });

    /// <summary>Adds MRR history as it was (demo data and benchmarks), replacing changes on the same day.</summary>
    public int UpsertMrrHistory(IReadOnlyList<MrrChange> changes) => InTransaction(() =>
    {
        var history = _db.GetCollection(MrrHistory);
        foreach (var c in changes) history.Upsert(MrrDoc(c.AccountId, c.EffectiveOn, c.Mrr));
        Publish(new MrrHistoryRecorded(changes));
        return changes.Count;
    });

    /// <summary>Adds or replaces usage, one row per account and day.</summary>
    public ImportCounts UpsertUsage(IReadOnlyList<UsageDay> days) => InTransaction(() =>
    {
        var col = _db.GetCollection(Usage);
        int added = 0;
        foreach (var day in days)
            if (col.Upsert(ToDoc(day))) added++;
        Publish(new UsageDaysCounted(days));
        return new ImportCounts(added, days.Count - added);
    });

    /// <summary>Adds or replaces NPS answers, one per account, contact and moment.</summary>
    public ImportCounts UpsertNps(IReadOnlyList<NpsAnswer> answers) => InTransaction(() =>
    {
        var col = _db.GetCollection(Nps);
        int added = 0;
        foreach (var a in answers)
            if (col.Upsert(ToDoc(a))) added++;
        Publish(new NpsAnswersRecorded(answers.Select(a => ToNps(ToDoc(a))).ToArray()));
        return new ImportCounts(added, answers.Count - added);
    });

    // The nudge ledger.

    public bool Add(NudgeRecord record)
    {
        var nudges = _db.GetCollection(Nudges);
        // A failed insert inside a transaction (a click's, with its audit entry) rolls all of it back: a known key is looked up first.
        if (nudges.FindById(record.Key) is not null) return false;
        // The key is the ledger's own check: a nudge decided before is refused by the index, read or not.
        try { nudges.Insert(ToDoc(record)); }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY) { return false; }
        return true;
    }

    public IReadOnlyList<NudgeRecord> Record(IReadOnlyCollection<NudgeRecord> nudges, IReadOnlyCollection<AccountSignals> firstStates, IReadOnlyCollection<AccountSignals> changedStates,
        IReadOnlyCollection<NudgeRecord> replaced) => InTransaction(() =>
    {
        var col = _db.GetCollection(Nudges);
        var added = nudges.DistinctBy(r => r.Key).Where(r => col.FindById(r.Key) is null).ToArray();
        col.InsertBulk(added.Select(ToDoc));
        col.Update(replaced.Select(ToDoc));
        var states = _db.GetCollection(Signals_);
        states.InsertBulk(firstStates.Select(ToDoc));
        states.Update(changedStates.Select(ToDoc));
        return added;
    });

    public NudgeRecord? Find(string key) => _db.GetCollection(Nudges).FindById(key) is { } d ? ToNudge(d) : null;

    // Read in short transactions of a few hundred keys: one open of the shared file each, and no long hold on it.
    private const int KeysPerRead = 500;

    public IReadOnlySet<string> Known(IReadOnlyCollection<string> keys) =>
        keys.Chunk(KeysPerRead).SelectMany(part => InTransaction(() => part.Where(k => _db.GetCollection(Nudges).FindById(k) is not null).ToArray()))
            .ToHashSet(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, NudgeRecord> FindMany(IReadOnlyCollection<string> keys) =>
        keys.Distinct(StringComparer.Ordinal).Chunk(KeysPerRead)
            .SelectMany(part => InTransaction(() => part.Select(k => _db.GetCollection(Nudges).FindById(k)).OfType<BsonDocument>().Select(ToNudge).ToArray()))
            .ToDictionary(n => n.Key, StringComparer.Ordinal);

    public void Update(NudgeRecord record) => _db.GetCollection(Nudges).Update(ToDoc(record));

    // Keys start "rule|account|": one range of the key index per rule.
    public IReadOnlyList<NudgeRecord> AboutAccount(string accountId) =>
        NudgeRules.AboutAnAccount.SelectMany(rule => _db.GetCollection(Nudges).Find(Query.StartsWith("_id", $"{rule}|{accountId}|"))).Select(ToNudge).ToArray();

    public IReadOnlyList<NudgeRecord> DueForDelivery(DateTimeOffset now) =>
        _db.GetCollection(Nudges).Find(Query.And(Query.EQ("status", nameof(DeliveryStatus.Pending)), Query.LTE("next", now.UtcDateTime))).Select(ToNudge)
            .OrderBy(n => n.CreatedAt).ThenBy(n => n.Key, StringComparer.Ordinal).ToArray();

    public IReadOnlyList<NudgeRecord> CreatedSince(DateTimeOffset from) =>
        _db.GetCollection(Nudges).Find(Query.GTE("created", from.UtcDateTime)).Select(ToNudge).ToArray();

    public IReadOnlyList<NudgeRecord> SentSince(DateTimeOffset from) =>
        _db.GetCollection(Nudges).Find(Query.GTE("sent", from.UtcDateTime)).Select(ToNudge).ToArray();

    public IReadOnlyList<NudgeRecord> ListedIn(string rollUpKey) =>
        _db.GetCollection(Nudges).Find(Query.And(Query.EQ("status", nameof(DeliveryStatus.Listed)), Query.EQ("ref", rollUpKey))).Select(ToNudge).ToArray();

    public IReadOnlyList<NudgeRecord> AllNudges() => _db.GetCollection(Nudges).FindAll().Select(ToNudge).ToArray();

    public IReadOnlyDictionary<string, AccountSignals> Signals() =>
        _db.GetCollection(Signals_).FindAll().ToDictionary(d => d["_id"].AsString, d => new AccountSignals(
            d["_id"].AsString, Enum.Parse<HealthBand>(d["band"].AsString), d["inactive"].AsBoolean, d["falling"].AsBoolean, ToDay(d["seen"])));

    // What CSMs do about accounts.

    public IReadOnlyDictionary<string, Snooze> Snoozes() =>
        _db.GetCollection(Snoozes_).FindAll().ToDictionary(d => d["_id"].AsString, d => new Snooze(
            d["_id"].AsString, ToDay(d["until"]), OrNull(d["reason"]), d["by"].AsString, Enum.Parse<HealthBand>(d["band"].AsString)));

    public void SaveSnooze(Snooze s) => _db.GetCollection(Snoozes_).Upsert(new BsonDocument
    {
        ["_id"] = s.AccountId, ["until"] = FromDay(s.Until), ["reason"] = Nullable(s.Reason), ["by"] = s.By, ["band"] = s.BandWhenSnoozed.ToString(),
    });

    public void EndSnooze(string accountId) => _db.GetCollection(Snoozes_).Delete(accountId);

    public void AddTouchpoint(Touchpoint t) => InTransaction(() =>
    {
        var doc = ToDoc(t);
        _db.GetCollection(Touchpoints).Insert(doc);
        Publish(new TouchpointLogged(ToTouchpoint(doc)));
        return 0;
    });

    public void MarkChurned(AccountChurned churned) => InTransaction(() =>
    {
        var (account, r, touchpoint) = (churned.Account, churned.Record, churned.Touchpoint);
        if (!_db.GetCollection(Accounts).Update(ToDoc(account))) throw new InvalidOperationException($"No account {account.Id}.");
        var touchpointDoc = ToDoc(touchpoint);
        _db.GetCollection(Touchpoints).Insert(touchpointDoc);
        _db.GetCollection(ChurnRecords).Upsert(ChurnDoc(r));
        Publish(new AccountChurned(ToAccount(ToDoc(account)), r, ToTouchpoint(touchpointDoc)));
        return 0;
    });

    public IReadOnlyList<ChurnRecord> ChurnRecordsKept() => _db.GetCollection(ChurnRecords).FindAll().Select(ToChurnRecord).ToArray();

    // NPS surveys.

    public SurveyState? FindSurvey(string id) => _db.GetCollection(Surveys).FindById(id) is { } d ? new SurveyState
    {
        Id = d["_id"].AsString, AccountId = d["account"].AsString, Contact = d["contact"].AsString, CreatedAt = At(d["created"]),
        Score = d["score"].IsNull ? null : d["score"].AsInt32, FirstAnsweredAt = d["first"].IsNull ? null : At(d["first"]),
        LastAnsweredAt = d["last"].IsNull ? null : At(d["last"]), Comment = OrNull(d["comment"]), Closed = d["closed"].AsBoolean,
        Channel = d.TryGetValue("channel", out var channel) ? OrNull(channel) : null,
    } : null;

    public void SaveSurvey(SurveyState s) => InTransaction(() =>
    {
        Publish(new SurveyRecorded(ToSurveySent(WriteSurvey(s))));
        return 0;
    });

    private BsonDocument WriteSurvey(SurveyState s)
    {
        var doc = new BsonDocument
        {
            ["_id"] = s.Id, ["account"] = s.AccountId, ["contact"] = s.Contact, ["lower"] = s.Contact.ToLowerInvariant(), ["created"] = s.CreatedAt.UtcDateTime,
            ["score"] = s.Score is { } score ? new BsonValue(score) : BsonValue.Null,
            ["first"] = s.FirstAnsweredAt is { } f ? f.UtcDateTime : BsonValue.Null, ["last"] = s.LastAnsweredAt is { } l ? l.UtcDateTime : BsonValue.Null,
            ["comment"] = Nullable(s.Comment), ["closed"] = s.Closed, ["channel"] = Nullable(s.Channel),
        };
        _db.GetCollection(Surveys).Upsert(doc);
        return doc;
    }

    public void LogRefusedClick(string surveyId, string? clicker, DateTimeOffset at) => _db.GetCollection(RefusedClicks).Insert(new BsonDocument
    {
        ["survey"] = surveyId, ["clicker"] = Nullable(clicker), ["at"] = at.UtcDateTime,
    });

    public IReadOnlyList<(string SurveyId, string? Clicker)> RefusedSurveyClicks() =>
        _db.GetCollection(RefusedClicks).FindAll().Select(d => (d["survey"].AsString, OrNull(d["clicker"]))).ToArray();

    public IReadOnlyDictionary<string, DateTimeOffset> LastSurveyed() =>
        _db.GetCollection(Surveys).Query().Select("{ lower: $.lower, created: $.created }").ToEnumerable()
            .GroupBy(d => d["lower"].AsString).ToDictionary(g => g.Key, g => g.Max(d => At(d["created"])));

    public IReadOnlySet<string> OptedOut() => _db.GetCollection(OptOuts).FindAll().Select(d => d["_id"].AsString).ToHashSet();

    public IReadOnlySet<string> OptedOutAmong(IReadOnlyCollection<string> contacts) =>
        contacts.Select(c => c.Trim().ToLowerInvariant()).Distinct().Where(c => _db.GetCollection(OptOuts).FindById(c) is not null).ToHashSet();

    public void OptOut(string email, DateTimeOffset at) =>
        _db.GetCollection(OptOuts).Upsert(new BsonDocument { ["_id"] = email.Trim().ToLowerInvariant(), ["at"] = at.UtcDateTime });

    public void SaveAnswered(SurveyState survey) => InTransaction(() =>
    {
        var answer = survey.Answer ?? throw new ArgumentException($"Survey {survey.Id} has no answer yet.", nameof(survey));
        var stored = WriteSurvey(survey);
        _db.GetCollection(Nps).Upsert(ToDoc(answer));
        Publish(new SurveyAnswered(ToSurveySent(stored), ToNps(ToDoc(answer))));
        return 0;
    });

    // The audit log: appended in the transaction of the action it records, read in order, trimmed by age; no other change.

    private ILiteCollection<BsonDocument> AuditLog => _db.GetCollection(Audit, BsonAutoId.Int64);

    public T Recorded<T>(Func<(T Result, AuditEntry? Entry)> act) => InTransaction(() =>
    {
        var (result, entry) = act();
        if (entry is null) return result;
        var values = new BsonDocument();
        foreach (var (name, value) in entry.Values) values[name] = value;
        AuditLog.Insert(new BsonDocument
        {
            ["at"] = entry.At.UtcDateTime, ["who"] = entry.Who, ["channel"] = entry.Channel, ["action"] = entry.Action, ["account"] = Nullable(entry.AccountId),
            ["values"] = values,
        });
        return result;
    });

    public IReadOnlyList<AuditEntry> AuditEntries(string? accountId = null, DateTimeOffset? since = null, string? action = null)
    {
        var query = AuditLog.Query();
        if (action is not null) query = query.Where(Query.EQ("action", action));
        if (accountId is not null) query = query.Where(Query.EQ("account", accountId));
        if (since is { } from) query = query.Where(Query.GTE("at", from.UtcDateTime));
        return query.OrderBy("_id").ToEnumerable().Select(d => new AuditEntry(At(d["at"]), d["who"].AsString, d["channel"].AsString, d["action"].AsString,
            OrNull(d["account"]), d["values"].AsDocument.ToDictionary(v => v.Key, v => v.Value.AsString))).ToArray();
    }

    public int TrimAudit(DateTimeOffset before) => AuditLog.DeleteMany(Query.LT("at", before.UtcDateTime));

    /// <summary>A cheap read that fails if the file cannot be opened, for /healthz.</summary>
    public bool CanRead()
    {
        try { _ = DataVersion; return true; }
        catch (LiteException) { return false; }
        catch (IOException) { return false; }
    }

    public void Dispose()
    {
        _db.Dispose();
        _inTransaction.Dispose();
        _published.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction; store methods called inside it join it, so all of it is kept or none.
    /// The book changes the work published are appended to the change log in the same transaction, one entry per
    /// <see cref="RowsPerEntry"/> rows, each with the next sequence number; the data version is the last one.
    /// </summary>
    public T InTransaction<T>(Func<T> work)
    {
        // Already in one on this thread: join it, and the outer one commits or rolls back. Asking LiteDB's shared mode
        // for a nested transaction would end the outer one, so the store keeps count itself.
        if (_inTransaction.Value) return work();
        if (!_db.BeginTrans()) throw new InvalidOperationException("A transaction is already open on this thread.");
        _inTransaction.Value = true;
        _published.Value = [];
        try
        {
            var result = work();
            AppendToLog(_published.Value);
            _db.Commit();
            return result;
        }
        catch
        {
            _db.Rollback();
            throw;
        }
        finally
        {
            _inTransaction.Value = false;
            _published.Value = null;
        }
    }

    private void Publish(BookChange change) =>
        (_published.Value ?? throw new InvalidOperationException("A book change is published inside a transaction.")).Add(change);

    private void AppendToLog(List<BookChange> changes)
    {
        if (changes.Count == 0) return;
        var meta = _db.GetCollection(Meta);
        var version = meta.FindById("version")?["value"].AsInt64 ?? 0;
        var log = _db.GetCollection(Changes);
        var at = DateTime.UtcNow;
        foreach (var change in changes)
            foreach (var entry in Entries(change))
            {
                entry["_id"] = ++version;
                entry["at"] = at;
                log.Insert(entry);
            }
        meta.Upsert(new BsonDocument { ["_id"] = "version", ["value"] = version });
    }

    private static IEnumerable<BsonDocument> Entries(BookChange change) => change switch
    {
        AccountsImported a => a.Accounts.Chunk(RowsPerEntry).Select(rows => Entry("accounts", rows.Select(ToDoc)))
            .Concat(a.MrrChanges.Chunk(RowsPerEntry).Select(rows => Entry("mrr", rows.Select(m => MrrDoc(m.AccountId, m.EffectiveOn, m.Mrr))))),
        MrrHistoryRecorded m => m.Changes.Chunk(RowsPerEntry).Select(rows => Entry("mrr", rows.Select(c => MrrDoc(c.AccountId, c.EffectiveOn, c.Mrr)))),
        UsageDaysCounted u => u.Days.Chunk(RowsPerEntry).Select(rows => Entry("usage", rows.Select(ToDoc))),
        NpsAnswersRecorded n => n.Answers.Chunk(RowsPerEntry).Select(rows => Entry("nps", rows.Select(ToDoc))),
        TouchpointLogged t => [Entry("touchpoint", [ToDoc(t.Touchpoint)])],
        AccountChurned c => [Entry("churned", [ToDoc(c.Account), ToDoc(c.Touchpoint)], ChurnDoc(c.Record))],
        SurveyRecorded v => [Entry("survey", [SurveyDoc(v.Survey)])],
        SurveyAnswered v => [Entry("answered", [SurveyDoc(v.Survey), ToDoc(v.Answer)])],
        _ => throw new ArgumentException($"The change log does not know {change.GetType().Name}.", nameof(change)),
    };

    private static BsonDocument Entry(string kind, IEnumerable<BsonDocument> rows, BsonDocument? record = null)
    {
        var entry = new BsonDocument { ["kind"] = kind, ["rows"] = new BsonArray(rows) };
        if (record is not null) entry["record"] = record;
        return entry;
    }

    private static BookChange ReadChange(BsonDocument entry)
    {
        try
        {
            var rows = entry["rows"].AsArray.Select(r => r.AsDocument).ToArray();
            return entry["kind"].AsString switch
            {
                "accounts" => new AccountsImported(rows.Select(ToAccount).ToArray(), []),
                "mrr" => new MrrHistoryRecorded(rows.Select(ToMrrChange).ToArray()),
                "usage" => new UsageDaysCounted(rows.Select(ToUsage).ToArray()),
                "nps" => new NpsAnswersRecorded(rows.Select(ToNps).ToArray()),
                "touchpoint" => new TouchpointLogged(ToTouchpoint(rows.Single())),
                "churned" => new AccountChurned(ToAccount(rows[0]), ToChurnRecord(entry["record"].AsDocument), ToTouchpoint(rows[1])),
                "survey" => new SurveyRecorded(ToSurveySent(rows.Single())),
                "answered" => new SurveyAnswered(ToSurveySent(rows[0]), ToNps(rows[1])),
                var kind => throw new ChangeNotApplicable($"Change log entry {entry["_id"]} is of a kind this version does not know: {kind}."),
            };
        }
        catch (Exception e) when (e is not ChangeNotApplicable)
        {
            throw new ChangeNotApplicable($"Change log entry {entry["_id"]} cannot be read ({e.GetType().Name}: {e.Message}): {Cut(entry.ToString())}");
        }
    }

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static BsonDocument ToDoc(NudgeRecord n) => new()
    {
        ["_id"] = n.Key, ["rule"] = n.Rule, ["account"] = n.AccountId, ["recipient"] = n.Recipient,
        ["card"] = System.Text.Json.JsonSerializer.Serialize(NudgeCards.KeepsButtons(n.Rule) ? n.Card : n.Card with { Buttons = [] }, JsonSerializerOptions.Web),
        ["created"] = n.CreatedAt.UtcDateTime, ["status"] = n.Status.ToString(), ["attempts"] = n.Attempts, ["next"] = n.NextAttemptAt.UtcDateTime,
        ["error"] = Nullable(n.LastError), ["sent"] = n.SentAt is { } s ? s.UtcDateTime : BsonValue.Null, ["channel"] = Nullable(n.Channel),
        ["ref"] = Nullable(n.MessageRef), ["by"] = Nullable(n.ActedBy), ["action"] = Nullable(n.Action), ["acted"] = n.ActedAt is { } a ? a.UtcDateTime : BsonValue.Null,
        ["through"] = Nullable(n.HandledThrough),
        ["reason"] = n.Reason is { } r ? new BsonDocument { ["headline"] = r.Headline, ["happened"] = r.Happened } : BsonValue.Null,
    };

    private static BsonDocument ToDoc(AccountSignals s) => new()
    {
        ["_id"] = s.AccountId, ["band"] = s.Band.ToString(), ["inactive"] = s.Inactive, ["falling"] = s.Falling, ["seen"] = FromDay(s.SeenOn),
    };

    private static NudgeRecord ToNudge(BsonDocument d) => ToNudge(d, System.Text.Json.JsonSerializer.Deserialize<Reply>(d["card"].AsString, JsonSerializerOptions.Web)!);

    private static NudgeRecord ToNudge(BsonDocument d, Reply card) => new()
    {
        Key = d["_id"].AsString, Rule = d["rule"].AsString, AccountId = d["account"].AsString, Recipient = d["recipient"].AsString,
        Card = card with { Buttons = NudgeCards.ButtonsFor(d["rule"].AsString, d["_id"].AsString, card.Buttons) },
        CreatedAt = At(d["created"]), Status = Enum.Parse<DeliveryStatus>(d["status"].AsString), Attempts = d["attempts"].AsInt32,
        NextAttemptAt = At(d["next"]), LastError = OrNull(d["error"]), SentAt = d["sent"].IsNull ? null : At(d["sent"]),
        Channel = OrNull(d["channel"]), MessageRef = OrNull(d["ref"]), ActedBy = OrNull(d["by"]), Action = OrNull(d["action"]),
        ActedAt = d["acted"].IsNull ? null : At(d["acted"]),
        // Records written before these fields were kept have neither.
        HandledThrough = d.TryGetValue("through", out var through) ? OrNull(through) : null,
        Reason = d.TryGetValue("reason", out var reason) && reason.IsDocument ? new NudgeReason(reason["headline"].AsString, reason["happened"].AsString) : null,
    };

    private static DateTimeOffset At(BsonValue v) => new(DateTime.SpecifyKind(v.AsDateTime.ToUniversalTime(), DateTimeKind.Utc));

    private static BsonDocument MrrDoc(string accountId, DateOnly on, decimal mrr) => new()
    {
        ["_id"] = $"{accountId}|{on:yyyy-MM-dd}",
        ["account"] = accountId,
        ["on"] = FromDay(on),
        ["mrr"] = mrr,
    };

    private static BsonDocument ToDoc(Account a) => new()
    {
        ["_id"] = a.Id,
        ["name"] = a.Name,
        ["owner"] = a.OwnerEmail,
        ["mrr"] = a.Mrr,
        ["started"] = FromDay(a.StartedOn),
        ["plan"] = Nullable(a.Plan),
        ["renewal"] = a.RenewalOn is { } r ? FromDay(r) : BsonValue.Null,
        ["canceled"] = a.CanceledOn is { } c ? FromDay(c) : BsonValue.Null,
        ["reason"] = Nullable(a.ChurnReason),
        ["contacts"] = new BsonArray(a.ContactEmails.Select(e => new BsonValue(e))),
        ["slack"] = Nullable(a.SlackChannelId),
        ["teams"] = Nullable(a.TeamsConversationId),
        ["segment"] = Nullable(a.Segment),
    };

    private static Account ToAccount(BsonDocument d) => new()
    {
        Id = d["_id"].AsString,
        Name = d["name"].AsString,
        OwnerEmail = d["owner"].AsString,
        Mrr = d["mrr"].AsDecimal,
        StartedOn = ToDay(d["started"]),
        Plan = OrNull(d["plan"]),
        RenewalOn = d["renewal"].IsNull ? null : ToDay(d["renewal"]),
        CanceledOn = d["canceled"].IsNull ? null : ToDay(d["canceled"]),
        ChurnReason = OrNull(d["reason"]),
        ContactEmails = d["contacts"].AsArray.Select(v => v.AsString).ToArray(),
        SlackChannelId = OrNull(d["slack"]),
        TeamsConversationId = OrNull(d["teams"]),
        Segment = OrNull(d["segment"]),
    };

    /// <summary>Read while the book is built, never held as one list: the book keeps each row in a compact form.</summary>
    private IEnumerable<UsageDay> LoadUsage() => _db.GetCollection(Usage).FindAll().Select(ToUsage);

    private static UsageDay ToUsage(BsonDocument d) => new(d["account"].AsString, ToDay(d["date"]), d["users"].AsInt32, d["sessions"].AsInt32,
        d["minutes"].AsInt32, d["features"].AsArray.Select(v => v.AsString).ToArray());

    private static BsonDocument ToDoc(UsageDay day) => new()
    {
        ["_id"] = $"{day.AccountId}|{day.Date:yyyy-MM-dd}",
        ["account"] = day.AccountId,
        ["date"] = FromDay(day.Date),
        ["users"] = day.ActiveUsers,
        ["sessions"] = day.Sessions,
        ["minutes"] = day.Minutes,
        ["features"] = new BsonArray(day.Features.Select(f => new BsonValue(f))),
    };

    private static BsonDocument ToDoc(NpsAnswer a) => new()
    {
        // Milliseconds: what LiteDB keeps of a moment, so an answer read back and saved again keeps its key.
        ["_id"] = $"{a.AccountId}|{a.ContactEmail.ToLowerInvariant()}|{a.AnsweredAt.ToUnixTimeMilliseconds()}",
        ["account"] = a.AccountId,
        ["contact"] = a.ContactEmail,
        ["score"] = a.Score,
        ["comment"] = a.Comment is null ? BsonValue.Null : new BsonValue(a.Comment),
        ["at"] = a.AnsweredAt.UtcDateTime,
    };

    // A touchpoint kept for the first time gets its key here.
    private static BsonDocument ToDoc(Touchpoint t) => new()
    {
        ["_id"] = t.Id.Length > 0 ? new ObjectId(t.Id) : ObjectId.NewObjectId(),
        ["account"] = t.AccountId, ["kind"] = t.Kind, ["note"] = Nullable(t.Note), ["by"] = t.By, ["at"] = t.At.UtcDateTime,
    };

    private static Touchpoint ToTouchpoint(BsonDocument d) =>
        new(d["account"].AsString, d["kind"].AsString, OrNull(d["note"]), d["by"].AsString, At(d["at"])) { Id = d["_id"].IsObjectId ? d["_id"].AsObjectId.ToString() : d["_id"].AsString };

    private static MrrChange ToMrrChange(BsonDocument d) => new(d["account"].AsString, ToDay(d["on"]), d["mrr"].AsDecimal);

    private static SurveySent ToSurveySent(BsonDocument d) => new(d["account"].AsString, At(d["created"]), !d["score"].IsNull, d["_id"].AsString);

    private static BsonDocument SurveyDoc(SurveySent v) => new()
    {
        ["_id"] = v.Id, ["account"] = v.AccountId, ["created"] = v.SentAt.UtcDateTime, ["score"] = v.Answered ? new BsonValue(1) : BsonValue.Null,
    };

    private static BsonDocument ChurnDoc(ChurnRecord r) => new()
    {
        ["_id"] = r.AccountId, ["on"] = FromDay(r.On), ["reason"] = r.Reason, ["note"] = Nullable(r.Note), ["by"] = r.By,
        ["months"] = r.MonthsAsCustomer, ["mrr"] = r.Mrr, ["trend"] = r.SessionTrend is { } t ? new BsonValue(t) : BsonValue.Null,
    };

    private static ChurnRecord ToChurnRecord(BsonDocument d) => new(
        d["_id"].AsString, ToDay(d["on"]), d["reason"].AsString, OrNull(d["note"]), d["by"].AsString, d["months"].AsInt32, d["mrr"].AsDecimal,
        d["trend"].IsNull ? null : d["trend"].AsDouble);

    private static NpsAnswer ToNps(BsonDocument d) => new(
        d["account"].AsString, d["contact"].AsString, d["score"].AsInt32, OrNull(d["comment"]),
        At(d["at"]));

    private static BsonValue FromDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));

    // LiteDB hands dates back in local time; the day is the UTC one it was stored as.
    private static DateOnly ToDay(BsonValue v) => DateOnly.FromDateTime(v.AsDateTime.ToUniversalTime());

    private static BsonValue Nullable(string? s) => s is null ? BsonValue.Null : new BsonValue(s);

    private static string? OrNull(BsonValue v) => v.IsNull ? null : v.AsString;
}

public sealed record ImportCounts(int Added, int Updated);
