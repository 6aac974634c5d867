using LiteDB;
using SuccessBot.Core.Storage;

namespace SuccessBot.Storage;

/// <summary>
/// Conversation references by key, each kept as the fields of the adapter's JSON (the shape the file has always had), so the
/// channel's own type stays in the channel.
/// </summary>
public sealed class LiteDbConversationReferences(LiteDbStore store) : IConversationReferenceStore
{
    private ILiteCollection<BsonDocument> References => store.Collection(Collections.TeamsConversations);

    public IReadOnlyList<StoredReference> All() => References.FindAll().Select(d =>
    {
        var fields = new BsonDocument();
        foreach (var (name, value) in d)
            if (name is not ("_id" or "updated") && !value.IsNull) fields[name] = value;
        return new StoredReference(d["_id"].AsString, JsonSerializer.Serialize(fields));
    }).ToArray();

    public void Save(StoredReference reference, IReadOnlyCollection<string> replacing) => store.InTransaction(() =>
    {
        foreach (var older in replacing) References.Delete(older);
        var doc = JsonSerializer.Deserialize(reference.Json).AsDocument;
        doc["_id"] = reference.Key;
        doc["updated"] = DateTime.UtcNow;
        References.Upsert(doc);
        return 0;
    });
}
