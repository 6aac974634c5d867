using System.Globalization;
using LiteDB;
using Npgsql;

namespace SuccessBot.Storage.Postgres;

/// <summary>A column kept beside a row's document because a query selects or orders by it, with its value taken from the document.</summary>
internal sealed record Column(string Name, string Type, Func<BsonDocument, string?> Value);

/// <summary>How a write treats a row whose id is there already.</summary>
internal enum OnExisting { Replace, Keep, UpdateOnly }

/// <summary>
/// A table of documents: the id, the record as the LiteDB file keeps it (BSON, through the same mapping in Documents), and the
/// columns queries need. The LiteDB collection of the same rows is named, for `migrate --from-litedb`.
/// </summary>
internal sealed record DocTable(string Name, string Collection, params Column[] Columns)
{
    // Rows per statement: each column goes as one array parameter.
    private const int RowsPerStatement = 5_000;

    public static string Id(BsonValue id) => id.IsObjectId ? id.AsObjectId.ToString() : id.AsString;

    public static byte[] Bytes(BsonDocument doc) => BsonSerializer.Serialize(doc);

    public static BsonDocument Doc(byte[] bytes) => BsonSerializer.Deserialize(bytes);

    /// <summary>A moment as PostgreSQL parses it, to the millisecond: what the document (BSON) keeps of it, so both compare alike.</summary>
    public static string? Moment(BsonValue v) => v.IsNull ? null : v.AsDateTime.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Writes the documents, the last one of an id winning; returns the ids that were not in the table before.</summary>
    public IReadOnlySet<string> Write(NpgsqlConnection connection, IEnumerable<BsonDocument> docs, OnExisting existing = OnExisting.Replace)
    {
        var rows = docs.GroupBy(d => Id(d["_id"]), StringComparer.Ordinal).Select(g => (Id: g.Key, Doc: g.Last())).ToArray();
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        var columns = string.Concat(Columns.Select(c => $", {c.Name}"));
        var selected = string.Concat(Columns.Select((c, i) => $", u.c{i}::{c.Type}"));
        var arrays = string.Concat(Columns.Select((c, i) => $", ${i + 3}::text[]"));
        var aliases = string.Concat(Columns.Select((c, i) => $", c{i}"));
        var unnest = $"unnest($1::text[], $2::bytea[]{arrays}) AS u(id, doc{aliases})";
        var sql = existing switch
        {
            OnExisting.UpdateOnly => $"UPDATE {Name} t SET doc = u.doc{string.Concat(Columns.Select((c, i) => $", {c.Name} = u.c{i}::{c.Type}"))} FROM {unnest} WHERE t.id = u.id",
            _ => $"INSERT INTO {Name} (id, doc{columns}) SELECT u.id, u.doc{selected} FROM {unnest} ON CONFLICT (id) DO " +
                (existing == OnExisting.Keep ? "NOTHING RETURNING id, true"
                    : $"UPDATE SET doc = excluded.doc{string.Concat(Columns.Select(c => $", {c.Name} = excluded.{c.Name}"))} RETURNING id, (xmax = 0)"),
        };
        foreach (var part in rows.Chunk(RowsPerStatement))
        {
            var args = new List<object?> { part.Select(r => r.Id).ToArray(), part.Select(r => Bytes(r.Doc)).ToArray() };
            args.AddRange(Columns.Select(c => part.Select(r => c.Value(r.Doc)).ToArray()));
            using var command = PostgresStore.Command(connection, sql, [.. args]);
            if (existing == OnExisting.UpdateOnly) { command.ExecuteNonQuery(); continue; }
            using var reader = command.ExecuteReader();
            while (reader.Read())
                if (reader.GetBoolean(1)) inserted.Add(reader.GetString(0));
        }
        return inserted;
    }

    public List<BsonDocument> All(PostgresStore store) => store.Query($"SELECT doc FROM {Name}", r => Doc(r.GetFieldValue<byte[]>(0)));

    public BsonDocument? Find(PostgresStore store, string id) =>
        store.Query($"SELECT doc FROM {Name} WHERE id = $1", r => Doc(r.GetFieldValue<byte[]>(0)), id).FirstOrDefault();

    /// <summary>Documents whose row matches <paramref name="where"/> (SQL over the columns, with $1.. for <paramref name="args"/>).</summary>
    public List<BsonDocument> Where(PostgresStore store, string where, params object?[] args) =>
        store.Query($"SELECT doc FROM {Name} WHERE {where}", r => Doc(r.GetFieldValue<byte[]>(0)), args);

    public int Delete(PostgresStore store, string id) => store.Execute($"DELETE FROM {Name} WHERE id = $1", id);
}

/// <summary>The tables of documents, named once: the small stores share some, as they share the LiteDB collections.</summary>
internal static class Tables
{
    private static Column Text(string name, string field) => new(name, "text", d => d.TryGetValue(field, out var v) && v.IsString ? v.AsString : null);

    private static Column At(string name, string field) => new(name, "timestamptz", d => d.TryGetValue(field, out var v) ? DocTable.Moment(v) : null);

    public static readonly DocTable Accounts = new("accounts", Collections.Accounts, new Column("mrr", "numeric", d => d["mrr"].AsDecimal.ToString(CultureInfo.InvariantCulture)));
    public static readonly DocTable MrrHistory = new("mrr_history", Collections.MrrHistory);
    public static readonly DocTable Nps = new("nps", Collections.Nps);
    public static readonly DocTable Touchpoints = new("touchpoints", Collections.Touchpoints);
    public static readonly DocTable ChurnRecords = new("churn_records", Collections.ChurnRecords);
    public static readonly DocTable Surveys = new("surveys", Collections.Surveys, Text("lower", "lower"), At("created", "created"));
    public static readonly DocTable OptOuts = new("optouts", Collections.OptOuts);
    public static readonly DocTable Snoozes = new("snoozes", Collections.Snoozes);
    public static readonly DocTable Signals = new("signals", Collections.Signals);
    // claimed_until: every write of a record ends the delivery lease on it (see PostgresNudgeLedger.DueForDelivery).
    public static readonly DocTable Nudges = new("nudges", Collections.Nudges, Text("status", "status"), At("next", "next"), At("sent", "sent"), At("created", "created"), Text("ref", "ref"),
        new Column("claimed_until", "timestamptz", _ => null));

    public static readonly DocTable MemberLanguages = new("member_languages", Collections.MemberLanguages);
    public static readonly DocTable ContactLanguages = new("contact_languages", Collections.ContactLanguages);

    /// <summary>Every table of documents, in the order `migrate --from-litedb` copies them.</summary>
    public static readonly DocTable[] All = [Accounts, MrrHistory, Nps, Touchpoints, ChurnRecords, Surveys, OptOuts, Snoozes, Signals, Nudges, MemberLanguages, ContactLanguages];
}
