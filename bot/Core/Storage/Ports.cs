using SuccessBot.Core.Domain;

namespace SuccessBot.Core.Storage;

/// <summary>Writes that belong together, kept all or none (a click: the action, the ledger's record of it, the card's retirement).</summary>
public interface IStoreTransactions
{
    T InOne<T>(Func<T> work);

    /// <summary>Whether <paramref name="e"/> is the store failing (busy, unreachable) rather than a bug: what was asked may be asked again later.</summary>
    bool IsStoreFault(Exception e);
}

/// <summary>How many rows an import added and how many it replaced.</summary>
public sealed record ImportCounts(int Added, int Updated);

/// <summary>
/// The book's rows of record: accounts, MRR history, usage days and NPS answers. Every write publishes its
/// <see cref="BookChange"/> to the <see cref="IChangeFeed"/> in the transaction that makes it.
/// </summary>
public interface IBookStore
{
    /// <summary>
    /// The whole book and a version it is at least at (read before the rows, so a write made during the load is in the
    /// feed after it, and applying it again changes nothing: every change is keyed).
    /// </summary>
    (BookOfBusiness Book, long Version) LoadBookAndVersion();

    int CountAccounts();
    Account? FindAccount(string id);
    IReadOnlySet<string> AccountIds();

    /// <summary>Adds or updates accounts; a new account's MRR history starts on its start day, a changed MRR is effective <paramref name="today"/>.</summary>
    ImportCounts UpsertAccounts(IReadOnlyList<Account> accounts, DateOnly today);

    /// <summary>Adds MRR history as it was (demo data and benchmarks), replacing changes on the same day.</summary>
    int UpsertMrrHistory(IReadOnlyList<MrrChange> changes);

    /// <summary>Adds or replaces usage, one row per account and day.</summary>
    ImportCounts UpsertUsage(IReadOnlyList<UsageDay> days);

    /// <summary>Adds or replaces NPS answers, one per account, contact and moment.</summary>
    ImportCounts UpsertNps(IReadOnlyList<NpsAnswer> answers);
}

/// <summary>
/// The ordered log of every change the store committed: a read model at version v catches up by applying the entries after v.
/// </summary>
public interface IChangeFeed
{
    /// <summary>The store's identity, made when it was created: a snapshot of the book names the store it was taken of.</summary>
    string StoreId { get; }

    /// <summary>The sequence number of the last change committed.</summary>
    long DataVersion { get; }

    /// <summary>The changes after <paramref name="version"/>, in order; null when the feed no longer reaches back that far.</summary>
    /// <exception cref="ChangeNotApplicable">An entry cannot be read (corrupt, or of a kind this version does not know).</exception>
    IReadOnlyList<(long Version, BookChange Change)>? ChangesAfter(long version);

    /// <summary>Drops entries up to <paramref name="version"/> written before <paramref name="before"/> (a snapshot covers them).</summary>
    int TrimChanges(long version, DateTimeOffset before);

    /// <summary>How long ago, by the store's clock, the change of <paramref name="version"/> was committed; null when the feed does not hold it (trimmed, or not yet written).</summary>
    TimeSpan? AgeOf(long version);

    /// <summary>A cheap read that fails when the store cannot be reached, for /healthz.</summary>
    bool CanRead();

    /// <summary>Whether <paramref name="e"/> is the store failing (busy, unreachable, its file unreadable) rather than a bug.</summary>
    bool IsStoreFault(Exception e);
}

/// <summary>Event ids a channel has handled (Slack's `event_id`), kept so that a retry, even after a restart, is handled once.</summary>
public interface IHandledEvents
{
    /// <summary>Records the id; false when it was recorded before. Ids older than <paramref name="keptFor"/> may be forgotten.</summary>
    bool FirstTime(string eventId, DateTimeOffset now, TimeSpan keptFor);
}

/// <summary>A channel's reference to a person's conversation, as the channel adapter serialises it (JSON), under its key.</summary>
public sealed record StoredReference(string Key, string Json);

/// <summary>Each team member's language as their chat last told it (by email, a culture name), kept so a restart keeps it.</summary>
public interface IMemberLanguageStore
{
    IReadOnlyDictionary<string, string> All();

    void Save(string email, string language);
}

/// <summary>A customer contact's language as a Segment identify call last gave it: a language tag as sent ("de", "pt-BR", "fr-CA").</summary>
public sealed record ContactLanguage(string Email, string Language);

/// <summary>Each customer contact's language as Segment last gave it, by lower-cased email; read by whoever writes to the contact.</summary>
public interface IContactLanguageStore
{
    /// <summary>The tag last given for <paramref name="email"/>, or null.</summary>
    string? Of(string email);

    /// <summary>Keeps each contact's tag, replacing the one given before.</summary>
    void Save(IReadOnlyCollection<ContactLanguage> languages);
}

/// <summary>What it takes to message people later (Teams conversation references), kept by key.</summary>
public interface IConversationReferenceStore
{
    IReadOnlyList<StoredReference> All();

    /// <summary>Keeps <paramref name="reference"/> and drops the older keys the same person had, in one write.</summary>
    void Save(StoredReference reference, IReadOnlyCollection<string> replacing);
}
