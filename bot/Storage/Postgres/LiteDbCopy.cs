using LiteDB;
using Npgsql;
using static SuccessBot.Storage.Documents;

namespace SuccessBot.Storage.Postgres;

/// <summary>How many rows of one kind the LiteDB file had and how many the database has after the copy.</summary>
public sealed record CopiedCount(string Table, long InFile, long InDatabase);

/// <summary>The database was not empty: a copy would mix two stores.</summary>
public sealed class DatabaseNotEmpty(string message) : Exception(message);

/// <summary>
/// `migrate --from-litedb FILE`: every row of a LiteDB store (accounts, MRR history, usage, NPS, the ledger, surveys, what
/// CSMs did, the audit log, Slack event ids, Teams references) copied into an empty database in one transaction, counted on
/// both sides; a count that differs rolls all of it back. The change log is not copied: a host on the database loads the
/// whole book once, then follows the database's own feed. The usage-event rollup's state stays with its event log on disk.
/// </summary>
public static class LiteDbCopy
{
    private const int UsageRowsPerCopy = 100_000;

    private static readonly string[] CheckedEmpty = ["accounts", "usage", "nudges", "surveys", "audit", "changes", "teams_conversations", "slack_event_ids"];

    public static IReadOnlyList<CopiedCount> Copy(LiteDbStore source, PostgresStore target)
    {
        var counts = new List<CopiedCount>();
        target.InTransaction(() => target.With(connection =>
        {
            if (CheckedEmpty.FirstOrDefault(t => (bool)PostgresStore.RunScalar(connection, $"SELECT EXISTS (SELECT 1 FROM {t})")!) is { } holding)
                throw new DatabaseNotEmpty($"{target.Describes} is not empty (its {holding} table has rows); `migrate --from-litedb` copies into an empty database only.");
            foreach (var table in Tables.All)
            {
                var docs = source.Collection(table.Collection).FindAll().ToArray();
                table.Write(connection, docs, OnExisting.Keep);
                counts.Add(Counted(connection, table.Name, docs.Length));
            }
            var usage = 0L;
            foreach (var part in source.Collection(Collections.Usage).FindAll().Select(ToUsage).Chunk(UsageRowsPerCopy))
            {
                PostgresBookStore.CopyUsage(connection, part);
                usage += part.Length;
            }
            counts.Add(Counted(connection, "usage", usage));
            var audit = source.Collection(Collections.Audit, BsonAutoId.Int64).Query().OrderBy("_id").ToArray();
            foreach (var entry in audit)
            {
                entry.Remove("_id");
                PostgresStore.Run(connection, "INSERT INTO audit (at, action, account, doc) VALUES ($1, $2, $3, $4)",
                    At(entry["at"]).UtcDateTime, entry["action"].AsString, OrNull(entry["account"]), DocTable.Bytes(entry));
            }
            counts.Add(Counted(connection, "audit", audit.Length));
            var clicks = source.Collection(Collections.RefusedClicks).FindAll().ToArray();
            foreach (var click in clicks)
            {
                click.Remove("_id");
                PostgresStore.Run(connection, "INSERT INTO survey_refused_clicks (doc) VALUES ($1)", DocTable.Bytes(click));
            }
            counts.Add(Counted(connection, "survey_refused_clicks", clicks.Length));
            var events = source.Collection(Collections.SlackEventIds).FindAll().ToArray();
            PostgresStore.Run(connection, "INSERT INTO slack_event_ids (id, at) SELECT * FROM unnest($1::text[], $2::timestamptz[])",
                events.Select(e => e["_id"].AsString).ToArray(), events.Select(e => At(e["at"]).UtcDateTime).ToArray());
            counts.Add(Counted(connection, "slack_event_ids", events.Length));
            var references = source.TeamsReferences.All();
            foreach (var reference in references)
                PostgresStore.Run(connection, "INSERT INTO teams_conversations (id, json, updated) VALUES ($1, $2, now())", reference.Key, reference.Json);
            counts.Add(Counted(connection, "teams_conversations", references.Count));
            if (counts.FirstOrDefault(c => c.InFile != c.InDatabase) is { } differs)
                throw new InvalidOperationException($"The copy of {differs.Table} has {differs.InDatabase} rows where the file has {differs.InFile}: nothing was copied.");
            return 0;
        }));
        return counts;
    }

    private static CopiedCount Counted(NpgsqlConnection connection, string table, long inFile) =>
        new(table, inFile, (long)PostgresStore.RunScalar(connection, $"SELECT count(*) FROM {table}")!);
}
