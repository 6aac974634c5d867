using System.Text.Json;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Nudges;
using SuccessBot.Slack;
using SuccessBot.Teams;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Slack;
using SuccessBot.Tests.Teams;

namespace SuccessBot.Tests.Language;

/// <summary>What a CSM reads in their chat's language: a nudge card, its buttons and modal, and the answers to churn, nps, renewals and health.</summary>
public class CsmTextsTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private const string Ana = "ana@example.com";

    private static BookOfBusiness Book()
    {
        var accounts = new List<Account>();
        for (var i = 0; i < 23; i++)
        {
            var a = An.Account($"Customer {i}").OwnedBy(Ana).StartedOn(2025, 1, 1).Paying(1200).RenewsOn(2026, 12, 1 + i);
            accounts.Add(i < 2 ? a.CanceledOn(2026, 10, 5 + i, "price").Build() : a.Build());
        }
        accounts.Add(An.Account("Acme Analytics").OwnedBy(Ana).StartedOn(2025, 1, 1).Paying(900).RenewsOn(2027, 1, 5));
        return new BookBuilder().With(accounts).Answered(accounts[^1], 9, 2026, 10, 10).Answered(accounts[5], 3, 2026, 11, 2, "too slow")
            .Answered(accounts[6], 10, 2026, 11, 3).Build();
    }

    private static TeamSettings Team() => new() { Texts = SuccessBot.Settings.Texts, Managers = ["boss@example.com"] };

    private static ChatBot Bot(TeamSettings team) =>
        new(new StaticBook(Book()), team, new FixedClock(new DateTimeOffset(Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero)));

    private sealed class StaticBook(BookOfBusiness book) : IBookSource { public BookOfBusiness Current => book; }

    private static Reply Ask(string text, string locale) => Bot(Team()).Answer(new IncomingMessage(text, Ana) { Locale = locale });

    [Theory]
    [InlineData("en", "Churn · October 2026 (1 Oct 2026 – 31 Oct 2026) · your accounts", "8.3% logo churn: 2 of 24 accounts active on 1 Oct 2026 cancelled.", "Churned accounts")]
    [InlineData("pt-BR", "Churn · Outubro 2026 (01/10/2026 – 31/10/2026) · suas contas", "8,3% de churn de logos: 2 de 24 contas ativas em 01/10/2026 cancelaram.", "Contas canceladas")]
    [InlineData("pt-PT", "Churn · Outubro 2026 (01/10/2026 – 31/10/2026) · as suas contas", "8,3% de churn de logos: 2 de 24 contas ativas a 01/10/2026 cancelaram.", "Contas canceladas")]
    [InlineData("de-DE", "Churn · Oktober 2026 (01.10.2026 – 31.10.2026) · Ihre Accounts", "8,3 % Logo-Churn: 2 von 24 am 01.10.2026 aktiven Accounts haben gekündigt.", "Gekündigte Accounts")]
    [InlineData("ro", "Churn · Octombrie 2026 (01.10.2026 – 31.10.2026) · conturile dumneavoastră", "8,3 % churn de clienți: 2 din 24 de conturi active pe 01.10.2026 au renunțat.", "Conturi pierdute")]
    [InlineData("ru-RU", "Отток · Октябрь 2026 (01.10.2026 – 31.10.2026) · ваши аккаунты", "Отток клиентов 8,3 %: ушли 2 из 24 аккаунтов, активных на 01.10.2026.", "Ушедшие аккаунты")]
    public void Churn_last_month_reads_in_the_askers_language_with_its_numbers_and_dates(string locale, string title, string summary, string section)
    {
        var reply = Ask("churn last month", locale);

        Assert.Equal(title, Spaces.Plain(reply.Title));
        Assert.Equal(summary, Spaces.Plain(reply.Summary!));
        Assert.Contains(reply.Sections, s => s.Heading == section);
    }

    [Theory]
    [InlineData("en", "Renewals · ", "21 accounts renew, $25,200 MRR; 21 of them in poor health.")]
    [InlineData("pt-BR", "Renovações · ", "21 contas renovam, $ 25.200 de MRR; 21 delas com saúde ruim.")]
    [InlineData("de", "Verlängerungen · ", "21 Accounts verlängern, 25.200 $ MRR; davon 21 mit schlechtem Health.")]
    [InlineData("ro", "Reînnoiri · ", "21 de conturi se reînnoiesc, 25.200 $ MRR; 21 dintre ele cu sănătate slabă.")]
    [InlineData("ru", "Продления · ", "21 аккаунт на продление, MRR 25 200 $; с плохим здоровьем: 21.")]
    public void Renewals_count_by_each_languages_plural_rules(string locale, string title, string summary)
    {
        var reply = Ask("renewals next 30 days", locale);

        Assert.StartsWith(title, reply.Title);
        Assert.Equal(summary, Spaces.Plain(reply.Summary!));
    }

    [Theory]
    [InlineData("en", "... and 1 more", "… and 1 more")]
    [InlineData("de", "… und 1 weitere", "… und 1 weitere")]
    [InlineData("ru", "… и ещё 1", "… и ещё 1")]
    [InlineData("pt-PT", "… e mais 1", "… e mais 1")]
    public void A_cut_list_says_how_many_more_in_the_askers_language_in_every_channel(string locale, string plain, string card)
    {
        var reply = Ask("renewals next 30 days", locale);

        Assert.Contains(reply.Sections, s => s.More == 1);
        Assert.Contains("  " + plain + "\n", PlainText.Render(reply).ReplaceLineEndings("\n"));
        Assert.Contains(card, JsonSerializer.Serialize(AdaptiveCards.Render(reply), Unescaped));
        Assert.Contains(card, BlockKit.Message(reply).ToJsonString(Unescaped));
    }

    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Theory]
    [InlineData("en", "NPS · this quarter (1 Oct 2026 – 25 Nov 2026) · your accounts", "NPS +33.3 from 3 answers.", "Detractors (0-6)", "1 (33.3%)")]
    [InlineData("pt-BR", "NPS · T4 2026 até hoje (01/10/2026 – 25/11/2026) · suas contas", "NPS +33,3 com base em 3 respostas.", "Detratores (0-6)", "1 (33,3%)")]
    [InlineData("pt-PT", "NPS · T4 2026 até hoje (01/10/2026 – 25/11/2026) · as suas contas", "NPS +33,3 com base em 3 respostas.", "Detratores (0-6)", "1 (33,3%)")]
    [InlineData("de", "NPS · 4. Quartal 2026 bis heute (01.10.2026 – 25.11.2026) · Ihre Accounts", "NPS +33,3 aus 3 Antworten.", "Detraktoren (0-6)", "1 (33,3 %)")]
    [InlineData("ro", "NPS · T4 2026 până azi (01.10.2026 – 25.11.2026) · conturile dumneavoastră", "NPS +33,3 din 3 răspunsuri.", "Detractori (0-6)", "1 (33,3 %)")]
    [InlineData("ru", "NPS · 4 кв. 2026 по сегодняшний день (01.10.2026 – 25.11.2026) · ваши аккаунты", "NPS +33,3 по 3 ответам.", "Критики (0-6)", "1 (33,3 %)")]
    public void Nps_this_quarter_names_the_quarter_and_writes_the_score_as_the_reader_does(string locale, string title, string summary, string label, string detractors)
    {
        var reply = Ask("nps this quarter", locale);

        Assert.Equal(title, reply.Title);
        Assert.Equal(summary, reply.Summary);
        Assert.Contains(reply.Facts, f => f.Label == label && Spaces.Plain(f.Value) == detractors);
    }

    [Theory]
    [InlineData("en", "Health · Acme Analytics", "Customer since", "2025-01-01", "2027-01-05 (in 41 days)")]
    [InlineData("pt-BR", "Saúde · Acme Analytics", "Cliente desde", "01/01/2025", "05/01/2027 (em 41 dias)")]
    [InlineData("de", "Health · Acme Analytics", "Kunde seit", "01.01.2025", "05.01.2027 (in 41 Tagen)")]
    [InlineData("ro", "Sănătate · Acme Analytics", "Client din", "01.01.2025", "05.01.2027 (peste 41 de zile)")]
    [InlineData("ru", "Здоровье · Acme Analytics", "Клиент с", "01.01.2025", "05.01.2027 (через 41 день)")]
    public void Health_of_an_account_reads_in_the_askers_language(string locale, string title, string since, string day, string renewal)
    {
        var reply = Ask("health acme", locale);

        Assert.Equal(title, reply.Title);
        Assert.Contains(reply.Facts, f => f.Label == since && f.Value == day);
        Assert.Contains(reply.Facts, f => f.Value == renewal);
    }

    public static TheoryData<string, string, string, string, string> Cards() => new()
    {
        { "en", "Renewal in 41 days · Acme Analytics", "Snooze", "Save", "poor (11); weakest: recency, never active" },
        { "pt-BR", "Renovação em 41 dias · Acme Analytics", "Adiar", "Salvar", "ruim (11); ponto mais fraco: recência, nenhuma atividade até agora" },
        { "pt-PT", "Renovação daqui a 41 dias · Acme Analytics", "Adiar", "Guardar", "fraca (11); ponto mais fraco: recência, nenhuma atividade até agora" },
        { "de", "Verlängerung in 41 Tagen · Acme Analytics", "Zurückstellen", "Speichern", "schlecht (11); schwächster Bereich: Letzte Nutzung, noch nie aktiv" },
        { "ro", "Reînnoire peste 41 de zile · Acme Analytics", "Amânați", "Salvați", "slabă (11); cel mai slab: recență, nicio activitate până acum" },
        { "ru", "Продление через 41 день · Acme Analytics", "Отложить", "Сохранить", "плохое (11); слабее всего: давность, активности ещё не было" },
    };

    /// <summary>The renewal card the owner gets, in the language their chat last told, checked against Block Kit's limits and the Adaptive Card rules.</summary>
    [Theory]
    [MemberData(nameof(Cards))]
    public void A_nudge_card_its_buttons_and_modal_read_in_the_owners_language_within_the_card_rules(string language, string title, string snooze, string save, string health)
    {
        var team = Team();
        Bot(team).Answer(new IncomingMessage("help", Ana) { Locale = language });
        var book = Book();
        var inputs = new CheckInputs(book, Today, team, new CheckOptions(), new Dictionary<string, AccountSignals>(), new Dictionary<string, Snooze>());

        var card = NudgeChecks.Run(inputs, CheckKind.Renewals).Nudges.Single(n => n.Recipient == Ana && n.AccountId == book.Accounts.Single(a => a.Name == "Acme Analytics").Id).Card;

        Assert.Equal(title, card.Title);
        Assert.Contains(card.Facts, f => f.Value == health);
        Assert.Equal(snooze, card.Buttons[0].Label);
        Assert.Equal(save, card.Buttons[0].Submit);
        Assert.Equal(3, card.Buttons.Count);
        BlockKitLimits.Check(BlockKit.Message(card)["blocks"]!.AsArray());
        // What Teams says of a required choice left empty stays out of Slack's button values (Slack's modal says it itself).
        Assert.NotNull(card.Buttons[2].Inputs[0].Missing);
        var values = BlockKit.Message(card)["blocks"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "actions")
            .SelectMany(b => b!["elements"]!.AsArray()).Select(e => e!["value"]!.GetValue<string>()).ToArray();
        Assert.All(values.SelectMany(v => ButtonValue.Decode(v)!.Inputs), i => Assert.Null(i.Missing));
        var modal = BlockKit.Modal(card.Buttons[2].Label, card.Buttons[2].Inputs, "meta", card.Buttons[2].Submit, card.Buttons[2].Cancel);
        Assert.True(modal["title"]!["text"]!.GetValue<string>().Length <= BlockKit.ModalTitle, modal["title"]!["text"]!.GetValue<string>());
        foreach (var reply in new[] { card, NudgeCards.Done(card, "ana snoozed it for 14 days.") })
        {
            var problems = AdaptiveCardRules.Problems(JsonSerializer.SerializeToElement(AdaptiveCards.Render(reply)));
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
    }

    [Fact]
    public void A_card_in_another_language_keeps_its_buttons_in_the_ledger_and_an_english_one_has_them_rebuilt()
    {
        var team = Team();
        team.Members.Remember(Ana, "de-DE");
        var german = NudgeCards.Actions(team.ReaderOfMember(Ana), "renewal|a|x|ana@example.com");

        Assert.True(NudgeCards.KeepsButtons(NudgeRules.Day, new Reply("t") { Buttons = german }));
        Assert.False(NudgeCards.KeepsButtons(NudgeRules.Day, new Reply("t") { Buttons = NudgeCards.Actions("k") }));
        Assert.Equal("Snooze", NudgeCards.ButtonsFor(NudgeRules.Day, "k", [])[0].Label);
    }
}
