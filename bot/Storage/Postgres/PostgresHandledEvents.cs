namespace SuccessBot.Storage.Postgres;

/// <summary>Slack event ids handled, shared by every host on the database: the primary key makes one host the first, whichever took the retry.</summary>
public sealed class PostgresHandledEvents(PostgresStore store) : Core.Storage.IHandledEvents
{
    private readonly Lock _gate = new();
    private DateTimeOffset _pruned;

    public bool FirstTime(string eventId, DateTimeOffset now, TimeSpan keptFor)
    {
        var first = store.Execute("INSERT INTO slack_event_ids (id, at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", eventId, now.UtcDateTime) == 1;
        lock (_gate)
        {
            if (now - _pruned <= TimeSpan.FromHours(1)) return first;
            _pruned = now;
        }
        store.Execute("DELETE FROM slack_event_ids WHERE at < $1", (now - keptFor).UtcDateTime);
        return first;
    }
}
