namespace SuccessBot.Core.Domain;

/// <summary>A customer account as the CSM team knows it. An account with <see cref="CanceledOn"/> set churned that day.</summary>
public sealed record Account
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string OwnerEmail { get; init; }
    public required decimal Mrr { get; init; }
    public required DateOnly StartedOn { get; init; }
    public string? Plan { get; init; }
    public DateOnly? RenewalOn { get; init; }
    public DateOnly? CanceledOn { get; init; }
    public string? ChurnReason { get; init; }
    public IReadOnlyList<string> ContactEmails { get; init; } = [];

    /// <summary>Each contact's language (a tag such as `de` or `pt-BR`, null when not known), aligned with <see cref="ContactEmails"/>.</summary>
    public IReadOnlyList<string?> ContactLanguages { get; init; } = [];

    /// <summary>The account's language (`language`), for contacts without their own.</summary>
    public string? Language { get; init; }
    public string? SlackChannelId { get; init; }
    public string? TeamsConversationId { get; init; }
    public string? Segment { get; init; }

    /// <summary>The language given for <paramref name="contact"/> in `contact_languages`, if any.</summary>
    public string? LanguageOf(string? contact)
    {
        if (contact is null) return null;
        for (var i = 0; i < ContactEmails.Count && i < ContactLanguages.Count; i++)
            if (string.Equals(ContactEmails[i], contact.Trim(), StringComparison.OrdinalIgnoreCase)) return ContactLanguages[i];
        return null;
    }

    /// <summary>A customer at the start of <paramref name="day"/>: started on or before it, not cancelled before it.</summary>
    public bool IsCustomerAtStartOf(DateOnly day) => StartedOn <= day && (CanceledOn is null || CanceledOn >= day);

    /// <summary>Still a customer at the end of <paramref name="day"/>: started, and not cancelled on or before it.</summary>
    public bool IsActiveOn(DateOnly day) => StartedOn <= day && (CanceledOn is null || CanceledOn > day);

    public bool CanceledWithin(DateOnly start, DateOnly endExclusive) =>
        CanceledOn is { } c && c >= start && c < endExclusive;

    /// <summary>
    /// The account after a CSM marks it churned on <paramref name="on"/>: cancelled with the reason. Its renewal date stays, as an
    /// import of a cancelled account keeps it: the renewal it did not take, which the backtest replays its renewals from.
    /// </summary>
    public Account ChurnedOn(DateOnly on, string reason) => CanceledOn is not null
        ? throw new InvalidOperationException($"{Name} was already cancelled on {CanceledOn:yyyy-MM-dd}.")
        : this with { CanceledOn = on, ChurnReason = reason };
}

/// <summary>The MRR an account pays from <see cref="EffectiveOn"/> on, until the next change.</summary>
public readonly record struct MrrChange(string AccountId, DateOnly EffectiveOn, decimal Mrr);

/// <summary>One account's product usage on one day.</summary>
public readonly record struct UsageDay(string AccountId, DateOnly Date, int ActiveUsers, int Sessions, int Minutes, IReadOnlyList<string> Features);

/// <summary>
/// A usage day as the book keeps it: the account is where it sits, the features a number (<see cref="BookOfBusiness.FeaturesOf"/>).
/// Twenty bytes and no references, so millions of them are small and the collector need not walk them.
/// </summary>
public readonly record struct DayOfUse(DateOnly Date, int ActiveUsers, int Sessions, int Minutes, int FeatureSet);

/// <summary>One answer to "How likely are you to recommend us?" (0-10).</summary>
public sealed record NpsAnswer(string AccountId, string ContactEmail, int Score, string? Comment, DateTimeOffset AnsweredAt)
{
    public NpsCategory Category => Score >= 9 ? NpsCategory.Promoter : Score >= 7 ? NpsCategory.Passive : NpsCategory.Detractor;
}

public enum NpsCategory { Detractor, Passive, Promoter }

/// <summary>Something the team did about an account and when: a call, an email, a meeting, a snooze, a churn mark.</summary>
public sealed record Touchpoint(string AccountId, string Kind, string? Note, string By, DateTimeOffset At)
{
    /// <summary>The store's key for it, given when it is kept ("" before): the same touchpoint read twice is one.</summary>
    public string Id { get; init; } = "";
}

/// <summary>Why and how an account left: written when a CSM marks it churned.</summary>
public sealed record ChurnRecord(string AccountId, DateOnly On, string Reason, string? Note, string By, int MonthsAsCustomer, decimal Mrr, double? SessionTrend);

/// <summary>A survey sent through SuccessBot, for the response rate; <see cref="Id"/> is the survey's key.</summary>
public sealed record SurveySent(string AccountId, DateTimeOffset SentAt, bool Answered, string Id);
