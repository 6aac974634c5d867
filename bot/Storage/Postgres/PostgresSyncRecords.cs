using SuccessBot.Core.Storage;

namespace SuccessBot.Storage.Postgres;

/// <summary>The syncs' records in the database, shared by every host on it (see <see cref="ISyncRecords"/>).</summary>
public sealed class PostgresSyncRecords(PostgresStore store) : ISyncRecords
{
    public IReadOnlyDictionary<string, IReadOnlySet<RecordSource>> Sources() =>
        store.Query("SELECT id, sources FROM synced_accounts", r => (Id: r.GetString(0), Sources: r.GetFieldValue<string[]>(1)))
            .ToDictionary(r => r.Id, r => (IReadOnlySet<RecordSource>)r.Sources.Select(Enum.Parse<RecordSource>).ToHashSet(), StringComparer.Ordinal);

    public void Mark(RecordSource source, IReadOnlyCollection<string> accountIds) => store.Execute(
        "INSERT INTO synced_accounts (id, sources) SELECT u, ARRAY[$2] FROM unnest($1::text[]) AS u ON CONFLICT (id) DO UPDATE " +
        "SET sources = synced_accounts.sources || $2 WHERE NOT ($2 = ANY(synced_accounts.sources))", accountIds.ToArray(), source.ToString());

    public string? Cursor(RecordSource source) => store.Scalar<string>("SELECT value FROM sync_cursors WHERE source = $1", source.ToString());

    public void SaveCursor(RecordSource source, string cursor) =>
        store.Execute("INSERT INTO sync_cursors (source, value) VALUES ($1, $2) ON CONFLICT (source) DO UPDATE SET value = excluded.value", source.ToString(), cursor);

    public bool WasApplied(RecordSource source, string eventId) =>
        store.Scalar<bool>("SELECT EXISTS (SELECT 1 FROM sync_event_ids WHERE id = $1)", $"{source}:{eventId}");

    public void RecordApplied(RecordSource source, string eventId, DateTimeOffset now) => store.InTransaction(() =>
    {
        store.Execute("INSERT INTO sync_event_ids (id, at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", $"{source}:{eventId}", now.UtcDateTime);
        return store.Execute("DELETE FROM sync_event_ids WHERE at < $1", (now - LiteDbSyncRecords.EventsKeptFor).UtcDateTime);
    });
}
