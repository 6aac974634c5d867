using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat;

/// <summary>The team's settings that shape answers (bound from `Team:*`, `Adoption:*` and `Checks:Health:*`).</summary>
public sealed record TeamSettings
{
    /// <summary>Emails allowed to ask for team-wide figures.</summary>
    public IReadOnlyList<string> Managers { get; init; } = [];
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;
    public string CurrencySymbol { get; init; } = "$";

    /// <summary>Feature keys that count as real use of the product (adoption, time to value, health breadth).</summary>
    public IReadOnlyList<string> CoreFeatures { get; init; } = ["reports", "dashboards", "integrations"];
    public HealthOptions Health { get; init; } = new();

    /// <summary>The language of anyone whose own is not known (`Team:Language`, default `en`).</summary>
    public string Language { get; init; } = "en";

    /// <summary>The message texts of every language.</summary>
    public required Language.ITexts Texts { get; init; }

    /// <summary>The words of a reader of <paramref name="culture"/>.</summary>
    public Language.Reader ReaderIn(System.Globalization.CultureInfo culture) => new(Texts, culture);

    /// <summary>The languages team members' chats have told.</summary>
    public Language.MemberLanguages Members { get; init; } = new();

    /// <summary>The languages Segment's identify calls gave customer contacts.</summary>
    public Language.ContactLanguages Contacts { get; init; } = new();

    /// <summary>A team member's words: their chat's language, else the team's.</summary>
    public Language.Reader ReaderOfMember(string email) => ReaderIn(Members.Of(email) ?? SuccessBot.Core.Language.Languages.First(Language));

    /// <summary>A team member's words where they tell a language (their chat's locale, a verb's `--language`): it, else the team's.</summary>
    public Language.Reader ReaderTold(string? locale) => ReaderOfChat(locale, null);

    /// <summary>A person's words as their chat tells them now (its locale), else as it last told (<see cref="Members"/>), else the team's.</summary>
    public Language.Reader ReaderOfChat(string? locale, string? email) =>
        ReaderIn(SuccessBot.Core.Language.Languages.Match(locale) ?? (string.IsNullOrWhiteSpace(email) ? null : Members.Of(email)) ?? SuccessBot.Core.Language.Languages.First(Language));

    /// <summary>A reply read back from the ledger with the words of the reader it was written for (its <see cref="Reply.WrittenIn"/>), for what a channel adds to it.</summary>
    public Reply InItsWords(Reply reply) =>
        reply.Words is null && SuccessBot.Core.Language.Languages.Match(reply.WrittenIn) is { } culture ? reply with { Words = ReaderIn(culture) } : reply;

    public DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZone).DateTime);
}

public enum Role { Administrator, Manager, Csm, Customer, Unknown }

/// <summary>Who is asking, as far as SuccessBot is concerned.</summary>
public sealed record Asker(string? Email, Role Role)
{
    public static Asker Administrator { get; } = new(null, Role.Administrator);

    /// <summary>Managers are named in settings; CSMs own accounts; customers are contacts of one.</summary>
    public static Asker Identify(string? email, TeamSettings team, BookOfBusiness book)
    {
        if (string.IsNullOrWhiteSpace(email)) return new Asker(email, Role.Unknown);
        var e = email.Trim();
        if (team.Managers.Any(m => string.Equals(m.Trim(), e, StringComparison.OrdinalIgnoreCase))) return new Asker(e, Role.Manager);
        if (book.HasOwner(e)) return new Asker(e, Role.Csm);
        if (book.HasContact(e)) return new Asker(e, Role.Customer);
        return new Asker(e, Role.Unknown);
    }

    public bool SeesWholeTeam => Role is Role.Administrator or Role.Manager;
}

/// <summary>What a handler answers from: the part of the book the asker may see, the day, and the team's settings.</summary>
public sealed record AskContext(Asker Asker, DateOnly Today, BookOfBusiness Book, TeamSettings Team)
{
    /// <summary>The channel the question came through, for the audit log of a command that acts (`nps send`, `stop`).</summary>
    public string Channel { get; init; } = Audit.AuditChannels.Cli;

    /// <summary>The asker's language as their chat tells it (a Teams activity's locale, the browser's Accept-Language), if it does.</summary>
    public string? Locale { get; init; }

    /// <summary>The message as typed, for what is read as words rather than a command (a customer's reason for a score).</summary>
    public string? Words { get; init; }

    /// <summary>The asker's words: a customer's own language (see <see cref="Language.Languages.OfContact(BookOfBusiness, string, string?, TeamSettings)"/>); a team member's chat's language, else the team's.</summary>
    public Language.Reader Reader => Asker is { Role: Role.Customer, Email: { } email }
        ? Team.ReaderIn(Language.Languages.OfContact(Book, email, Locale, Team))
        : Team.ReaderTold(Locale);

    /// <summary>"all accounts" for a manager, "your accounts" for a CSM: every team figure says whose it is (in English, for the answers not translated yet).</summary>
    public string Scope => ScopeIn(Team.ReaderIn(Language.Languages.English));

    public string ScopeIn(Language.Reader reader) => reader[Asker.SeesWholeTeam ? "Scope.All" : "Scope.Yours"];

    /// <summary>An amount in English, for the answers not translated yet; <see cref="Language.Reader.Money"/> in the asker's words.</summary>
    public string Money(decimal amount) => Format.Money(amount, Team.CurrencySymbol);

    public string MoneyIn(Language.Reader reader, decimal amount) => reader.Money(amount, Team.CurrencySymbol);
}
