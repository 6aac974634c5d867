using Microsoft.Extensions.Time.Testing;
using SuccessBot.Cli;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;
using SuccessBot.Storage;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;
using SuccessBot.Tests.Language;

namespace SuccessBot.Tests.Nudges;

public class DigestAndHealthTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly LiteDbStore _store;
    private readonly TeamSettings _team = new() { Texts = SuccessBot.Settings.Texts, Managers = ["boss@example.com"] };
    private static readonly DateOnly Today = new(2026, 11, 23);

    public DigestAndHealthTests() => _store = new LiteDbStore(_folder.Store);

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void The_managers_digest_carries_the_churn_and_nps_trends_with_their_numbers_and_the_ledger_keeps_them()
    {
        _store.Book.UpsertAccounts([An.Account("ACME").Id("acme").OwnedBy("ana@example.com").StartedOn(2025, 1, 1).CanceledOn(2026, 9, 14, "price"),
            An.Account("Globex").Id("globex").OwnedBy("ben@example.com").StartedOn(2025, 1, 1),
            An.Account("Initech").Id("initech").OwnedBy("ben@example.com").StartedOn(2025, 1, 1)], Today);
        _store.Book.UpsertNps([new NpsAnswer("globex", "ops@globex.example", 10, null, new DateTimeOffset(2026, 8, 3, 9, 0, 0, TimeSpan.Zero))]);
        var nudges = _store.Nudges(new StaticBookSource(_store.Book.LoadBook()), _team, new CheckOptions(), _clock, []);

        nudges.SendDigests();

        var digest = _store.Ledger.AllNudges().Single(n => n.Rule == NudgeRules.Digest && n.Recipient == "boss@example.com").Card;
        Assert.Equal(["Monthly churn", "NPS by quarter"], digest.Charts.Select(c => c.Title));
        Assert.Equal(1.0 / 3, digest.Charts[0].Series[0].Values[10]!.Value, 10);
        Assert.Equal(100.0, digest.Charts[1].Series[0].Values[^1]);
        Assert.Contains("September 2026: logo churn 33.3% (1 of 3); gross MRR churn 33.3% ($100 of $300)", digest.Sections.Single(s => s.Heading == "Month by month").Lines);
        Assert.Contains("Q3 2026: NPS +100; answers 1; promoters 1; passives 0; detractors 0", digest.Sections.Single(s => s.Heading == "Quarter by quarter").Lines);
    }

    [Fact]
    public void The_weekly_digest_lists_renewals_silent_nudges_and_who_did_what_once_a_week()
    {
        _store.Book.UpsertAccounts([An.Account("ACME").Id("acme").OwnedBy("ana@example.com").Paying(4200).RenewsOn(2026, 12, 10).StartedOn(2025, 12, 10),
            An.Account("Globex").Id("globex").OwnedBy("ben@example.com").StartedOn(2025, 1, 1)], Today);
        var card = new Reply("Renewal in 17 days · ACME");
        _store.Ledger.Add(new NudgeRecord { Key = "a", Rule = NudgeRules.Renewal, AccountId = "acme", Recipient = "ana@example.com", Card = card,
            CreatedAt = _clock.GetUtcNow().AddDays(-6), Status = DeliveryStatus.Sent, SentAt = _clock.GetUtcNow().AddDays(-6) });
        _store.Ledger.Add(new NudgeRecord { Key = "b", Rule = NudgeRules.Engagement, AccountId = "globex", Recipient = "ben@example.com", Card = new Reply("Usage falling · Globex"),
            CreatedAt = _clock.GetUtcNow().AddDays(-2), Status = DeliveryStatus.Sent, SentAt = _clock.GetUtcNow().AddDays(-2),
            Action = "logged a call with Globex", ActedBy = "ben@example.com", ActedAt = _clock.GetUtcNow().AddDays(-1) });
        // Ben's other card, handled by that call: one action, listed once.
        _store.Ledger.Add(new NudgeRecord { Key = "c", Rule = NudgeRules.Onboarding, AccountId = "globex", Recipient = "ben@example.com", Card = new Reply("Onboarding stalled · Globex"),
            CreatedAt = _clock.GetUtcNow().AddDays(-2), Status = DeliveryStatus.Retired,
            Action = "logged a call with Globex", ActedBy = "ben@example.com", ActedAt = _clock.GetUtcNow().AddDays(-1), HandledThrough = "b" });
        var nudges = _store.Nudges(new StaticBookSource(_store.Book.LoadBook()), _team, new CheckOptions(), _clock, []);

        Assert.Equal(2, nudges.SendDigests());   // the manager's, and ana's renewals (ben has none)
        Assert.Equal(0, nudges.SendDigests());

        var renewals = _store.Ledger.AllNudges().Single(n => n.Rule == NudgeRules.Digest && n.Recipient == "ana@example.com");
        Assert.Equal("Your renewals · week 48, 2026", renewals.Card.Title);
        Assert.StartsWith("2026-12-10 ACME: $4,200 MRR, poor health (", Assert.Single(renewals.Card.Sections.Single().Lines));
        var digest = _store.Ledger.AllNudges().Single(n => n.Rule == NudgeRules.Digest && n.Recipient == "boss@example.com");
        Assert.Equal("boss@example.com", digest.Recipient);
        Assert.Equal("Weekly digest · week 48, 2026", digest.Card.Title);
        var text = PlainText.Render(digest.Card);
        Assert.Contains("2026-12-10 ACME: $4,200 MRR, owner ana@example.com", text);
        Assert.Contains("Renewal in 17 days · ACME to ana@example.com, sent 2026-11-17", text);
        Assert.Equal(["2026-11-22 ben@example.com logged a call with Globex"], digest.Card.Sections.Single(s => s.Heading == "Who acted on what").Lines);
        Assert.Contains("Globex: 5/100, owner ben@example.com", text);
    }

    [Theory]
    [InlineData("de", "Wochenüberblick · KW 48 2026", "1 Verlängerung in den nächsten 30 Tagen (4.200 $ MRR); 1 Account neu mit schlechtem Health; seit mehr als 3 Tagen unbeantwortete Hinweise: 1.",
        "10.12.2026 ACME: 4.200 $ MRR, verantwortlich ana@example.com", "Wer was erledigt hat", "22.11.2026 ben@example.com: Kontakt (Anruf) mit Globex erfasst",
        "Ihre Verlängerungen · KW 48 2026", "Verlängerungen in den nächsten 90 Tagen: 1 Ihrer Accounts (4.200 $ MRR). Accounts mit gutem Health bekommen 7 Tage vorher eine Karte, die anderen haben schon eine.")]
    [InlineData("ru", "Еженедельная сводка · неделя 48, 2026", "1 продление в ближайшие 30 дней (MRR 4 200 $); 1 аккаунт теперь с плохим здоровьем; напоминаний без ответа дольше 3 дней: 1.",
        "10.12.2026 ACME: MRR 4 200 $, ответственный ana@example.com", "Кто что сделал", "22.11.2026 ben@example.com: записан контакт (звонок) с Globex",
        "Ваши продления · неделя 48, 2026", "Продления в ближайшие 90 дней: аккаунтов — 1, MRR 4 200 $. Аккаунты с хорошим здоровьем получат карточку за 7 дней до продления; у остальных она уже есть.")]
    [InlineData("ro", "Rezumatul săptămânii · săptămâna 48, 2026", "1 reînnoire în următoarele 30 de zile (4.200 $ MRR); 1 cont a trecut la sănătate slabă; notificări fără răspuns de peste 3 zile: 1.",
        "10.12.2026 ACME: 4.200 $ MRR, responsabil ana@example.com", "Cine ce a rezolvat", "22.11.2026 ben@example.com: a fost înregistrat un contact (apel) cu Globex",
        "Reînnoirile dumneavoastră · săptămâna 48, 2026", "Reînnoiri în următoarele 90 de zile: 1 dintre conturile dumneavoastră (4.200 $ MRR). Conturile cu sănătate bună primesc un card cu 7 zile înainte; celelalte au deja unul.")]
    public void The_weekly_digests_are_in_each_recipients_language(string locale, string title, string summary, string renewal, string actedHeading, string acted, string ownerTitle, string ownerSummary)
    {
        _store.Book.UpsertAccounts([An.Account("ACME").Id("acme").OwnedBy("ana@example.com").Paying(4200).RenewsOn(2026, 12, 10).StartedOn(2025, 12, 10),
            An.Account("Globex").Id("globex").OwnedBy("ben@example.com").StartedOn(2025, 1, 1)], Today);
        _store.Ledger.Add(new NudgeRecord { Key = "a", Rule = NudgeRules.Renewal, AccountId = "acme", Recipient = "ana@example.com", Card = new Reply("Renewal in 17 days · ACME"),
            CreatedAt = _clock.GetUtcNow().AddDays(-6), Status = DeliveryStatus.Sent, SentAt = _clock.GetUtcNow().AddDays(-6) });
        _store.Ledger.Add(new NudgeRecord { Key = "b", Rule = NudgeRules.Engagement, AccountId = "globex", Recipient = "ben@example.com", Card = new Reply("Usage falling · Globex"),
            CreatedAt = _clock.GetUtcNow().AddDays(-2), Status = DeliveryStatus.Sent, SentAt = _clock.GetUtcNow().AddDays(-2),
            Action = "logged a call with Globex", Done = new SuccessBot.Core.Language.Said("Done.Logged", ("kind", new SuccessBot.Core.Language.Said("Touchpoint.call")), ("account", "Globex"), ("note", null)),
            ActedBy = "ben@example.com", ActedAt = _clock.GetUtcNow().AddDays(-1) });
        _team.Members.Remember("boss@example.com", locale);
        _team.Members.Remember("ana@example.com", locale);
        var nudges = _store.Nudges(new StaticBookSource(_store.Book.LoadBook()), _team, new CheckOptions(), _clock, []);

        nudges.SendDigests();

        var digest = _store.Ledger.AllNudges().Single(n => n.Rule == NudgeRules.Digest && n.Recipient == "boss@example.com").Card;
        Assert.Equal(title, digest.Title);
        Assert.Equal(summary, Spaces.Plain(digest.Summary!));
        Assert.Equal(renewal, Spaces.Plain(digest.Sections[0].Lines.Single()));
        Assert.Equal(acted, Spaces.Plain(digest.Sections.Single(s => s.Heading == actedHeading).Lines.Single()));
        var renewals = _store.Ledger.AllNudges().Single(n => n.Rule == NudgeRules.Digest && n.Recipient == "ana@example.com").Card;
        Assert.Equal(ownerTitle, renewals.Title);
        Assert.Equal(ownerSummary, Spaces.Plain(renewals.Summary!));
    }

    [Fact]
    public void Active_users_against_seats_and_days_to_renewal_move_the_score()
    {
        var busy = An.Account("Busy").Build() with { Plan = "Growth", RenewalOn = Today.AddDays(200) };
        var thin = busy with { Id = "thin", Name = "Thin" };
        var book = new BookBuilder().With(busy, thin);
        for (var d = 0; d < 56; d++)
        {
            book.Used(busy, Today.AddDays(-d), 30, "reports", "dashboards", "integrations");   // 15 users a day
            book.Used(thin, Today.AddDays(-d), 4, "reports", "dashboards", "integrations");    // 2 users a day
        }
        var options = new HealthOptions { PlanSeats = new Dictionary<string, int> { ["Growth"] = 25 } };
        var built = book.Build();
        string[] core = ["reports", "dashboards", "integrations"];

        var full = Health.Assess(built, busy, Today, core, options);
        var few = Health.Assess(built, thin, Today, core, options);
        var renewingSoon = Health.Assess(built, busy with { RenewalOn = Today.AddDays(9) }, Today, core, options);

        Assert.Equal("15 active users on an active day, of 25 seats", full.Components.Single(c => c.Name == "users").DetailIn(new SuccessBot.Core.Language.Reader(SuccessBot.Settings.Texts, SuccessBot.Core.Language.Languages.English)));
        Assert.Equal(100, full.Components.Single(c => c.Name == "users").Score);
        Assert.Equal(16, Math.Round(few.Components.Single(c => c.Name == "users").Score));
        Assert.True(few.Score < full.Score);
        Assert.Equal(10, Math.Round(renewingSoon.Components.Single(c => c.Name == "renewal").Score));
        Assert.True(renewingSoon.Score < full.Score);
    }

    [Fact]
    public void Health_says_what_moved_it_most_since_last_week_and_the_recent_actions()
    {
        var a = An.Account("Slipping").StartedOn(2025, 1, 1).Build();
        var book = new BookBuilder().With(a);
        for (var d = 8; d < 60; d++) book.Used(a, Today.AddDays(-d), 10, "reports", "dashboards", "integrations");
        book.Touched(a, "call", "spoke to their CFO", "csm@example.com", new DateTimeOffset(2026, 11, 20, 15, 0, 0, TimeSpan.Zero));

        var answer = new Conversation(book.Build(), Today).As("boss@example.com").SendText("health slipping");

        Assert.Contains("Since last week:", answer);
        Assert.Contains("moved most: trend, -95 points (sessions 280 to 200 (-29%) in 4 weeks)", answer);
        Assert.Contains("2026-11-20 call by csm@example.com: spoke to their CFO", answer);
    }
}
