using LiteDB;
using SuccessBot.Core.Audit;
using static SuccessBot.Storage.Documents;

namespace SuccessBot.Storage.Postgres;

/// <summary>The audit log: appended in the transaction of the action it records, read in order, trimmed by age; no other change.</summary>
public sealed class PostgresAuditLog(PostgresStore store) : IAuditLog
{
    public T Recorded<T>(Func<(T Result, AuditEntry? Entry)> act) => store.InTransaction(() =>
    {
        var (result, entry) = act();
        if (entry is not null) Append(entry.At, entry.Action, entry.AccountId, ToDoc(entry));
        return result;
    });

    internal void Append(DateTimeOffset at, string action, string? account, BsonDocument doc) =>
        store.Execute("INSERT INTO audit (at, action, account, doc) VALUES ($1, $2, $3, $4)", at.UtcDateTime, action, account, DocTable.Bytes(doc));

    // The document LiteDbAuditLog keeps, so that a log copied from a LiteDB file reads the same.
    private static BsonDocument ToDoc(AuditEntry entry)
    {
        var values = new BsonDocument();
        foreach (var (name, value) in entry.Values) values[name] = value;
        return new BsonDocument
        {
            ["at"] = entry.At.UtcDateTime, ["who"] = entry.Who, ["channel"] = entry.Channel, ["action"] = entry.Action, ["account"] = Nullable(entry.AccountId),
            ["values"] = values,
        };
    }

    public IReadOnlyList<AuditEntry> AuditEntries(string? accountId = null, DateTimeOffset? since = null, string? action = null) =>
        store.Query("SELECT doc FROM audit WHERE ($1::text IS NULL OR action = $1) AND ($2::text IS NULL OR account = $2) AND ($3::timestamptz IS NULL OR at >= $3) ORDER BY seq",
            r => DocTable.Doc(r.GetFieldValue<byte[]>(0)), action, accountId, since?.UtcDateTime)
        .Select(d => new AuditEntry(At(d["at"]), d["who"].AsString, d["channel"].AsString, d["action"].AsString,
            OrNull(d["account"]), d["values"].AsDocument.ToDictionary(v => v.Key, v => v.Value.AsString))).ToArray();

    public int TrimAudit(DateTimeOffset before) => store.Execute("DELETE FROM audit WHERE at < $1", before.UtcDateTime);
}
