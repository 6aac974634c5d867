using LiteDB;
using SuccessBot.Core.Nudges;
using static SuccessBot.Storage.Documents;

namespace SuccessBot.Storage;

/// <summary>The nudge ledger: every card decided, keyed so that none is decided twice, with its delivery and what was done about it.</summary>
public sealed class LiteDbNudgeLedger : INudgeLedger
{
    // Read in short transactions of a few hundred keys: one open of the shared file each, and no long hold on it.
    private const int KeysPerRead = 500;
    private readonly LiteDbStore _store;

    public LiteDbNudgeLedger(LiteDbStore store)
    {
        _store = store;
        // The delivery job asks for pending nudges every few seconds; each round asks what was sent today (budgets) and which cards a roll-up lists.
        foreach (var field in new[] { "status", "sent", "ref" }) Nudges.EnsureIndex(field);
    }

    private ILiteCollection<BsonDocument> Nudges => _store.Collection(Collections.Nudges);

    public bool Add(NudgeRecord record)
    {
        // A failed insert inside a transaction (a click's, with its audit entry) rolls all of it back: a known key is looked up first.
        if (Nudges.FindById(record.Key) is not null) return false;
        // The key is the ledger's own check: a nudge decided before is refused by the index, read or not.
        try { Nudges.Insert(ToDoc(record)); }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY) { return false; }
        return true;
    }

    public IReadOnlyList<NudgeRecord> Record(IReadOnlyCollection<NudgeRecord> nudges, IReadOnlyCollection<AccountSignals> firstStates, IReadOnlyCollection<AccountSignals> changedStates,
        IReadOnlyCollection<NudgeRecord> replaced) => _store.InTransaction(() =>
    {
        var col = Nudges;
        var added = nudges.DistinctBy(r => r.Key).Where(r => col.FindById(r.Key) is null).ToArray();
        col.InsertBulk(added.Select(ToDoc));
        col.Update(replaced.Select(ToDoc));
        var states = _store.Collection(Collections.Signals);
        // A check in another process (or the host's own at start) may have remembered the account since this one read the states: its state stays, as in PostgreSQL.
        states.InsertBulk(firstStates.Where(s => states.FindById(s.AccountId) is null).Select(ToDoc));
        states.Update(changedStates.Select(ToDoc));
        return added;
    });

    public NudgeRecord? Find(string key) => Nudges.FindById(key) is { } d ? ToNudge(d) : null;

    public IReadOnlySet<string> Known(IReadOnlyCollection<string> keys) =>
        keys.Chunk(KeysPerRead).SelectMany(part => _store.InTransaction(() => part.Where(k => Nudges.FindById(k) is not null).ToArray()))
            .ToHashSet(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, NudgeRecord> FindMany(IReadOnlyCollection<string> keys) =>
        keys.Distinct(StringComparer.Ordinal).Chunk(KeysPerRead)
            .SelectMany(part => _store.InTransaction(() => part.Select(k => Nudges.FindById(k)).OfType<BsonDocument>().Select(ToNudge).ToArray()))
            .ToDictionary(n => n.Key, StringComparer.Ordinal);

    public void Update(NudgeRecord record) => Nudges.Update(ToDoc(record));

    public void Update(IReadOnlyList<NudgeRecord> records) => _store.InTransaction(() => Nudges.Update(records.Select(ToDoc)));

    // Keys start "rule|account|": one range of the key index per rule.
    public IReadOnlyList<NudgeRecord> AboutAccount(string accountId) =>
        NudgeRules.AboutAnAccount.SelectMany(rule => Nudges.Find(Query.StartsWith("_id", $"{rule}|{accountId}|"))).Select(ToNudge).ToArray();

    public IReadOnlyList<NudgeRecord> DueForDelivery(DateTimeOffset now) =>
        Nudges.Find(Query.And(Query.EQ("status", nameof(DeliveryStatus.Pending)), Query.LTE("next", now.UtcDateTime))).Select(ToNudge)
            .OrderBy(n => n.CreatedAt).ThenBy(n => n.Key, StringComparer.Ordinal).ToArray();

    public IReadOnlyList<NudgeRecord> CreatedSince(DateTimeOffset from) => Nudges.Find(Query.GTE("created", from.UtcDateTime)).Select(ToNudge).ToArray();

    public IReadOnlyList<NudgeRecord> SentSince(DateTimeOffset from) => Nudges.Find(Query.GTE("sent", from.UtcDateTime)).Select(ToNudge).ToArray();

    public IReadOnlyList<NudgeRecord> ListedIn(string rollUpKey) =>
        Nudges.Find(Query.And(Query.EQ("status", nameof(DeliveryStatus.Listed)), Query.EQ("ref", rollUpKey))).Select(ToNudge).ToArray();

    /// <summary>Every record, for tests and benchmarks that count what was decided.</summary>
    public IReadOnlyList<NudgeRecord> AllNudges() => Nudges.FindAll().Select(ToNudge).ToArray();

    public IReadOnlyDictionary<string, AccountSignals> Signals() =>
        _store.Collection(Collections.Signals).FindAll().ToDictionary(d => d["_id"].AsString, ToSignals);
}
