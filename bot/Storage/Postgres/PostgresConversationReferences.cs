using SuccessBot.Core.Storage;

namespace SuccessBot.Storage.Postgres;

/// <summary>Conversation references by key, each the adapter's JSON as it gave it, so the channel's own type stays in the channel.</summary>
public sealed class PostgresConversationReferences(PostgresStore store) : IConversationReferenceStore
{
    public IReadOnlyList<StoredReference> All() => store.Query("SELECT id, json FROM teams_conversations ORDER BY id", r => new StoredReference(r.GetString(0), r.GetString(1)));

    public void Save(StoredReference reference, IReadOnlyCollection<string> replacing) => store.InTransaction(() =>
    {
        store.Execute("DELETE FROM teams_conversations WHERE id = ANY($1)", (object)replacing.ToArray());
        return store.Execute("INSERT INTO teams_conversations (id, json, updated) VALUES ($1, $2, now()) ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated = now()",
            reference.Key, reference.Json);
    });
}
