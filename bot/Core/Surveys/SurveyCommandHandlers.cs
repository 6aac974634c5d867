using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Language;

namespace SuccessBot.Core.Surveys;

/// <summary>`nps send ACCOUNT [force]`: a CSM or manager surveys an account's contacts now.</summary>
public sealed class NpsSendHandler(SurveyService surveys) : IChatCommandHandler<NpsSendCommand>
{
    public Reply Handle(NpsSendCommand command, AskContext context)
    {
        var found = AccountLookup.Find(context.Book.Accounts, command.AccountQuery);
        if (found is not AccountLookup.Found { Account: var account }) return AccountLookup.NotFound(found, command.AccountQuery, context);
        if (account.ContactEmails.Count == 0) return Reply.Refusal("No contacts", $"{account.Name} has no contact emails to survey (the `contact_emails` column).");
        var (sent, skipped) = surveys.SendTo(account, command.Force, AuditEntry.WhoIs(context.Asker.Email), context.Channel);
        return new Reply($"NPS survey · {account.Name}")
        {
            Summary = sent.Count == 0 ? "No survey sent." : $"Survey sent to {Format.Count(sent.Count)} contact(s); answers appear in `nps`.",
            Sections = [.. new[] { ("Sent to", sent), ("Skipped", skipped) }.Where(s => s.Item2.Count > 0).Select(s => Reply.Section(s.Item1, s.Item2, l => l))],
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
