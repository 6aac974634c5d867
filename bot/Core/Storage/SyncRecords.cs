namespace SuccessBot.Core.Storage;

/// <summary>A system of record SuccessBot reads accounts from; the fields it owns are its own, and an import may not change them.</summary>
public enum RecordSource { Stripe, HubSpot }

/// <summary>
/// What the syncs keep between runs: which system of record each account comes from (an import may not overwrite those
/// fields), where the last incremental read stopped, and the webhook events applied (each once).
/// </summary>
public interface ISyncRecords
{
    /// <summary>The sources of every synced account (an account absent here is the imports' own).</summary>
    IReadOnlyDictionary<string, IReadOnlySet<RecordSource>> Sources();

    /// <summary>Marks the accounts as coming from <paramref name="source"/> (call inside the write that stores them).</summary>
    void Mark(RecordSource source, IReadOnlyCollection<string> accountIds);

    /// <summary>Where <paramref name="source"/>'s last incremental read stopped (Stripe's newest event id); null before the first full sync.</summary>
    string? Cursor(RecordSource source);

    void SaveCursor(RecordSource source, string cursor);

    /// <summary>Whether the webhook event <paramref name="eventId"/> was applied before (a retry, a replay).</summary>
    bool WasApplied(RecordSource source, string eventId);

    /// <summary>Records the event as applied, after its write: one that failed is applied again when it is sent again.</summary>
    void RecordApplied(RecordSource source, string eventId, DateTimeOffset now);
}
