using LiteDB;
using SuccessBot.Core.Audit;
using static SuccessBot.Storage.Documents;

namespace SuccessBot.Storage;

/// <summary>The audit log: appended in the transaction of the action it records, read in order, trimmed by age; no other change.</summary>
public sealed class LiteDbAuditLog : IAuditLog
{
    private readonly LiteDbStore _store;

    public LiteDbAuditLog(LiteDbStore store)
    {
        _store = store;
        // `audit --account X --since DATE` and the retention trim read the log by account and by moment.
        Entries.EnsureIndex("at");
        Entries.EnsureIndex("account");
    }

    private ILiteCollection<BsonDocument> Entries => _store.Collection(Collections.Audit, BsonAutoId.Int64);

    public T Recorded<T>(Func<(T Result, AuditEntry? Entry)> act) => _store.InTransaction(() =>
    {
        var (result, entry) = act();
        if (entry is null) return result;
        var values = new BsonDocument();
        foreach (var (name, value) in entry.Values) values[name] = value;
        Entries.Insert(new BsonDocument
        {
            ["at"] = entry.At.UtcDateTime, ["who"] = entry.Who, ["channel"] = entry.Channel, ["action"] = entry.Action, ["account"] = Nullable(entry.AccountId),
            ["values"] = values,
        });
        return result;
    });

    public IReadOnlyList<AuditEntry> AuditEntries(string? accountId = null, DateTimeOffset? since = null, string? action = null)
    {
        var query = Entries.Query();
        if (action is not null) query = query.Where(Query.EQ("action", action));
        if (accountId is not null) query = query.Where(Query.EQ("account", accountId));
        if (since is { } from) query = query.Where(Query.GTE("at", from.UtcDateTime));
        return query.OrderBy("_id").ToEnumerable().Select(d => new AuditEntry(At(d["at"]), d["who"].AsString, d["channel"].AsString, d["action"].AsString,
            OrNull(d["account"]), d["values"].AsDocument.ToDictionary(v => v.Key, v => v.Value.AsString))).ToArray();
    }

    public int TrimAudit(DateTimeOffset before) => Entries.DeleteMany(Query.LT("at", before.UtcDateTime));
}
