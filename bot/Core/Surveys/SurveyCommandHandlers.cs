using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Language;

namespace SuccessBot.Core.Surveys;

/// <summary>`nps send ACCOUNT [force]`: a CSM or manager surveys an account's contacts now.</summary>
public sealed class NpsSendHandler(SurveyService surveys) : IChatCommandHandler<NpsSendCommand>
{
    public Reply Handle(NpsSendCommand command, AskContext context)
    {
        var found = AccountLookup.Find(context.Book, command.AccountQuery);
        if (found is not AccountLookup.Found { Account: var account }) return AccountLookup.NotFound(found, command.AccountQuery, context);
        var w = context.Reader;
        if (account.ContactEmails.Count == 0) return Reply.Refusal(w["NpsSend.NoContactsTitle"], w["NpsSend.NoContacts", ("account", account.Name)]);
        var (sent, skipped) = surveys.SendTo(account, command.Force, AuditEntry.WhoIs(context.Asker.Email), context.Channel);
        return new Reply(w["NpsSend.Title", ("account", account.Name)])
        {
            Summary = sent.Count == 0 ? w["NpsSend.NoneSent"] : w.Plural("NpsSend.Sent", sent.Count),
            Sections =
            [
                .. sent.Count == 0 ? Array.Empty<ReplySection>() : [Reply.Section(w["NpsSend.SentTo"], sent, contact => contact)],
                .. skipped.Count == 0 ? Array.Empty<ReplySection>() : [Reply.Section(w["NpsSend.Skipped"], skipped, s => s.AskedOn is { } on
                    ? w["NpsSend.Cooldown", ("contact", s.Contact), ("date", on)]
                    : w["NpsSend.OptedOut", ("contact", s.Contact)])],
            ],
        };
    }
}

/// <summary>"stop" from a customer: no more surveys, at once.</summary>
public sealed class StopSurveysHandler(ISurveyStore surveys, IAuditLog audit, TimeProvider clock) : IChatCommandHandler<StopSurveysCommand>
{
    public Reply Handle(StopSurveysCommand command, AskContext context)
    {
        if (context.Asker.Role != Role.Customer || context.Asker.Email is not { } email)
            return Reply.Refusal("Nothing to stop", "`stop` is for customers who want no more surveys.");
        var now = clock.GetUtcNow();
        audit.Recorded(() =>
        {
            surveys.OptOut(email, now);
            return (0, SurveyAudit.Stopped(now, email, context.Channel));
        });
        var reader = context.Team.ReaderIn(Languages.OfContact(context.Book, email, context.Locale, context.Team));
        return new Reply(reader["Survey.StoppedTitle"]) { Summary = reader["Survey.OptedOut"] };
    }
}
