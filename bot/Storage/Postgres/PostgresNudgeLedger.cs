using SuccessBot.Core.Nudges;
using static SuccessBot.Storage.Documents;

namespace SuccessBot.Storage.Postgres;

/// <summary>The nudge ledger: every card decided, keyed so that none is decided twice (the primary key refuses a second), with its delivery.</summary>
public sealed class PostgresNudgeLedger(PostgresStore store, TimeSpan lease) : INudgeLedger
{
    private static readonly DocTable Nudges = Tables.Nudges;

    public bool Add(NudgeRecord record) => store.With(c => Nudges.Write(c, [ToDoc(record)], OnExisting.Keep)).Count == 1;

    public IReadOnlyList<NudgeRecord> Record(IReadOnlyCollection<NudgeRecord> nudges, IReadOnlyCollection<AccountSignals> firstStates, IReadOnlyCollection<AccountSignals> changedStates,
        IReadOnlyCollection<NudgeRecord> replaced) => store.InTransaction(() => store.With(c =>
    {
        var distinct = nudges.DistinctBy(r => r.Key).ToArray();
        var added = Nudges.Write(c, distinct.Select(ToDoc), OnExisting.Keep);
        Nudges.Write(c, replaced.Select(ToDoc), OnExisting.UpdateOnly);
        Tables.Signals.Write(c, firstStates.Select(ToDoc), OnExisting.Keep);
        Tables.Signals.Write(c, changedStates.Select(ToDoc), OnExisting.UpdateOnly);
        return distinct.Where(r => added.Contains(r.Key)).ToArray();
    }));

    public NudgeRecord? Find(string key) => Nudges.Find(store, key) is { } d ? ToNudge(d) : null;

    public IReadOnlySet<string> Known(IReadOnlyCollection<string> keys) =>
        store.Query("SELECT id FROM nudges WHERE id = ANY($1)", r => r.GetString(0), (object)keys.ToArray()).ToHashSet(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, NudgeRecord> FindMany(IReadOnlyCollection<string> keys) =>
        Nudges.Where(store, "id = ANY($1)", (object)keys.Distinct(StringComparer.Ordinal).ToArray()).Select(ToNudge).ToDictionary(n => n.Key, StringComparer.Ordinal);

    public void Update(NudgeRecord record) => store.With(c => Nudges.Write(c, [ToDoc(record)], OnExisting.UpdateOnly));

    public void Update(IReadOnlyList<NudgeRecord> records) => store.InTransaction(() => store.With(c => Nudges.Write(c, records.Select(ToDoc).ToArray(), OnExisting.UpdateOnly)));

    // Keys start "rule|account|": one range of the primary key per rule, in key order as on LiteDB.
    public IReadOnlyList<NudgeRecord> AboutAccount(string accountId) =>
        NudgeRules.AboutAnAccount.SelectMany(rule => Nudges.Where(store, "starts_with(id, $1) ORDER BY id", $"{rule}|{accountId}|")).Select(ToNudge).ToArray();

    /// <summary>
    /// The pending records due, each taken for this host's round for its lease (<see cref="DeliveryLease"/> unless set): rows another host's round
    /// holds (locked, or leased) are skipped, so two hosts delivering at once never send one twice. The round writes each
    /// record it handles, which ends the lease; one a host was killed holding is due again when the lease runs out.
    /// </summary>
    public IReadOnlyList<NudgeRecord> DueForDelivery(DateTimeOffset now) =>
        store.Query("""
            WITH due AS (
                SELECT id FROM nudges WHERE status = $1 AND next <= $2 AND (claimed_until IS NULL OR claimed_until <= $2) FOR UPDATE SKIP LOCKED)
            UPDATE nudges n SET claimed_until = $3 FROM due WHERE n.id = due.id RETURNING n.doc
            """, r => ToNudge(DocTable.Doc(r.GetFieldValue<byte[]>(0))), nameof(DeliveryStatus.Pending), now.UtcDateTime, (now + lease).UtcDateTime)
            .OrderBy(n => n.CreatedAt).ThenBy(n => n.Key, StringComparer.Ordinal).ToArray();

    /// <summary>The default lease (`Storage:DeliveryLeaseSeconds`): longer than a delivery round takes (a few seconds; Slack's retries included).</summary>
    public static readonly TimeSpan DeliveryLease = TimeSpan.FromMinutes(2);

    public IReadOnlyList<NudgeRecord> CreatedSince(DateTimeOffset from) => Nudges.Where(store, "created >= $1 ORDER BY created, id", from.UtcDateTime).Select(ToNudge).ToArray();

    public IReadOnlyList<NudgeRecord> SentSince(DateTimeOffset from) => Nudges.Where(store, "sent >= $1 ORDER BY sent, id", from.UtcDateTime).Select(ToNudge).ToArray();

    public IReadOnlyList<NudgeRecord> ListedIn(string rollUpKey) =>
        Nudges.Where(store, "status = $1 AND ref = $2 ORDER BY id", nameof(DeliveryStatus.Listed), rollUpKey).Select(ToNudge).ToArray();

    /// <summary>Every record, for tests and benchmarks that count what was decided.</summary>
    public IReadOnlyList<NudgeRecord> AllNudges() => Nudges.All(store).Select(ToNudge).ToArray();

    public IReadOnlyDictionary<string, AccountSignals> Signals() => Tables.Signals.All(store).ToDictionary(d => d["_id"].AsString, ToSignals);
}
