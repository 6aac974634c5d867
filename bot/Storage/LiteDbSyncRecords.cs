using LiteDB;
using SuccessBot.Core.Storage;

namespace SuccessBot.Storage;

/// <summary>The syncs' records in the file: each synced account's sources, each source's cursor, the webhook events applied.</summary>
public sealed class LiteDbSyncRecords(LiteDbStore store) : ISyncRecords
{
    /// <summary>Stripe retries a webhook for up to three days: ids are kept well past that.</summary>
    public static readonly TimeSpan EventsKeptFor = TimeSpan.FromDays(30);

    public IReadOnlyDictionary<string, IReadOnlySet<RecordSource>> Sources() =>
        store.Collection(Collections.SyncedAccounts).FindAll().ToDictionary(d => d["_id"].AsString,
            d => (IReadOnlySet<RecordSource>)d["sources"].AsArray.Select(s => Enum.Parse<RecordSource>(s.AsString)).ToHashSet(), StringComparer.Ordinal);

    public void Mark(RecordSource source, IReadOnlyCollection<string> accountIds) => store.InTransaction(() =>
    {
        var col = store.Collection(Collections.SyncedAccounts);
        // The first mark of an account is inserted with the others (an upsert would seek it a second time).
        var first = new List<BsonDocument>();
        foreach (var id in accountIds.Distinct())
        {
            var stored = col.FindById(id);
            var sources = stored?["sources"].AsArray.Select(s => s.AsString).ToHashSet() ?? [];
            if (!sources.Add(source.ToString())) continue;
            var marked = new BsonDocument { ["_id"] = id, ["sources"] = new BsonArray(sources.Order().Select(s => new BsonValue(s))) };
            if (stored is null) first.Add(marked);
            else col.Update(marked);
        }
        col.InsertBulk(first);
        return 0;
    });

    public string? Cursor(RecordSource source) => store.Collection(Collections.SyncCursors).FindById(source.ToString())?["value"].AsString;

    public void SaveCursor(RecordSource source, string cursor) =>
        store.Collection(Collections.SyncCursors).Upsert(new BsonDocument { ["_id"] = source.ToString(), ["value"] = cursor });

    public bool WasApplied(RecordSource source, string eventId) => store.Collection(Collections.SyncEventIds).FindById($"{source}:{eventId}") is not null;

    public void RecordApplied(RecordSource source, string eventId, DateTimeOffset now)
    {
        var ids = store.Collection(Collections.SyncEventIds);
        ids.EnsureIndex("at");
        ids.Upsert(new BsonDocument { ["_id"] = $"{source}:{eventId}", ["at"] = now.UtcDateTime });
        ids.DeleteMany(Query.LT("at", (now - EventsKeptFor).UtcDateTime));
    }
}
