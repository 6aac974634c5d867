namespace SuccessBot.Core.Domain;

/// <summary>A value that breaks a domain rule: which field, and what is wrong with it.</summary>
public sealed record RuleBreak(string Field, string Problem);

/// <summary>The rules every account and answer must keep, whichever way it arrives (CSV import, usage events, chat).</summary>
public static class Rules
{
    public const int MaxCommentLength = 2000;

    public static IEnumerable<RuleBreak> Check(Account a)
    {
        if (string.IsNullOrWhiteSpace(a.Id)) yield return new("account_id", "is empty");
        if (string.IsNullOrWhiteSpace(a.Name)) yield return new("name", "is empty");
        if (!LooksLikeEmail(a.OwnerEmail)) yield return new("owner_email", $"\"{a.OwnerEmail}\" is not an email address");
        if (a.Mrr < 0) yield return new("mrr", $"{a.Mrr} is negative; MRR is 0 or more");
        if (a.CanceledOn is { } c && c < a.StartedOn) yield return new("canceled_on", $"{c:yyyy-MM-dd} is before started_on {a.StartedOn:yyyy-MM-dd}");
        foreach (var e in a.ContactEmails.Where(e => !LooksLikeEmail(e))) yield return new("contact_emails", $"\"{e}\" is not an email address");
    }

    public static bool IsValidScore(int score) => score is >= 0 and <= 10;

    /// <summary>One @ with something on both sides and a dot in the domain; delivery will tell the rest.</summary>
    public static bool LooksLikeEmail(string? s) =>
        s is { Length: >= 5 } && s.IndexOf('@') is var at and > 0 && at == s.LastIndexOf('@') && s.IndexOf('.', at) > at + 1
        && !s.EndsWith('.') && !s.Any(char.IsWhiteSpace);
}
