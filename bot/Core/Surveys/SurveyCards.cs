using SuccessBot.Core.Chat;

namespace SuccessBot.Core.Surveys;

/// <summary>How a survey reads before and after it is answered.</summary>
public static class SurveyCards
{
    public const string Score = "nps.score", Comment = "nps.comment", OptOut = "nps.optout";

    public static Reply Question(string surveyId, string product) => new($"How likely are you to recommend {product} to a friend or colleague?")
    {
        Summary = "One click: 0 is not likely at all, 10 is very likely.",
        Buttons = Buttons(surveyId),
        Note = "0 = Not likely · 10 = Very likely",
    };

    public static IReadOnlyList<ReplyButton> Buttons(string surveyId) =>
        [.. Enumerable.Range(0, 11).Select(s => new ReplyButton($"{s}", Score, $"{surveyId}|{s}")), new ReplyButton("Don't ask me again", OptOut, surveyId)];

    public static Reply Thanks(SurveyState survey, string? followUp) => new($"Thanks, you answered {survey.Score}")
    {
        Summary = survey.Comment is null ? "What is the main reason for your score? (optional: type it here, or use the button)" : $"Your reason: \"{survey.Comment}\"",
        Buttons = survey.Comment is null ? [new ReplyButton("Add a comment", Comment, survey.Id) { Inputs = [new("comment", "What is the main reason for your score?", Optional: false)] }] : [],
        Note = followUp,
    };

    public static Reply Closed(string why) => new("Survey closed") { Summary = why };
}
