namespace SuccessBot.Core.Domain;

/// <summary>A value that breaks a domain rule: which field, and what is wrong with it.</summary>
public sealed record RuleBreak(string Field, string Problem);

/// <summary>The rules every account and answer must keep, whichever way it arrives (CSV import, usage events, chat).</summary>
public static class Rules
{
    public const int MaxCommentLength = 2000;

    /// <summary>
    /// The most one account's MRR can be. 100,000 accounts at 10^12 sum to 10^17, far inside decimal's 7.9 x 10^28, so with
    /// every MRR bounded on the way in no sum of MRRs in the metrics can overflow (it cannot happen, rather than being caught).
    /// </summary>
    public const decimal MaxMrr = 1_000_000_000_000m;

    public const string MrrRange = "MRR is a number from 0 to 1,000,000,000,000 (10^12)";

    /// <summary>An MRR read back from a store that took it before the bound existed, as answers count it: at the nearer end of 0..10^12.</summary>
    public static decimal BoundedMrr(decimal stored) => Math.Clamp(stored, 0, MaxMrr);

    public static IEnumerable<RuleBreak> Check(Account a)
    {
        if (string.IsNullOrWhiteSpace(a.Id)) yield return new("account_id", "is empty");
        if (string.IsNullOrWhiteSpace(a.Name)) yield return new("name", "is empty");
        if (!LooksLikeEmail(a.OwnerEmail)) yield return new("owner_email", $"\"{a.OwnerEmail}\" is not an email address");
        if (a.Mrr < 0) yield return new("mrr", $"{a.Mrr} is negative; MRR is 0 or more");
        if (a.Mrr > MaxMrr) yield return new("mrr", $"{a.Mrr} is too large; {MrrRange}");
        foreach (var (field, text) in new[] { ("account_id", a.Id), ("name", a.Name), ("owner_email", a.OwnerEmail), ("plan", a.Plan), ("segment", a.Segment) })
            if (ControlCharacterIn(text) is { } control)
                yield return new(field, $"contains the control character U+{(int)control:X4}; names are shown in chat and on terminals and must be plain text");
        if (a.CanceledOn is { } c && c < a.StartedOn) yield return new("canceled_on", $"{c:yyyy-MM-dd} is before started_on {a.StartedOn:yyyy-MM-dd}");
        foreach (var e in a.ContactEmails.Where(e => !LooksLikeEmail(e))) yield return new("contact_emails", $"\"{e}\" is not an email address");
        if (a.Language is { } language && LanguageProblem(language) is { } problem) yield return new("language", problem);
        if (a.ContactLanguages.Count > a.ContactEmails.Count)
            yield return new("contact_languages", $"has {a.ContactLanguages.Count} languages for {a.ContactEmails.Count} contact emails; give one per contact, in the same order, empty for none");
        foreach (var contactLanguage in a.ContactLanguages)
            if (contactLanguage is { } tag && LanguageProblem(tag) is { } contactProblem) yield return new("contact_languages", contactProblem);
    }

    /// <summary>Why a language tag cannot be used, or null: SuccessBot is written in en, pt-BR, pt-PT, de, ro and ru.</summary>
    public static string? LanguageProblem(string tag) => Language.Languages.Match(tag) is null
        ? $"\"{tag}\" is not a language SuccessBot is written in ({string.Join(", ", Language.Languages.Supported.Select(c => c.Name))})"
        : null;

    /// <summary>The first control character (ESC, BEL, a newline, ...) in <paramref name="text"/>, if any.</summary>
    public static char? ControlCharacterIn(string? text)
    {
        foreach (var c in text ?? "")
            if (char.IsControl(c)) return c;
        return null;
    }

    public static bool IsValidScore(int score) => score is >= 0 and <= 10;

    /// <summary>One @ with something on both sides and a dot in the domain; delivery will tell the rest.</summary>
    public static bool LooksLikeEmail(string? s) =>
        s is { Length: >= 5 } && s.IndexOf('@') is var at and > 0 && at == s.LastIndexOf('@') && s.IndexOf('.', at) > at + 1
        && !s.EndsWith('.') && !s.Any(char.IsWhiteSpace);
}
