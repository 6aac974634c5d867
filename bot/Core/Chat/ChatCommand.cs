using SuccessBot.Core.Time;

namespace SuccessBot.Core.Chat;

/// <summary>What a message asks for, once read. <see cref="Share"/>: the asker wants the answer posted for the channel.</summary>
public abstract record ChatCommand
{
    public bool Share { get; init; }
}

public sealed record ChurnCommand(Period Period) : ChatCommand;
public sealed record RetentionCommand(Period Period) : ChatCommand;
public sealed record NpsCommand(Period Period) : ChatCommand;
public sealed record HealthCommand(string AccountQuery) : ChatCommand;
public sealed record RenewalsCommand(Period Period) : ChatCommand;
public sealed record AtRiskCommand : ChatCommand;
public sealed record ClvCommand : ChatCommand;
public sealed record AdoptionCommand(Period Period) : ChatCommand;
public sealed record TimeToValueCommand(Period Period) : ChatCommand;
public sealed record HelpCommand : ChatCommand;
public sealed record NpsSendCommand(string AccountQuery, bool Force) : ChatCommand;

/// <summary>A customer asking not to be surveyed again.</summary>
public sealed record StopSurveysCommand : ChatCommand;

/// <summary>A message that could not be read; <see cref="Problem"/> says what was not understood.</summary>
public sealed record NotUnderstood(string Problem, string? Hint = null) : ChatCommand;
