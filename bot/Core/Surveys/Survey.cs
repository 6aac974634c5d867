using SuccessBot.Core.Domain;

namespace SuccessBot.Core.Surveys;

/// <summary>How NPS surveys are run (bound from `Nps:*`).</summary>
public sealed record NpsOptions
{
    /// <summary>A contact is not asked again within this many days.</summary>
    public int CooldownDays { get; init; } = 90;

    /// <summary>Accounts younger than this are not surveyed yet.</summary>
    public int MinAccountAgeDays { get; init; } = 30;

    /// <summary>At most this many surveys a day, so replies trickle in.</summary>
    public int MaxPerDay { get; init; } = 50;

    /// <summary>A second click within this many hours changes the score.</summary>
    public int EditWindowHours { get; init; } = 24;

    /// <summary>A survey not answered within this many days is closed.</summary>
    public int ExpiryDays { get; init; } = 14;

    /// <summary>Said to promoters after they answer (a review or referral link); nothing when empty.</summary>
    public string? PromoterFollowUp { get; init; }

    /// <summary>The follow-up in other languages (`Nps:PromoterFollowUps:de`, ...), for contacts who read one of them.</summary>
    public IReadOnlyDictionary<string, string> PromoterFollowUps { get; init; } = new Dictionary<string, string>();

    /// <summary>The follow-up in <paramref name="culture"/>'s language when one is given, else the default one.</summary>
    public string? FollowUpIn(System.Globalization.CultureInfo culture) =>
        PromoterFollowUps.FirstOrDefault(f => Language.Languages.Match(f.Key)?.Name == culture.Name).Value ?? PromoterFollowUp;

    /// <summary>A detractor's nudge waits this long for the comment that usually follows the score.</summary>
    public TimeSpan CommentGrace { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Who is recommended: "How likely are you to recommend {Product}..."; "us" in each language when not set.</summary>
    public string? Product { get; init; }
}

/// <summary>One survey sent to one contact, and its answer once given.</summary>
public sealed record SurveyState
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string Contact { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public int? Score { get; init; }
    public DateTimeOffset? FirstAnsweredAt { get; init; }
    public DateTimeOffset? LastAnsweredAt { get; init; }
    public string? Comment { get; init; }
    public bool Closed { get; init; }

    /// <summary>The channel that brought the survey to the person (slack, teams, local), recorded with the answer.</summary>
    public string? Channel { get; init; }

    /// <summary>The answer the figures read; its moment is the first click, so a changed score replaces it.</summary>
    public NpsAnswer? Answer => Score is { } s && FirstAnsweredAt is { } at ? new NpsAnswer(AccountId, Contact, s, Comment, at) : null;
}

/// <summary>Where surveys, opt-outs and answers are kept.</summary>
public interface ISurveyStore
{
    SurveyState? FindSurvey(string id);
    void SaveSurvey(SurveyState survey);

    /// <summary>When each contact (lower-case email) was last sent a survey.</summary>
    IReadOnlyDictionary<string, DateTimeOffset> LastSurveyed();

    IReadOnlySet<string> OptedOut();

    /// <summary>Which of these contacts opted out (lower-case), looked up one by one: a delivery round asks about the few it surveys.</summary>
    IReadOnlySet<string> OptedOutAmong(IReadOnlyCollection<string> contacts);
    void OptOut(string email, DateTimeOffset at);

    /// <summary>Saves an answered survey and its answer, with the NPS answers every figure reads, all or nothing.</summary>
    void SaveAnswered(SurveyState survey);

    /// <summary>Keeps a click on someone else's survey (a forwarded or copied button), with who and when.</summary>
    void LogRefusedClick(string surveyId, string? clicker, DateTimeOffset at);
}
