using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;

namespace SuccessBot.Core.Nudges;

/// <summary>The nudge ledger: what was decided, sent and acted on, and the last state seen of each account.</summary>
public interface INudgeLedger
{
    /// <summary>Records a nudge; false when its key is already there (it was decided before: nothing is sent twice).</summary>
    bool Add(NudgeRecord record);

    /// <summary>
    /// Records what one part of a check decided, all or nothing: every nudge whose key is new (returned), the states of
    /// accounts seen for the first time and the states that changed, and the cards of the day that took more reasons
    /// (<paramref name="replaced"/>). A crash never keeps a state without its nudge, nor a reason without its card.
    /// </summary>
    IReadOnlyList<NudgeRecord> Record(IReadOnlyCollection<NudgeRecord> nudges, IReadOnlyCollection<AccountSignals> firstStates, IReadOnlyCollection<AccountSignals> changedStates,
        IReadOnlyCollection<NudgeRecord> replaced);

    NudgeRecord? Find(string key);

    /// <summary>Which of those keys the ledger has, read at once (a check asks for thousands).</summary>
    IReadOnlySet<string> Known(IReadOnlyCollection<string> keys);

    /// <summary>The records of those keys that are in the ledger, read at once.</summary>
    IReadOnlyDictionary<string, NudgeRecord> FindMany(IReadOnlyCollection<string> keys);

    /// <summary>Every card about one account (<see cref="NudgeRules.AboutAnAccount"/>), to whomever, in any state.</summary>
    IReadOnlyList<NudgeRecord> AboutAccount(string accountId);
    void Update(NudgeRecord record);

    /// <summary>Writes those records at once, in one transaction (a roll-up lists hundreds).</summary>
    void Update(IReadOnlyList<NudgeRecord> records);
    IReadOnlyList<NudgeRecord> DueForDelivery(DateTimeOffset now);
    IReadOnlyList<NudgeRecord> CreatedSince(DateTimeOffset from);

    /// <summary>What was delivered since <paramref name="from"/>: each person's cards of the day, counted against their budget.</summary>
    IReadOnlyList<NudgeRecord> SentSince(DateTimeOffset from);

    /// <summary>The cards a roll-up lists (<see cref="DeliveryStatus.Listed"/>, with the roll-up's key as their message reference).</summary>
    IReadOnlyList<NudgeRecord> ListedIn(string rollUpKey);
    IReadOnlyDictionary<string, AccountSignals> Signals();
}

/// <summary>What CSMs do about accounts: snoozes, touchpoints, churn marks.</summary>
public interface IAccountActivity
{
    IReadOnlyDictionary<string, Snooze> Snoozes();
    void SaveSnooze(Snooze snooze);
    void EndSnooze(string accountId);
    void AddTouchpoint(Touchpoint touchpoint);

    /// <summary>Keeps the churned account (<see cref="Account.ChurnedOn"/>), its churn record and the touchpoint saying so, all or nothing.</summary>
    void MarkChurned(AccountChurned churned);
}

/// <summary>The outcome of one attempt to deliver a message to a person.</summary>
public sealed record Delivery(bool Delivered, string? MessageRef = null, string? Error = null, bool Unreachable = false)
{
    public static Delivery Sent(string messageRef) => new(true, messageRef);
    public static Delivery Failed(string error) => new(false, Error: error);
    public static Delivery NoRoute(string why) => new(false, Error: why, Unreachable: true);
}

/// <summary>A chat channel that can bring a card to a person proactively (Slack, Teams, the local chat).</summary>
public interface IChatChannel
{
    string Name { get; }

    /// <summary>Whether this channel knows how to reach the person at all (a Slack user, a stored Teams conversation).</summary>
    Task<bool> CanReachAsync(string email, CancellationToken cancel);

    Task<Delivery> SendAsync(string email, Reply card, CancellationToken cancel);

    /// <summary>
    /// The person's own time zone, when this channel knows it (Slack's `tz`, Teams' `localTimezone`); null when it does not,
    /// an exception when it cannot say now (down, rate limited), so that the answer is not kept.
    /// </summary>
    Task<TimeZoneInfo?> TimeZoneOfAsync(string email, CancellationToken cancel) => Task.FromResult<TimeZoneInfo?>(null);

    /// <summary>Replaces a card sent before (after a click), so its buttons cannot be used twice.</summary>
    Task UpdateAsync(string email, string messageRef, Reply card, CancellationToken cancel);
}
