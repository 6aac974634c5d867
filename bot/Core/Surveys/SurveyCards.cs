using SuccessBot.Core.Chat;
using SuccessBot.Core.Language;

namespace SuccessBot.Core.Surveys;

/// <summary>How a survey reads before and after it is answered, in the reader's language.</summary>
public static class SurveyCards
{
    public const string Score = "nps.score", Comment = "nps.comment", OptOut = "nps.optout";

    /// <summary>The opt-out label of surveys kept before their buttons were kept with them (all were English then).</summary>
    public const string EnglishOptOut = "Don't ask me again";

    /// <summary>The question, about <paramref name="product"/> (`Nps:Product`), or about "us" when none is set.</summary>
    public static Reply Question(Reader reader, string surveyId, string? product) =>
        new(product is null ? reader["Survey.QuestionUs"] : reader["Survey.Question", ("product", product)])
        {
            Summary = reader["Survey.Summary"],
            Buttons = Buttons(surveyId, reader["Survey.DontAsk"]),
            Note = reader["Survey.Scale"],
        };

    public static IReadOnlyList<ReplyButton> Buttons(string surveyId, string optOutLabel) =>
        [.. Enumerable.Range(0, 11).Select(s => new ReplyButton($"{s}", Score, $"{surveyId}|{s}")), new ReplyButton(optOutLabel, OptOut, surveyId)];

    public static Reply Thanks(Reader reader, SurveyState survey, string? followUp) => new(reader["Survey.Thanks", ("score", survey.Score)])
    {
        Summary = survey.Comment is null ? reader["Survey.ReasonPrompt"] : reader["Survey.YourReason", ("comment", survey.Comment)],
        Buttons = survey.Comment is null
            ? [new ReplyButton(reader["Survey.AddComment"], Comment, survey.Id)
                { Inputs = [new("comment", reader["Survey.ReasonQuestion"], Optional: false)], Submit = reader["Survey.Send"], Cancel = reader["Survey.Cancel"] }]
            : [],
        Note = followUp,
    };

    public static Reply Closed(Reader reader, string why) => new(reader["Survey.Closed"]) { Summary = why };
}
