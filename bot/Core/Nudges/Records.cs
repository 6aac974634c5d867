using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Nudges;

public static class NudgeRules
{
    public const string Renewal = "renewal", Engagement = "engagement", Onboarding = "onboarding", Detractor = "detractor", Digest = "digest",
        Day = "day", RollUp = "rollup";

    /// <summary>The rules whose key is "rule|account|...": the cards about one account a person can act on.</summary>
    public static readonly string[] AboutAnAccount = [Day, Renewal, Engagement, Onboarding, Detractor];

    /// <summary>A card with Snooze, Log touchpoint and Mark churned, counted in a person's daily budget.</summary>
    public static bool IsCard(string rule) => AboutAnAccount.Contains(rule);
}

/// <summary>What a reason is called and what happened, without the account: what a card of the day's reasons is made of.</summary>
public sealed record NudgeReason(string Headline, string Happened);

/// <summary>A nudge the checks decided on: to whom, about which account, and the card to send.</summary>
public sealed record Nudge(string Key, string Rule, string AccountId, string Recipient, Reply Card)
{
    /// <summary>Null for what is not about a reason (a digest, a roll-up, a survey).</summary>
    public NudgeReason? Reason { get; init; }
}

/// <summary>
/// Pending until a channel took it; Unreachable: a survey for a contact no channel reaches (listed in the digest);
/// Merged: a reason told in its account's card of the day; Listed: over the person's daily budget, listed in the day's
/// roll-up (<see cref="NudgeRecord.MessageRef"/> names it); Retired: handled through another card, or a survey to a
/// contact who opted out, before it was sent.
/// </summary>
public enum DeliveryStatus { Pending, Sent, Unreachable, Merged, Listed, Retired }

/// <summary>A nudge in the ledger: recorded once per key, sent once, retried until it is.</summary>
public sealed record NudgeRecord
{
    public required string Key { get; init; }
    public required string Rule { get; init; }
    public required string AccountId { get; init; }
    public required string Recipient { get; init; }
    public required Reply Card { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DeliveryStatus Status { get; init; } = DeliveryStatus.Pending;
    public int Attempts { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public string? Channel { get; init; }

    /// <summary>Where the sent message is, so a click can update it (channel's own id: Slack ts, Teams activity id, local id).</summary>
    public string? MessageRef { get; init; }

    public string? ActedBy { get; init; }

    /// <summary>What was done, in English for the audit ("snoozed ACME for 14 days").</summary>
    public string? Action { get; init; }

    /// <summary>What was done, put in words for whoever reads it later; null for records acted on before it was kept (their <see cref="Action"/> is said instead).</summary>
    public Language.Said? Done { get; init; }
    public DateTimeOffset? ActedAt { get; init; }

    /// <summary>The key of the card someone acted on, when this one was handled through it (not acted on itself).</summary>
    public string? HandledThrough { get; init; }

    /// <summary>Why the checks decided on it, kept so that a card of the day grown later tells it again; null before reasons were kept.</summary>
    public NudgeReason? Reason { get; init; }

    public static NudgeRecord From(Nudge nudge, DateTimeOffset now) => new()
    {
        Key = nudge.Key, Rule = nudge.Rule, AccountId = nudge.AccountId, Recipient = nudge.Recipient, Card = nudge.Card,
        CreatedAt = now, NextAttemptAt = now, Reason = nudge.Reason,
    };

    /// <summary>The nudge again, as a card of the day is grown from it.</summary>
    public Nudge ToNudge() => new(Key, Rule, AccountId, Recipient, Card) { Reason = Reason };
}

/// <summary>What was last seen of an account, so that engagement nudges fire when the state changes, not every day it lasts.</summary>
public sealed record AccountSignals(string AccountId, HealthBand Band, bool Inactive, bool Falling, DateOnly SeenOn);

/// <summary>An account whose nudges wait until <see cref="Until"/>, unless it gets worse.</summary>
public sealed record Snooze(string AccountId, DateOnly Until, string? Reason, string By, HealthBand BandWhenSnoozed);
