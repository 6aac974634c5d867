using SuccessBot.Core.Audit;

namespace SuccessBot.Core.Surveys;

/// <summary>The audit log's entries about surveys, built here only: what was sent (by a person or the campaign), and what was answered.</summary>
public static class SurveyAudit
{
    public const string Send = "nps send", Answer = "survey answer";

    /// <summary>Surveys sent to some of an account's contacts: by `nps send` in a chat or at the command line, or by the NPS campaign.</summary>
    public static AuditEntry Sent(DateTimeOffset at, string who, string channel, string accountId, IEnumerable<string> contacts, bool force) =>
        new(at, who, channel, Send, accountId, new Dictionary<string, string> { ["sent to"] = string.Join(", ", contacts), ["force"] = force ? "yes" : "no" });

    /// <summary>A click on a survey: which survey, of which contact, and what they answered (a score, a comment, an opt-out).</summary>
    public static AuditFact Answered(SurveyState survey, string what, string value) =>
        new(Answer, survey.AccountId, new Dictionary<string, string> { ["survey"] = survey.Id, ["contact"] = survey.Contact, [what] = value });

    /// <summary>`stop` from a customer, which answers no survey in particular.</summary>
    public static AuditEntry Stopped(DateTimeOffset at, string contact, string channel) =>
        new(at, contact, channel, Answer, null, new Dictionary<string, string> { ["contact"] = contact, ["opted out"] = "yes (stop)" });
}
