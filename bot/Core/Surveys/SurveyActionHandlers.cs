using System.Globalization;
using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Language;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;

namespace SuccessBot.Core.Surveys;

/// <summary>What the survey buttons share: the survey must exist, be the clicker's own, and still be open.</summary>
public abstract class SurveyActionHandler(ISurveyStore surveys, NpsOptions options) : IActionHandler
{
    protected ISurveyStore Surveys => surveys;
    protected NpsOptions Options => options;

    public ActionOutcome Handle(ActionRequest request, ActionContext context)
    {
        var (id, rest) = Split(request.Value);
        if (surveys.FindSurvey(id) is not { } survey)
        {
            var stranger = context.Team.ReaderTold(request.Locale);
            return ActionOutcome.NotSent(stranger["Survey.NoSuchSurvey"], stranger["Survey.UnknownButton"]);
        }
        if (!string.Equals(context.Asker.Email, survey.Contact, StringComparison.OrdinalIgnoreCase))
        {
            surveys.LogRefusedClick(survey.Id, context.Asker.Email, context.Now);
            var clicker = context.Team.ReaderIn(Languages.OfContact(context.Book.Find(survey.AccountId), context.Asker.Email, request.Locale, context.Team));
            return ActionOutcome.Refused(clicker["Survey.NotYoursTitle"], clicker["Survey.NotYours"]);
        }
        var reader = ReaderOf(survey, request, context);
        if (survey.Closed || surveys.OptedOut().Contains(survey.Contact.ToLowerInvariant()))
            return ActionOutcome.Refused(reader["Survey.Closed"], reader["Survey.AskedNotToNothingRecorded"], SurveyCards.Closed(reader, reader["Survey.AskedNotTo"]));
        if (survey.Score is null && context.Now - survey.CreatedAt > TimeSpan.FromDays(options.ExpiryDays))
        {
            var closedOn = DateOnly.FromDateTime(survey.CreatedAt.AddDays(options.ExpiryDays).UtcDateTime);
            return ActionOutcome.Refused(reader["Survey.Closed"], reader["Survey.ClosedOn", ("date", closedOn)],
                SurveyCards.Closed(reader, reader.Plural("Survey.ClosedAfter", options.ExpiryDays, ("date", closedOn))));
        }
        return Act(survey, rest, request, context with { Reader = reader });
    }

    /// <summary>The contact's language: their own, their chat's, their account's, the team's.</summary>
    private static Reader ReaderOf(SurveyState survey, ActionRequest request, ActionContext context) =>
        context.Team.ReaderIn(Languages.OfContact(context.Book.Find(survey.AccountId), survey.Contact, request.Locale, context.Team));

    protected abstract ActionOutcome Act(SurveyState survey, string? rest, ActionRequest request, ActionContext context);

    /// <summary>The nudges a detractor's answer makes (the same keys whoever finds the answer first), empty for anyone else.</summary>
    public static IEnumerable<Nudge> DetractorNudges(SurveyState answered, BookOfBusiness book, DateOnly today, TeamSettings team, CheckOptions checks,
        Backtest.BacktestMemory? backtests)
    {
        if (answered.Score > 6 || answered.Answer is not { } answer || book.Find(answered.AccountId) is not { } account) return [];
        var health = Health.Assess(book, account, today, team.CoreFeatures, team.Health);
        return NudgeChecks.Detractor(book, account, health, answer, today, team, checks, backtests?.Records ?? Backtest.RuleRecords.None, team.ReaderOfMember);
    }

    private static (string Id, string? Tail) Split(string value) =>
        value.IndexOf('|') is var bar and >= 0 ? (value[..bar], value[(bar + 1)..]) : (value, null);
}

/// <summary>A click on 0-10: records the score (or changes it within the edit window) and asks why.</summary>
/// <param name="backtests">The last backtest, whose detractor record a detractor's nudge quotes.</param>
public sealed class NpsScoreHandler(ISurveyStore surveys, NpsOptions options, INudgeLedger ledger, CheckOptions checks, Backtest.BacktestMemory? backtests = null)
    : SurveyActionHandler(surveys, options)
{
    protected override ActionOutcome Act(SurveyState survey, string? rest, ActionRequest request, ActionContext context)
    {
        var reader = context.Reader!;
        if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var score) || !Rules.IsValidScore(score))
            return ActionOutcome.NotSent(reader["Survey.NotAScore"], reader["Survey.UnknownButton"]);
        if (survey.FirstAnsweredAt is { } first && context.Now - first > TimeSpan.FromHours(Options.EditWindowHours))
            return ActionOutcome.Refused(reader["Survey.AlreadyAnsweredTitle"],
                reader.Plural("Survey.AlreadyAnswered", Options.EditWindowHours, ("score", survey.Score), ("date", DateOnly.FromDateTime(first.UtcDateTime))),
                SurveyCards.Thanks(reader, survey, null) with { Buttons = [] });

        var answered = survey with
        {
            Score = score, FirstAnsweredAt = survey.FirstAnsweredAt ?? context.Now, LastAnsweredAt = context.Now,
            Channel = ledger.Find($"{SurveyService.Rule}|{survey.Id}")?.Channel,
        };
        Surveys.SaveAnswered(answered);
        foreach (var nudge in DetractorNudges(answered, context.Book, context.Today, context.Team, checks, backtests))
            ledger.Add(NudgeRecord.From(nudge, context.Now) with { NextAttemptAt = context.Now + Options.CommentGrace });
        return new ActionOutcome(SurveyCards.Thanks(reader, answered, score >= 9 ? Options.FollowUpIn(reader.Culture) : null), null)
        {
            Audited = SurveyAudit.Answered(answered, "score", score.ToString(CultureInfo.InvariantCulture)),
        };
    }
}

