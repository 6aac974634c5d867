using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;

namespace SuccessBot.Tests.Builders;

/// <summary>Test data that reads like the situation it sets up: An.Account("ACME").StartedOn(...).CanceledOn(...).</summary>
public static class An
{
    private static int _next;

    public static AccountBuilder Account(string? name = null)
    {
        var n = Interlocked.Increment(ref _next);
        return new AccountBuilder(new Account
        {
            Id = $"acc-{n}",
            Name = name ?? $"Account {n}",
            OwnerEmail = "csm@example.com",
            Mrr = 100,
            StartedOn = new DateOnly(2024, 1, 1),
        });
    }
}

public sealed class AccountBuilder(Account account)
{
    private Account _account = account;

    public AccountBuilder Id(string id) => With(_account with { Id = id });
    public AccountBuilder OwnedBy(string email) => With(_account with { OwnerEmail = email });
    public AccountBuilder Paying(decimal mrr) => With(_account with { Mrr = mrr });
    public AccountBuilder StartedOn(int y, int m, int d) => With(_account with { StartedOn = new DateOnly(y, m, d) });
    public AccountBuilder CanceledOn(int y, int m, int d, string? reason = null) => With(_account with { CanceledOn = new DateOnly(y, m, d), ChurnReason = reason });
    public AccountBuilder RenewsOn(int y, int m, int d) => With(_account with { RenewalOn = new DateOnly(y, m, d) });
    public AccountBuilder WithContacts(params string[] emails) => With(_account with { ContactEmails = emails });

    public Account Build() => _account;

    public static implicit operator Account(AccountBuilder b) => b.Build();

    private AccountBuilder With(Account a)
    {
        _account = a;
        return this;
    }
}

/// <summary>A book assembled in a test: accounts, MRR changes, usage and NPS answers.</summary>
public sealed class BookBuilder
{
    private readonly List<Account> _accounts = [];
    private readonly List<MrrChange> _mrr = [];
    private readonly List<UsageDay> _usage = [];
    private readonly List<NpsAnswer> _nps = [];
    private readonly List<Touchpoint> _touchpoints = [];

    public BookBuilder With(params Account[] accounts) { _accounts.AddRange(accounts); return this; }
    public BookBuilder With(IEnumerable<Account> accounts) { _accounts.AddRange(accounts); return this; }
    public BookBuilder MrrChange(Account a, int y, int m, int d, decimal mrr) { _mrr.Add(new(a.Id, new DateOnly(y, m, d), mrr)); return this; }

    public BookBuilder Used(Account a, DateOnly day, int sessions = 5, params string[] features)
    {
        _usage.Add(new UsageDay(a.Id, day, Math.Max(1, sessions / 2), sessions, sessions * 10, features));
        return this;
    }

    public BookBuilder Answered(Account a, int score, int y, int m, int d, string? comment = null, string contact = "ops@customer.example") =>
        Answered(a, score, new DateTimeOffset(y, m, d, 12, 0, 0, TimeSpan.Zero), comment, contact);

    public BookBuilder Answered(Account a, int score, DateTimeOffset at, string? comment = null, string contact = "ops@customer.example")
    {
        _nps.Add(new NpsAnswer(a.Id, contact, score, comment, at));
        return this;
    }

    public BookBuilder Touched(Account a, string kind, string note, string by, DateTimeOffset at)
    {
        _touchpoints.Add(new Touchpoint(a.Id, kind, note, by, at));
        return this;
    }

    public BookOfBusiness Build() => new(_accounts, _mrr, _usage, _nps, _touchpoints);
}

/// <summary>A chat with the bot on a given day, read like a conversation: chat.As("x").Send("churn").Reply.</summary>
public sealed class Conversation(BookOfBusiness book, DateOnly today, TeamSettings? team = null)
{
    private sealed class Fixed(BookOfBusiness b) : IBookSource { public BookOfBusiness Current => b; }

    private readonly ChatBot _bot = new(new Fixed(book), team ?? new TeamSettings { Texts = SuccessBot.Settings.Texts, Managers = ["boss@example.com"] },
        new FixedClock(new DateTimeOffset(today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero)));
    private string? _as;

    public Conversation As(string? email)
    {
        _as = email;
        return this;
    }

    public Reply Send(string text, string? locale = null) => _bot.Answer(new IncomingMessage(text, _as) { Locale = locale });

    public string SendText(string text) => PlainText.Render(Send(text));
}

public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
