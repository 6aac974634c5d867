using LiteDB;
using SuccessBot.Core.Storage;

namespace SuccessBot.Storage.Postgres;

/// <summary>Team members' languages, a row per lower-cased email, its document as the LiteDB store keeps it.</summary>
public sealed class PostgresMemberLanguages(PostgresStore store) : IMemberLanguageStore
{
    public IReadOnlyDictionary<string, string> All() => Tables.MemberLanguages.All(store).ToDictionary(d => d["_id"].AsString, d => d["language"].AsString);

    public void Save(string email, string language) =>
        store.With(c => Tables.MemberLanguages.Write(c, [new BsonDocument { ["_id"] = email.Trim().ToLowerInvariant(), ["language"] = language, ["at"] = DateTime.UtcNow }]));
}
