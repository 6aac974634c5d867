namespace SuccessBot.Core.Storage;

/// <summary>How far into the usage-event log a checkpoint reaches: the file and the byte after its last event.</summary>
public readonly record struct IngestPosition(string? File, long Offset)
{
    /// <summary>The "file" of the log in the database several hosts share: a position there is an event's number.</summary>
    public const string SharedLog = "database";
}

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

/// <summary>An event of one host's own log (on a LiteDB store) as `migrate --from-litedb` copies it: its line, and whether the store's last checkpoint counted it.</summary>
public sealed record LoggedUsageEvent(string MessageId, DateTimeOffset ReceivedAt, byte[] Line, bool Counted);

/// <summary>A usage event in the shared log: its number (in commit order, with gaps), when a host took it, and its line.</summary>
public sealed record SharedUsageEvent(long Seq, DateTimeOffset ReceivedAt, byte[] Line);

/// <summary>The lead of counting usage events, held by one host at a time until it is disposed or its connection is lost.</summary>
public interface IUsageLead : IDisposable
{
    /// <summary>Whether this host still holds it (its connection is alive, and no host has taken the lead since).</summary>
    bool Held();

    /// <summary>
    /// Called inside a checkpoint's transaction: throws <see cref="LeadLost"/> when another host has taken the lead since this
    /// one was taken, and otherwise keeps the next leader waiting until the transaction ends, so it reads this checkpoint.
    /// </summary>
    void Confirm();
}

/// <summary>Another host took the lead of counting usage events: this host's checkpoint, counted under the lead it lost, is refused.</summary>
public sealed class LeadLost(string message) : Exception(message);

/// <summary>
/// Usage events kept in the database every host writes to (PostgreSQL): a host answers a sender once its events are committed
/// here, each messageId once whichever host took it; one host at a time (the lead) counts them in commit order.
/// </summary>
public interface ISharedUsageLog
{
    /// <summary>Commits, in one transaction, the events whose messageId the log does not hold yet; returns how many were new.</summary>
    int Append(IReadOnlyList<(string MessageId, byte[] Line)> events, DateTimeOffset receivedAt);

    /// <summary>At most <paramref name="max"/> events numbered after <paramref name="seq"/>, oldest first; a later commit is never numbered lower.</summary>
    IReadOnlyList<SharedUsageEvent> After(long seq, int max);

    /// <summary>Deletes the events received before <paramref name="before"/> that are counted (numbered up to <paramref name="countedUpTo"/>).</summary>
    int DeleteBefore(DateTimeOffset before, long countedUpTo);

    /// <summary>Takes the lead of counting; null while another host holds it.</summary>
    IUsageLead? TryLead();

    /// <summary>Calls <paramref name="appended"/> when any host commits events (and once when listening begins), until <paramref name="stop"/>.</summary>
    Task FollowAsync(Action appended, Action<Exception> lost, CancellationToken stop);
}
