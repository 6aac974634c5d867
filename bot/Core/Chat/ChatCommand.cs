using SuccessBot.Core.Time;

namespace SuccessBot.Core.Chat;

/// <summary>What a message asks for, once read. <see cref="Share"/>: the asker wants the answer posted for the channel.</summary>
public abstract record ChatCommand
{
    public bool Share { get; init; }

    /// <summary>The part of the book asked about and how to split it ("for enterprise", "by segment").</summary>
    public Slice Slice { get; init; } = Slice.Whole;
}

public sealed record ChurnCommand(Period Period) : ChatCommand;
public sealed record RetentionCommand(Period Period) : ChatCommand;
public sealed record NpsCommand(Period Period) : ChatCommand;

/// <summary>Monthly logo and gross MRR churn over the period, drawn.</summary>
public sealed record ChurnTrendCommand(Period Period) : ChatCommand;

/// <summary>NPS per quarter of the period (per month with <see cref="ByMonth"/>), drawn.</summary>
public sealed record NpsTrendCommand(Period Period, bool ByMonth) : ChatCommand;

/// <summary>The retention of each monthly cohort of the period (the accounts that started that month), drawn.</summary>
public sealed record RetentionTrendCommand(Period Period) : ChatCommand;
public sealed record HealthCommand(string AccountQuery) : ChatCommand;
public sealed record HealthAccuracyCommand : ChatCommand;
public sealed record RenewalsCommand(Period Period) : ChatCommand;
public sealed record AtRiskCommand : ChatCommand;
public sealed record ClvCommand : ChatCommand;
public sealed record AdoptionCommand(Period Period) : ChatCommand;
public sealed record TimeToValueCommand(Period Period) : ChatCommand;
public sealed record HelpCommand : ChatCommand;
public sealed record NpsSendCommand(string AccountQuery, bool Force) : ChatCommand;

/// <summary>A customer asking not to be surveyed again.</summary>
public sealed record StopSurveysCommand : ChatCommand;

/// <summary>
/// A message that could not be read; <see cref="Problem"/> says what was not understood, <see cref="Nearest"/> is the
/// verb of the command closest to what was typed, when one is close.
/// </summary>
public sealed record NotUnderstood(Language.Said Problem, Language.Said? Hint = null, string? Nearest = null) : ChatCommand;

/// <summary>How a figure is split: not at all, or one line per segment, plan or owner.</summary>
public enum Breakdown { None, Segment, Plan, Owner }

/// <summary>
/// "by segment" and "for enterprise" / "for anna@example.com": <see cref="For"/> is the words as typed, resolved against the book when answered.
/// <see cref="Guessed"/>: the words stood without "for" ("enterprise churn"), so if they name no segment, plan or owner they were not understood.
/// </summary>
public sealed record Slice(Breakdown By, string? For, bool Guessed = false)
{
    public static Slice Whole { get; } = new(Breakdown.None, null);

    public bool IsWhole => By == Breakdown.None && For is null;
}
