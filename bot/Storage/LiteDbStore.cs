using LiteDB;
using Microsoft.Extensions.Logging;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Storage;

namespace SuccessBot.Storage;

/// <summary>
/// The store of record: one LiteDB file, opened in shared mode so that `import` and `ask` can use it while the host serves.
/// It owns the file, the transactions and the change log; each port of the core is one small store over it
/// (<see cref="Book"/>, <see cref="Ledger"/>, <see cref="Activity"/>, <see cref="Surveys"/>, <see cref="Audit"/>,
/// <see cref="SlackEvents"/>, <see cref="TeamsReferences"/>, <see cref="Ingest"/>, <see cref="Sync"/>).
/// </summary>
public sealed class LiteDbStore : IStoreTransactions, IChangeFeed, IDisposable
{
    private readonly LiteDatabase _db;
    private readonly ILogger<LiteDbStore>? _log;
    private readonly ThreadLocal<bool> _inTransaction = new();
    private readonly ThreadLocal<List<BookChange>?> _published = new();

    public string Path { get; }

    public LiteDbBookStore Book { get; }
    public LiteDbNudgeLedger Ledger { get; }
    public LiteDbAccountActivity Activity { get; }
    public LiteDbSurveyStore Surveys { get; }
    public LiteDbAuditLog Audit { get; }
    public LiteDbHandledEvents SlackEvents { get; }
    public LiteDbConversationReferences TeamsReferences { get; }
    public LiteDbMemberLanguages MemberLanguages { get; }
    public LiteDbContactLanguages ContactLanguages { get; }
    public LiteDbIngestStore Ingest { get; }
    public LiteDbSyncRecords Sync { get; }

    /// <summary>
    /// LiteDB's page cache grows by up to 1,000 pages at a time (8 MB, on the large object heap) and every transaction in
    /// shared mode starts a new cache, so the daily run left ~120 MB of large garbage per run. Ten pages (80 KB, below the
    /// large object threshold) make the cache reuse its pages instead; the file's pages stay in the OS cache.
    /// </summary>
    static LiteDbStore() =>
        typeof(LiteDatabase).Assembly.GetType("LiteDB.Constants")?.GetField("MEMORY_SEGMENT_SIZES")?.SetValue(null, new[] { 10 });

    /// <param name="log">Where rows that break a rule the store now keeps (an MRR above 10^12, written before the bound) are named.</param>
    public LiteDbStore(string path, ILogger<LiteDbStore>? log = null)
    {
        _log = log;
        Path = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        _db = new LiteDatabase(new ConnectionString { Filename = Path, Connection = ConnectionType.Shared });
        _db.GetCollection(Collections.Changes).EnsureIndex("at");
        var meta = _db.GetCollection(Collections.Meta);
        if (meta.FindById("store") is null) meta.Upsert(new BsonDocument { ["_id"] = "store", ["value"] = Guid.NewGuid().ToString("N") });
        MoveToDayFirstKeys(Collections.UsageByAccount, Collections.Usage, "usage rows");
        MoveToDayFirstKeys(Collections.IngestDaysByAccount, Collections.IngestDays, "usage rollup day states");
        Book = new LiteDbBookStore(this, log);
        Ledger = new LiteDbNudgeLedger(this);
        Activity = new LiteDbAccountActivity(this);
        Surveys = new LiteDbSurveyStore(this);
        Audit = new LiteDbAuditLog(this);
        SlackEvents = new LiteDbHandledEvents(this, Collections.SlackEventIds);
        TeamsReferences = new LiteDbConversationReferences(this);
        MemberLanguages = new LiteDbMemberLanguages(this);
        ContactLanguages = new LiteDbContactLanguages(this);
        Ingest = new LiteDbIngestStore(this);
        Sync = new LiteDbSyncRecords(this);
    }

    private void MoveToDayFirstKeys(string from, string to, string what)
    {
        if (!_db.CollectionExists(from)) return;
        _log?.LogInformation("Moving the store's {What} to keys by day (once, for a store written before 2026-12-03; minutes for millions of rows).", what);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var moved = DayFirstKeys.Move(_db, from, to);
        _log?.LogInformation("Moved {Count} {What} in {Seconds:0} s.", moved, what, watch.Elapsed.TotalSeconds);
    }

