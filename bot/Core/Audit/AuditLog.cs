namespace SuccessBot.Core.Audit;

/// <summary>
/// One line of the audit log: who did what, when, through which channel, to which account, with which values.
/// Appended in the transaction of the action it records; never edited.
/// </summary>
public sealed record AuditEntry(DateTimeOffset At, string Who, string Channel, string Action, string? AccountId, IReadOnlyDictionary<string, string> Values)
{
    /// <summary>Who acted at the command line or in the settings, where there is no email.</summary>
    public const string Administrator = "administrator";

    /// <summary>Who acts on a schedule of its own (the NPS campaign), where no person did.</summary>
    public const string Scheduler = "scheduler";

    public static string WhoIs(string? email) => string.IsNullOrWhiteSpace(email) ? Administrator : email.Trim();
}

/// <summary>What an action did, as a handler says it; the router adds who, when and the channel.</summary>
public sealed record AuditFact(string Action, string? AccountId, IReadOnlyDictionary<string, string> Values);

/// <summary>The audit log of the store: appended to, read, and trimmed by age only.</summary>
public interface IAuditLog
{
    /// <summary>Runs <paramref name="act"/> and appends the entry it returns (if any) in the same transaction: both are kept or neither.</summary>
    T Recorded<T>(Func<(T Result, AuditEntry? Entry)> act);

    /// <summary>Entries oldest first; of one account, from a moment on, of one action, when given.</summary>
    IReadOnlyList<AuditEntry> AuditEntries(string? accountId = null, DateTimeOffset? since = null, string? action = null);

    /// <summary>Drops entries older than <paramref name="before"/> (the retention of `Audit:Days`); the only removal there is.</summary>
    int TrimAudit(DateTimeOffset before);
}

/// <summary>The channels an action comes through, as the audit log names them.</summary>
public static class AuditChannels
{
    public const string Slack = "slack", Teams = "teams", Local = "local", Cli = "cli", Settings = "settings", Scheduler = "scheduler";
}
