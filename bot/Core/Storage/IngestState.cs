namespace SuccessBot.Core.Storage;

/// <summary>How far into the usage-event log a checkpoint reaches: the file and the byte after its last event.</summary>
public readonly record struct IngestPosition(string? File, long Offset);

/// <summary>
/// One account's day as usage events counted it: who was active and in which sessions (8-byte hashes), what they used, on
/// top of a row imported before events came.
/// </summary>
public sealed record IngestDay(string AccountId, DateOnly Day, byte[] Users, byte[] Sessions, IReadOnlyList<string> Features,
    int Events, double Minutes, int BaseUsers, int BaseSessions, double BaseMinutes);

/// <summary>A user the events named: the account a group call put them in, what identify said, and the user an alias says they became.</summary>
public sealed record IngestUser(string Key, string? Account, string? Email = null, string? Traits = null, string? Alias = null);

/// <summary>Which user an anonymous visitor became.</summary>
public sealed record VisitorLink(string AnonymousId, string UserId);

/// <summary>An event kept aside until its user or account is known, with everything needed to count it then.</summary>
public sealed record AsideEvent(string MessageId, string? User, string? Anonymous, string? Account, string? ContextAccount, string Call,
    DateTimeOffset ReceivedAt, DateTimeOffset Timestamp, string? Feature, double Minutes, string? Session, string Json);

/// <summary>What one checkpoint writes: the changed days, users, visitor links and aside events (null: deleted) and the log position covered.</summary>
public sealed record IngestCheckpoint(IReadOnlyCollection<IngestDay> Days, IReadOnlyDictionary<string, IngestUser?> Users,
    IReadOnlyDictionary<string, VisitorLink?> Visitors, IReadOnlyDictionary<string, AsideEvent?> Aside, IngestPosition Position,
    DateOnly? DropDaysBefore, DateTimeOffset? DropAsideReceivedBefore);

/// <summary>Which field of an aside event a lookup matches.</summary>
public enum AsideKey { User, Anonymous, Account }

/// <summary>The usage-event rollup's state of record, written by its checkpoints and read at recovery and for late events.</summary>
public interface IIngestStore
{
    /// <summary>The log position the last checkpoint covered; null before the first.</summary>
    IngestPosition? Checkpointed();

    IEnumerable<IngestDay> DaysFrom(DateOnly day);
    IngestDay? Day(string accountId, DateOnly day);
    IngestUser? User(string key);

    /// <summary>Users whose alias points to <paramref name="userKey"/>.</summary>
    IEnumerable<IngestUser> AliasesOf(string userKey);

    VisitorLink? Visitor(string anonymousId);
    AsideEvent? Aside(string messageId);
    IEnumerable<AsideEvent> AsideWhere(AsideKey key, string value);

    /// <summary>The accounts that events kept aside are waiting for.</summary>
    IReadOnlyCollection<string> AccountsWaitedFor();

    /// <summary>Writes a checkpoint; joins the caller's transaction (with the accounts and usage rows it also writes).</summary>
    void Store(IngestCheckpoint checkpoint);
}