/// <summary>The optional reason after a score, from the card's comment button.</summary>
public sealed class NpsCommentHandler(ISurveyStore surveys, NpsOptions options, SurveyComments comments) : SurveyActionHandler(surveys, options)
{
    protected override ActionOutcome Act(SurveyState survey, string? rest, ActionRequest request, ActionContext context)
    {
        var reader = context.Reader!;
        if (survey.Score is null) return ActionOutcome.Refused(reader["Survey.ScoreFirstTitle"], reader["Survey.ScoreFirst"]);
        var text = request.Inputs.GetValueOrDefault("comment")?.Trim();
        if (string.IsNullOrEmpty(text)) return new ActionOutcome(SurveyCards.Thanks(reader, survey, null) with { Buttons = [] }, null);
        return new ActionOutcome(comments.Keep(reader, survey, text, context.Book, context.Today, context.Team), null) { Audited = SurveyAudit.Answered(survey, "comment", text) };
    }
}

/// <summary>
/// Keeps the reason for a score, up to 2,000 characters, and puts it in the detractor's nudge while that still waits
/// (`Nps:CommentGraceSeconds`), whether it came from the card's button or was typed into the chat.
/// </summary>
public sealed class SurveyComments(ISurveyStore surveys, INudgeLedger ledger, CheckOptions checks, Backtest.BacktestMemory? backtests = null)
{
    /// <summary>Keeps <paramref name="text"/> as the comment (after one already given) and returns the card that says so.</summary>
    public Reply Keep(Reader reader, SurveyState survey, string text, BookOfBusiness book, DateOnly today, TeamSettings team)
    {
        var whole = survey.Comment is { Length: > 0 } earlier ? $"{earlier}\n{text}" : text;
        var cut = whole.Length > Rules.MaxCommentLength;
        var commented = survey with { Comment = cut ? whole[..Rules.MaxCommentLength] : whole };
        surveys.SaveAnswered(commented);
        foreach (var nudge in SurveyActionHandler.DetractorNudges(commented, book, today, team, checks, backtests))
            if (ledger.Find(nudge.Key) is { Status: DeliveryStatus.Pending } waiting) ledger.Update(waiting with { Card = nudge.Card });
        var note = cut ? reader.Plural("Survey.CommentCut", whole.Length, ("kept", Rules.MaxCommentLength)) : null;
        return SurveyCards.Thanks(reader, commented, null) with { Note = note };
    }
}

/// <summary>
/// Words a customer types that are no command (`help`, `stop`), within `Nps:EditWindowHours` of answering a survey: the
/// reason for that score. Null when there is no such survey, and the words are answered as any other.
/// </summary>
public sealed class SurveyWordsHandler(ISurveyStore surveys, NpsOptions options, SurveyComments comments, TimeProvider clock) : ICustomerWordsHandler
{
    public Reply? Handle(string words, AskContext context)
    {
        if (context.Asker.Email is not { } email || words.Trim() is not { Length: > 0 } text) return null;
        var since = clock.GetUtcNow() - TimeSpan.FromHours(options.EditWindowHours);
        if (Latest(context.Book, email, since) is not { } survey || surveys.OptedOut().Contains(email.Trim().ToLowerInvariant())) return null;
        var reader = context.Team.ReaderIn(Languages.OfContact(context.Book.Find(survey.AccountId), survey.Contact, context.Locale, context.Team));
        return comments.Keep(reader, survey, text, context.Book, context.Today, context.Team);
    }

    /// <summary>The survey this contact answered last, at or after <paramref name="since"/>.</summary>
    private SurveyState? Latest(BookOfBusiness book, string email, DateTimeOffset since)
    {
        SurveyState? latest = null;
        // A survey answered since then was sent at most its expiry before: older ones are not read from the store.
        var sentSince = since - TimeSpan.FromDays(options.ExpiryDays);
        foreach (var position in book.PositionsOfContact(email))
        {
            foreach (var sent in book.SurveysAt(position))
                if (sent.Answered && sent.SentAt >= sentSince && surveys.FindSurvey(sent.Id) is { LastAnsweredAt: { } at, Closed: false } survey && at >= since
                    && string.Equals(survey.Contact, email, StringComparison.OrdinalIgnoreCase) && (latest is null || at > latest.LastAnsweredAt))
                    latest = survey;
        }
        return latest;
    }
}

/// <summary>"Don't ask me again": honoured at once, for every account the person is a contact of.</summary>
public sealed class NpsOptOutHandler(ISurveyStore surveys, NpsOptions options) : SurveyActionHandler(surveys, options)
{
    protected override ActionOutcome Act(SurveyState survey, string? rest, ActionRequest request, ActionContext context)
    {
        Surveys.OptOut(survey.Contact, context.Now);
        Surveys.SaveSurvey(survey with { Closed = true });
        return new ActionOutcome(SurveyCards.Closed(context.Reader!, context.Reader!["Survey.OptedOut"]), null) { Audited = SurveyAudit.Answered(survey, "opted out", "yes") };
    }
}
