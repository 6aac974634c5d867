using Npgsql;
using SuccessBot.Core.Storage;

namespace SuccessBot.Storage.Postgres;

/// <summary>
/// The shared log of usage events (table ingest_events): appends in one transaction that holds an advisory lock until it commits,
/// so numbers follow commit order; the lead of counting is a session advisory lock on a connection of its own.
/// </summary>
public sealed class PostgresUsageEvents(PostgresStore store) : ISharedUsageLog
{
    /// <summary>The channel an append notifies: the host that counts wakes at once.</summary>
    public const string AppendedChannel = "successbot_usage_events";

    // Any fixed numbers, the same on every host: one for appending in order, one for the lead of counting.
    private const long AppendLock = 0x5553_4147_4531;
    internal const long LeadLock = 0x5553_4147_4532;

    // A large batch goes in statements of this many events, all in the one transaction.
    private const int EventsPerStatement = 1000;

    public int Append(IReadOnlyList<(string MessageId, byte[] Line)> events, DateTimeOffset receivedAt) => store.InTransaction(() => store.With(connection =>
    {
        PostgresStore.Run(connection, "SELECT pg_advisory_xact_lock($1)", AppendLock);
        var added = 0;
        foreach (var group in events.Chunk(EventsPerStatement))
            added += PostgresStore.Run(connection, """
                INSERT INTO ingest_events (seq, message_id, received, line)
                SELECT nextval('ingest_events_seq'), m, $3, l FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS u(m, l, n) ORDER BY n
                ON CONFLICT (message_id) DO NOTHING
                """, group.Select(e => e.MessageId).ToArray(), group.Select(e => e.Line).ToArray(), receivedAt.UtcDateTime);
        if (added > 0) PostgresStore.Run(connection, $"SELECT pg_notify('{AppendedChannel}', '')");
        return added;
    }));

    public IReadOnlyList<SharedUsageEvent> After(long seq, int max) => store.Query("SELECT seq, received, line FROM ingest_events WHERE seq > $1 ORDER BY seq LIMIT $2",
        r => new SharedUsageEvent(r.GetInt64(0), new DateTimeOffset(r.GetDateTime(1), TimeSpan.Zero), r.GetFieldValue<byte[]>(2)), seq, max);

    public int DeleteBefore(DateTimeOffset before, long countedUpTo) =>
        store.Execute("DELETE FROM ingest_events WHERE received < $1 AND seq <= $2", before.UtcDateTime, countedUpTo);

    public IUsageLead? TryLead()
    {
        var connection = store.OpenOwn();
        try
        {
            // The term moves on as the lead is taken: a checkpoint counted under an earlier one is refused from now on.
            if (PostgresStore.RunScalar(connection, "SELECT pg_try_advisory_lock($1)", LeadLock) is true)
                return new Lead(store, connection, (long)PostgresStore.RunScalar(connection, "UPDATE ingest_lead SET term = term + 1 WHERE id = 'usage' RETURNING term")!);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        connection.Dispose();
        return null;
    }

    public Task FollowAsync(Action appended, Action<Exception> lost, CancellationToken stop) => store.ListenAsync(AppendedChannel, _ => appended(), lost, stop);

    /// <summary>The session that holds the lead lock, and the term it took: closing it (or losing it) lets another host take the lead.</summary>
    private sealed class Lead(PostgresStore store, NpgsqlConnection connection, long term) : IUsageLead
    {
        private const string Term = "SELECT term FROM ingest_lead WHERE id = 'usage'";

        public bool Held()
        {
            try
            {
                return (long)PostgresStore.RunScalar(connection, Term)! == term;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                return false;
            }
        }

        /// <summary>Reads the term in the caller's transaction, holding its row: a host taking the lead waits for the commit to move it on.</summary>
        public void Confirm()
        {
            var now = store.With(c => (long)PostgresStore.RunScalar(c, Term + " FOR SHARE")!);
            if (now != term) throw new LeadLost($"another host has taken the lead of counting since (term {now}; this host's was {term})");
        }

        /// <summary>Unlocks before the connection goes back to the pool, whose reset of the session waits for its next use.</summary>
        public void Dispose()
        {
            try { PostgresStore.Run(connection, "SELECT pg_advisory_unlock($1)", LeadLock); }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException) { }
            connection.Dispose();
        }
    }
}
