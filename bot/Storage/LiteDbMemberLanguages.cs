using LiteDB;
using SuccessBot.Core.Storage;

namespace SuccessBot.Storage;

/// <summary>Team members' languages, one document per lower-cased email.</summary>
public sealed class LiteDbMemberLanguages(LiteDbStore store) : IMemberLanguageStore
{
    private ILiteCollection<BsonDocument> Languages => store.Collection(Collections.MemberLanguages);

    public IReadOnlyDictionary<string, string> All() => Languages.FindAll().ToDictionary(d => d["_id"].AsString, d => d["language"].AsString);

    public void Save(string email, string language) =>
        Languages.Upsert(new BsonDocument { ["_id"] = email.Trim().ToLowerInvariant(), ["language"] = language, ["at"] = DateTime.UtcNow });
}