    public T InOne<T>(Func<T> work) => InTransaction(work);

    public string StoreId => _db.GetCollection(Collections.Meta).FindById("store")["value"].AsString;

    /// <summary>The sequence number of the last entry of the change log: every write that changes the book appends its changes in its transaction.</summary>
    public long DataVersion => _db.GetCollection(Collections.Meta).FindById("version")?["value"].AsInt64 ?? 0;

    public IReadOnlyList<(long Version, BookChange Change)>? ChangesAfter(long version)
    {
        // The version first: a write committed between the two reads then waits for the next call, instead of showing a
        // version the entries read before it do not reach (which reads as a log that no longer reaches back: a whole load).
        var current = DataVersion;
        if (current == version) return [];
        var entries = _db.GetCollection(Collections.Changes).Find(Query.GT("_id", version)).ToArray();
        if (entries.Length == 0 || entries[0]["_id"].AsInt64 != version + 1) return null;
        var changes = new List<(long, BookChange)>(entries.Length);
        foreach (var entry in entries)
        {
            var seq = entry["_id"].AsInt64;
            if (seq > current) break;
            if (seq != version + 1 + changes.Count) return null;
            changes.Add((seq, ChangeLog.Read(entry)));
        }
        return changes;
    }

    public int TrimChanges(long version, DateTimeOffset before)
    {
        // Through the age index: the entries old enough are few, and reading every entry (some hold thousands of rows) to
        // find them allocated 875 MB at each snapshot of a book of 100,000 accounts.
        var log = _db.GetCollection(Collections.Changes);
        var old = log.Query().Where(Query.LT("at", before.UtcDateTime)).Select("$._id").ToEnumerable()
            .Select(d => d["_id"].AsInt64).Where(seq => seq <= version).Select(seq => new BsonValue(seq)).ToArray();
        return old.Length == 0 ? 0 : log.DeleteMany(Query.In("_id", old));
    }

    public TimeSpan? AgeOf(long version) =>
        _db.GetCollection(Collections.Changes).FindById(version) is { } entry ? DateTime.UtcNow - entry["at"].AsDateTime.ToUniversalTime() : null;

    public bool CanRead()
    {
        try { _ = DataVersion; return true; }
        catch (Exception e) when (IsStoreFault(e)) { return false; }
    }

    public bool IsStoreFault(Exception e) => e is LiteException or IOException or UnauthorizedAccessException;

    internal ILiteCollection<BsonDocument> Collection(string name) => _db.GetCollection(name);

    internal ILiteCollection<BsonDocument> Collection(string name, BsonAutoId autoId) => _db.GetCollection(name, autoId);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction; store methods called inside it join it, so all of it is kept or none.
    /// The book changes the work published are appended to the change log in the same transaction, each entry with the next
    /// sequence number; the data version is the last one.
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

    internal void Publish(BookChange change) =>
        (_published.Value ?? throw new InvalidOperationException("A book change is published inside a transaction.")).Add(change);

    private void AppendToLog(List<BookChange> changes)
    {
        if (changes.Count == 0) return;
        var meta = _db.GetCollection(Collections.Meta);
        var version = meta.FindById("version")?["value"].AsInt64 ?? 0;
        var log = _db.GetCollection(Collections.Changes);
        var at = DateTime.UtcNow;
        foreach (var change in changes)
            foreach (var entry in ChangeLog.Entries(change))
            {
                entry["_id"] = ++version;
                entry["at"] = at;
                log.Insert(entry);
            }
        meta.Upsert(new BsonDocument { ["_id"] = "version", ["value"] = version });
    }

    public void Dispose()
    {
        try { _db.Dispose(); }
        catch (ApplicationException e)
        {
            // Another thread is still inside the store (work that did not stop with the host) and holds LiteDB's lock, which
            // only that thread may release; the system releases it when the process ends, and the next opener takes it over.
            _log?.LogWarning("The store was closed while another thread still used it: {Problem}", e.Message);
        }
        _inTransaction.Dispose();
        _published.Dispose();
    }
}
