using LiteDB;
using Npgsql;
using SuccessBot.Core.Storage;
using static SuccessBot.Storage.Documents;

namespace SuccessBot.Storage.Postgres;

/// <summary>How many rows of one kind the LiteDB file had and how many the database has after the copy.</summary>
public sealed record CopiedCount(string Table, long InFile, long InDatabase);

/// <summary>The counts of a copy, and how many usage events of the old host's log its last checkpoint had not counted yet (to count now).</summary>
public sealed record LiteDbCopied(IReadOnlyList<CopiedCount> Counts, long EventsNotCounted);

/// <summary>The database was not empty: a copy would mix two stores.</summary>
public sealed class DatabaseNotEmpty(string message) : Exception(message);

/// <summary>
/// `migrate --from-litedb FILE`: every row of a LiteDB store (accounts, MRR history, usage, NPS, the ledger, surveys, what
/// CSMs did, the audit log, Slack event ids, Teams references, members' and contacts' languages, the usage-event rollup's
/// state) copied into an empty database in one transaction, counted on both sides; a count that differs rolls all of it back. The change log is not copied: a host
/// on the database loads the whole book once, then follows the database's own feed. The old host's own log of usage events
/// becomes the database's log, its checkpoint an event number there: what it had not counted yet is counted next (by the
/// caller, or by the first host that leads the counting), and a sender's retry of a logged event is known.
/// </summary>
public static class LiteDbCopy
{
    private const int UsageRowsPerCopy = 100_000, EventsPerStatement = 1000;

    private static readonly string[] CheckedEmpty = ["accounts", "usage", "nudges", "surveys", "audit", "changes", "teams_conversations", "slack_event_ids", "ingest_events", "ingest_checkpoint"];

    /// <param name="logged">The events of the store's own log, oldest first.</param>
    public static LiteDbCopied Copy(LiteDbStore source, PostgresStore target, IEnumerable<LoggedUsageEvent> logged)
    {
        var counts = new List<CopiedCount>();
        var notCounted = 0L;
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
            var (lines, repeated, countedUpTo, left) = CopyEvents(connection, logged);
            counts.Add(Counted(connection, "ingest_events", lines - repeated));
            notCounted = left;
            var state = source.Ingest.Whole();
            PostgresIngestStore.Write(connection, state with { Position = new IngestPosition(IngestPosition.SharedLog, countedUpTo) });
            counts.Add(Counted(connection, "ingest_days", state.Days.Count));
            counts.Add(Counted(connection, "ingest_users", state.Users.Count));
            counts.Add(Counted(connection, "ingest_anonymous", state.Visitors.Count));
            counts.Add(Counted(connection, "ingest_aside", state.Aside.Count));
            if (counts.FirstOrDefault(c => c.InFile != c.InDatabase) is { } differs)
                throw new InvalidOperationException($"The copy of {differs.Table} has {differs.InDatabase} rows where the file has {differs.InFile}: nothing was copied.");
            return 0;
        }));
        return new LiteDbCopied(counts, notCounted);
    }

    /// <summary>
    /// The log's events into the database's log in their order (a messageId logged twice, a retry after the old host's dedupe
    /// window, is kept once); returns the lines read, the repeats, the number of the last event the checkpoint counted, and
    /// how many it had not.
    /// </summary>
    private static (long Lines, long Repeated, long CountedUpTo, long NotCounted) CopyEvents(NpgsqlConnection connection, IEnumerable<LoggedUsageEvent> logged)
    {
        long lines = 0, inserted = 0, notCounted = 0, countedUpTo = 0;
        var group = new List<LoggedUsageEvent>(EventsPerStatement);
        void Flush()
        {
            if (group.Count == 0) return;
            var added = PostgresStore.Run(connection, """
                INSERT INTO ingest_events (seq, message_id, received, line)
                SELECT nextval('ingest_events_seq'), m, r, l FROM unnest($1::text[], $2::timestamptz[], $3::bytea[]) WITH ORDINALITY AS u(m, r, l, n) ORDER BY n
                ON CONFLICT (message_id) DO NOTHING
                """, group.Select(e => e.MessageId).ToArray(), group.Select(e => e.ReceivedAt.UtcDateTime).ToArray(), group.Select(e => e.Line).ToArray());
            inserted += added;
            if (!group[0].Counted) notCounted += added;
            group.Clear();
        }
        var counting = true;
        foreach (var e in logged)
        {
            lines++;
            // The checkpoint counted a first part of the log: where that part ends, its last event's number is the checkpoint.
            if (counting && !e.Counted)
            {
                Flush();
                countedUpTo = (long)PostgresStore.RunScalar(connection, "SELECT coalesce(max(seq), 0) FROM ingest_events")!;
                counting = false;
            }
            group.Add(e);
            if (group.Count == EventsPerStatement) Flush();
        }
        Flush();
        if (counting) countedUpTo = (long)PostgresStore.RunScalar(connection, "SELECT coalesce(max(seq), 0) FROM ingest_events")!;
        return (lines, lines - inserted, countedUpTo, notCounted);
    }

    private static CopiedCount Counted(NpgsqlConnection connection, string table, long inFile) =>
        new(table, inFile, (long)PostgresStore.RunScalar(connection, $"SELECT count(*) FROM {table}")!);
}
