using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Language;

/// <summary>
/// The answers beyond churn, nps, renewals and health as a CSM reads them in their chat's language: adoption, retention,
/// at-risk, CLV, time to value, the three trends, help, and the refusals of what was not understood.
/// </summary>
public class AnswerTextsTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private const string Ana = "ana@example.com";
    private static readonly string[] CoreFeatures = ["reports", "dashboards", "integrations"];

    /// <summary>
    /// Ana's 12 accounts: 10 since 2025, 2 of them cancelled in October; 2 started in March 2026 and reached a core feature after 10 and 21 days (usage is recorded from January).
    /// The 5 first use every core feature every week of the last 8; the 6th's sessions fell from 20 to 2 a week.
    /// </summary>
    private static readonly BookOfBusiness Book = Build();

    private static BookOfBusiness Build()
    {
        var accounts = Enumerable.Range(0, 10).Select(i =>
        {
            var a = An.Account($"Customer {i}").OwnedBy(Ana).StartedOn(2025, 1, 1).Paying(1000).RenewsOn(2026, 12, 1 + i);
            return i >= 8 ? a.CanceledOn(2026, 10, 5 + i, "price").Build() : a.Build();
        }).ToList();
        accounts.Add(An.Account("Newco A").OwnedBy(Ana).StartedOn(2026, 3, 1).Paying(500).RenewsOn(2027, 3, 1));
        accounts.Add(An.Account("Newco B").OwnedBy(Ana).StartedOn(2026, 3, 1).Paying(500).RenewsOn(2027, 3, 1));
        var book = new BookBuilder().With(accounts);
        book.Used(accounts[0], new DateOnly(2026, 1, 5), 5, "reports").Used(accounts[10], new DateOnly(2026, 3, 11), 5, "reports").Used(accounts[11], new DateOnly(2026, 3, 22), 5, "dashboards");
        for (var week = 0; week < 8; week++)
        {
            var day = Today.AddDays(-7 * week - 1);
            for (var i = 0; i < 5; i++) book.Used(accounts[i], day, 10, CoreFeatures);
            book.Used(accounts[5], day, week < 4 ? 2 : 20, "reports");
        }
        return book.Answered(accounts[0], 9, 2026, 8, 10).Answered(accounts[1], 3, 2026, 8, 12).Answered(accounts[2], 10, 2026, 11, 2).Build();
    }

    public static Reply Ask(string text, string locale) => new Conversation(Book, Today).As(Ana).Send(text, locale);

    [Theory]
    [InlineData("en", "Adoption · the last 30 days (27 Oct 2026 – 25 Nov 2026) · your accounts", "50.0% adoption: 5 of 10 active accounts used every core feature (reports, dashboards, integrations).")]
    [InlineData("pt-BR", "Adoção · 27/10/2026 – 25/11/2026 · suas contas", "50,0% de adoção: 5 de 10 contas ativas usaram todas as funcionalidades principais (reports, dashboards, integrations).")]
    [InlineData("pt-PT", "Adoção · 27/10/2026 – 25/11/2026 · as suas contas", "50,0% de adoção: 5 de 10 contas ativas utilizaram todas as funcionalidades principais (reports, dashboards, integrations).")]
    [InlineData("de-DE", "Adoption · 27.10.2026 – 25.11.2026 · Ihre Accounts", "50,0 % Adoption: 5 von 10 aktiven Accounts haben alle Kernfunktionen genutzt (reports, dashboards, integrations).")]
    [InlineData("ro", "Adopție · 27.10.2026 – 25.11.2026 · conturile dumneavoastră", "Adopție 50,0 %: 5 din 10 conturi active au folosit toate funcțiile de bază (reports, dashboards, integrations).")]
    [InlineData("ru", "Внедрение · 27.10.2026 – 25.11.2026 · ваши аккаунты", "Внедрение 50,0 %: все ключевые функции (reports, dashboards, integrations) использовали 5 из 10 активных аккаунтов.")]
    public void Adoption_reads_in_the_askers_language(string locale, string title, string summary)
    {
        var reply = Ask("adoption", locale);

        Assert.Equal(title, reply.Title);
        Assert.Equal(summary, Spaces.Plain(reply.Summary!));
    }

    [Theory]
    [InlineData("en", "At risk · 25 Nov 2026 · your accounts · by segment", "5 of 10 active accounts are at risk, $4,000 MRR.", "Soonest renewal first", "Customer 5: poor (38), sessions -90%, $1,000 MRR, renews 2026-12-06, owner ana@example.com")]
    [InlineData("pt-BR", "Em risco · 25/11/2026 · suas contas · por segmento", "5 de 10 contas ativas estão em risco, $ 4.000 de MRR.", "Renovação mais próxima primeiro", "Customer 5: ruim (38), sessões -90%, $ 1.000 de MRR, renova em 06/12/2026, responsável ana@example.com")]
    [InlineData("de", "Gefährdet · 25.11.2026 · Ihre Accounts · nach Segment", "5 von 10 aktiven Accounts sind gefährdet, 4.000 $ MRR.", "Nächste Verlängerung zuerst", "Customer 5: schlecht (38), Sitzungen -90 %, 1.000 $ MRR, Verlängerung 06.12.2026, verantwortlich ana@example.com")]
    [InlineData("ro", "În pericol · 25.11.2026 · conturile dumneavoastră · pe segmente", "5 din 10 conturi active sunt în pericol, 4.000 $ MRR.", "Cea mai apropiată reînnoire întâi", "Customer 5: slabă (38), sesiuni -90 %, 1.000 $ MRR, se reînnoiește 06.12.2026, responsabil ana@example.com")]
    [InlineData("ru", "Под угрозой · 25.11.2026 · ваши аккаунты · по сегментам", "Под угрозой 5 из 10 активных аккаунтов, MRR 4 000 $.", "Сначала ближайшие продления", "Customer 5: плохое (38), сессии -90 %, MRR 1 000 $, продление 06.12.2026, ответственный ana@example.com")]
    public void At_risk_reads_in_the_askers_language_with_its_breakdown_and_chart(string locale, string title, string summary, string heading, string first)
    {
        var reply = Ask("at-risk by segment", locale);

        Assert.Equal(title, reply.Title);
        Assert.Equal(summary, Spaces.Plain(reply.Summary!));
        Assert.Equal(first, Spaces.Plain(reply.Sections.Single(s => s.Heading == heading).Lines[0]));
        Assert.DoesNotContain(reply.Sections, s => s.Heading == "By segment" && locale != "en");
        Assert.Equal(locale == "en", reply.Charts[0].Title == "Active accounts by health");
        Assert.Equal(locale == "en", reply.Charts[0].Description.StartsWith("Donut of the 10 active accounts", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("en", "Customer lifetime value · your accounts", "CLV $61,200: $900 a month for 68 months.")]
    [InlineData("pt-BR", "Valor do tempo de vida do cliente (LTV) · suas contas", "LTV $ 61.200: $ 900 por mês durante 68 meses.")]
    [InlineData("pt-PT", "Valor do tempo de vida do cliente (LTV) · as suas contas", "LTV 61 200 $: 900 $ por mês durante 68 meses.")]
    [InlineData("de", "Customer Lifetime Value · Ihre Accounts", "CLV 61.200 $: 900 $ im Monat über 68 Monate.")]
    [InlineData("ro", "Valoarea pe durata de viață a clientului · conturile dumneavoastră", "CLV 61.200 $: 900 $ pe lună timp de 68 de luni.")]
    [InlineData("ru", "Пожизненная ценность клиента (LTV) · ваши аккаунты", "LTV 61 200 $: 900 $ в месяц в течение 68 месяцев.")]
    public void Clv_writes_money_and_months_as_the_reader_does(string locale, string title, string summary)
    {
        var reply = Ask("clv", locale);

        Assert.Equal(title, reply.Title);
        Assert.Equal(summary, Spaces.Plain(reply.Summary!));
    }

    [Theory]
    [InlineData("en", "80.0% logo retention: 8 of 10 accounts active on 1 Nov 2025 are still customers.", "Median 15.5 days from start to first use of a core feature, over 2 accounts.")]
    [InlineData("pt-BR", "80,0% de retenção de logos: 8 de 10 contas ativas em 01/11/2025 continuam clientes.", "Mediana de 15,5 dias do início ao primeiro uso de uma funcionalidade principal, em 2 contas.")]
    [InlineData("de", "80,0 % Logo-Retention: 8 von 10 am 01.11.2025 aktiven Accounts sind noch Kunden.", "Im Median 15,5 Tage vom Start bis zur ersten Nutzung einer Kernfunktion, über 2 Accounts.")]
    [InlineData("ro", "Retenția clienților 80,0 %: 8 din 10 conturi active pe 01.11.2025 sunt încă clienți.", "Mediana: 15,5 zile de la start până la prima folosire a unei funcții de bază, pe 2 conturi.")]
    [InlineData("ru", "Удержание клиентов 80,0 %: 8 из 10 аккаунтов, активных на 01.11.2025, по-прежнему с нами.", "Медиана — 15,5 дня от старта до первого использования ключевой функции, по 2 аккаунтам.")]
    public void Retention_and_time_to_value_read_in_the_askers_language(string locale, string retention, string ttv)
    {
        Assert.Equal(retention, Spaces.Plain(Ask("retention", locale).Summary!));
        Assert.Equal(ttv, Spaces.Plain(Ask("ttv", locale).Summary!));
    }

    [Theory]
    [InlineData("en", "Churn trend · the last 12 months (1 Nov 2025 – 31 Oct 2026) · your accounts", "1.4% logo churn a month on average over 12 months, 1.5% gross MRR churn.", "Month by month", "October 2026: logo churn 16.7% (2 of 12); gross MRR churn 18.2% ($2,000 of $11,000)")]
    [InlineData("pt-BR", "Tendência de churn · 01/11/2025 – 31/10/2026 · suas contas", "1,4% de churn de logos por mês, em média, em 12 meses; 1,5% de churn bruto de MRR.", "Mês a mês", "Outubro 2026: churn de logos 16,7% (2 de 12); churn bruto de MRR 18,2% ($ 2.000 de $ 11.000)")]
    [InlineData("de", "Churn-Verlauf · 01.11.2025 – 31.10.2026 · Ihre Accounts", "Im Schnitt 1,4 % Logo-Churn pro Monat über 12 Monate, 1,5 % Brutto-MRR-Churn.", "Monat für Monat", "Oktober 2026: Logo-Churn 16,7 % (2 von 12); Brutto-MRR-Churn 18,2 % (2.000 $ von 11.000 $)")]
    [InlineData("ro", "Evoluția churn-ului · 01.11.2025 – 31.10.2026 · conturile dumneavoastră", "În medie 1,4 % churn de clienți pe lună, pe 12 luni; churn brut de MRR 1,5 %.", "Lună de lună", "Octombrie 2026: churn de clienți 16,7 % (2 din 12); churn brut de MRR 18,2 % (2.000 $ din 11.000 $)")]
    [InlineData("ru", "Динамика оттока · 01.11.2025 – 31.10.2026 · ваши аккаунты", "В среднем 1,4 % оттока клиентов в месяц за 12 месяцев, валовой отток MRR 1,5 %.", "По месяцам", "Октябрь 2026: отток клиентов 16,7 % (2 из 12); валовой отток MRR 18,2 % (2 000 $ из 11 000 $)")]
    public void Churn_trend_its_chart_and_table_read_in_the_askers_language(string locale, string title, string summary, string heading, string october)
    {
        var reply = Ask("churn trend", locale);

        Assert.Equal(title, reply.Title);
        Assert.Equal(summary, Spaces.Plain(reply.Summary!));
        Assert.Equal(october, Spaces.Plain(reply.Sections.Single(s => s.Heading == heading).Lines[^1]));
        Assert.Equal(heading, reply.Charts[0].Table.Heading);
    }

    [Theory]
    [InlineData("en", "NPS trend · the last 4 quarters (1 Oct 2025 – 30 Sep 2026) · by quarter · your accounts", "NPS 0 in Q3 2026 from 2 answers.", "Q3 '26")]
    [InlineData("pt-PT", "Tendência de NPS · 01/10/2025 – 30/09/2026 · por trimestre · as suas contas", "NPS 0 em T3 2026 com base em 2 respostas.", "T3 '26")]
    [InlineData("de", "NPS-Verlauf · 01.10.2025 – 30.09.2026 · nach Quartal · Ihre Accounts", "NPS 0 im Zeitraum 3. Quartal 2026 aus 2 Antworten.", "Q3 '26")]
    [InlineData("ru", "Динамика NPS · 01.10.2025 – 30.09.2026 · по кварталам · ваши аккаунты", "NPS 0 за 3 кв. 2026 по 2 ответам.", "3 кв. '26")]
    public void Nps_trend_names_its_quarters_in_the_askers_language(string locale, string title, string summary, string lastLabel)
    {
        var reply = Ask("nps trend", locale);

        Assert.Equal(title, reply.Title);
        Assert.Equal(summary, reply.Summary);
        Assert.Equal(lastLabel, reply.Charts[0].Labels[^1]);
    }

    [Theory]
    [InlineData("en", "poor: 38/100. Weakest: trend, sessions 80 to 8 (-90%) in 4 weeks.",
        "recency: 100 (weight 25): last active yesterday|frequency: 20 (weight 20): active 4 of the last 28 days|breadth: 33 (weight 20): 1 of 3 core features used|trend: 0 (weight 25): sessions 80 to 8 (-90%) in 4 weeks|renewal: 12 (weight 5): renews in 11 days",
        "recency: 0 (weight 25): last active 259 days ago")]
    [InlineData("de", "schlecht: 38/100. Schwächster Bereich: Trend, Sitzungen von 80 auf 8 (-90 %) in 4 Wochen.",
        "Letzte Nutzung: 100 (Gewicht 25): zuletzt gestern aktiv|Nutzungshäufigkeit: 20 (Gewicht 20): an 4 der letzten 28 Tage aktiv|Funktionsbreite: 33 (Gewicht 20): 1 von 3 Kernfunktionen genutzt|Trend: 0 (Gewicht 25): Sitzungen von 80 auf 8 (-90 %) in 4 Wochen|Verlängerung: 12 (Gewicht 5): fällig in 11 Tagen",
        "Letzte Nutzung: 0 (Gewicht 25): zuletzt vor 259 Tagen aktiv")]
    [InlineData("ru", "плохое: 38/100. Слабее всего: динамика, сессии: с 80 до 8 (-90 %) за 4 недели.",
        "давность: 100 (вес 25): последняя активность вчера|частота: 20 (вес 20): активных дней: 4 из последних 28|охват функций: 33 (вес 20): используется ключевых функций: 1 из 3|динамика: 0 (вес 25): сессии: с 80 до 8 (-90 %) за 4 недели|продление: 12 (вес 5): наступает через 11 дней",
        "давность: 0 (вес 25): последняя активность 259 дней назад")]
    [InlineData("ro", "slabă: 38/100. Cel mai slab: tendință, sesiuni de la 80 la 8 (-90 %) în 4 săptămâni.",
        "recență: 100 (pondere 25): ultima activitate ieri|frecvență: 20 (pondere 20): zile active: 4 din ultimele 28|acoperirea funcțiilor: 33 (pondere 20): funcții de bază folosite: 1 din 3|tendință: 0 (pondere 25): sesiuni de la 80 la 8 (-90 %) în 4 săptămâni|reînnoire: 12 (pondere 5): se reînnoiește peste 11 zile",
        "recență: 0 (pondere 25): ultima activitate acum 259 de zile")]
    [InlineData("pt-BR", "ruim: 38/100. Ponto mais fraco: tendência, sessões de 80 para 8 (-90%) em 4 semanas.",
        "recência: 100 (peso 25): última atividade ontem|frequência: 20 (peso 20): ativa em 4 dos últimos 28 dias|abrangência de funcionalidades: 33 (peso 20): 1 de 3 funcionalidades principais usadas|tendência: 0 (peso 25): sessões de 80 para 8 (-90%) em 4 semanas|renovação: 12 (peso 5): renova em 11 dias",
        "recência: 0 (peso 25): última atividade há 259 dias")]
    public void Health_names_its_components_and_their_numbers_in_the_askers_language(string locale, string summary, string components, string idle)
    {
        var falling = Ask("health customer 5", locale);
        var unused = Ask("health newco a", locale);

        Assert.Equal(summary, Spaces.Plain(falling.Summary!));
        Assert.Equal(components.Split('|'), falling.Sections[0].Lines.Select(Spaces.Plain));
        Assert.Equal(idle, Spaces.Plain(unused.Sections[0].Lines[0]));
    }

    [Theory]
    [InlineData("en", "Not understood", "I didn't understand \"frobnicate\".", "Try `renewals next 30 days`")]
    [InlineData("pt-BR", "Não entendi", "Não entendi “frobnicate”.", "Tente `renewals next 30 days`")]
    [InlineData("pt-PT", "Não percebi", "Não percebi “frobnicate”.", "Experimente `renewals next 30 days`")]
    [InlineData("de", "Nicht verstanden", "Ich habe „frobnicate“ nicht verstanden.", "Versuchen Sie `renewals next 30 days`")]
    [InlineData("ro", "Nu am înțeles", "Nu am înțeles „frobnicate”.", "Încercați `renewals next 30 days`")]
    [InlineData("ru", "Не понял", "Я не понял «frobnicate».", "Попробуйте `renewals next 30 days`")]
    public void What_was_not_understood_is_said_in_the_askers_language(string locale, string title, string summary, string suggestion)
    {
        var reply = Ask("frobnicate", locale);

        Assert.True(reply.IsRefusal);
        Assert.Equal(title, reply.Title);
        Assert.Equal(summary, reply.Summary);
        Assert.StartsWith(suggestion, reply.Note);
    }

    [Theory]
    [InlineData("en", "December 2026 has not started yet; `churn` looks back.", "No such account", "Which accounts?")]
    [InlineData("de", "Dezember 2026 hat noch nicht begonnen; `churn` blickt zurück.", "Kein solcher Account", "Welche Accounts?")]
    [InlineData("ru", "Декабрь 2026 ещё не начался; `churn` смотрит в прошлое.", "Нет такого аккаунта", "Какие аккаунты?")]
    public void Refusals_of_a_period_an_account_and_a_filter_read_in_the_askers_language(string locale, string future, string noAccount, string noFilter)
    {
        Assert.Equal(future, Ask("churn next month", locale).Summary);
        Assert.Equal(noAccount, Ask("health zzz", locale).Title);
        Assert.Equal(noFilter, Ask("churn for nowhere", locale).Title);
    }

    [Theory]
    [InlineData("en", "SuccessBot commands", "`adoption [PERIOD]`: share of active accounts using every core feature (default: last 30 days). Example: `adoption last 30 days`")]
    [InlineData("pt-BR", "Comandos do SuccessBot", "`adoption [PERIOD]`: parcela das contas ativas que usam todas as funcionalidades principais (padrão: últimos 30 dias). Exemplo: `adoption last 30 days`")]
    [InlineData("de", "SuccessBot-Befehle", "`adoption [PERIOD]`: Anteil der aktiven Accounts, die alle Kernfunktionen nutzen (Standard: letzte 30 Tage). Beispiel: `adoption last 30 days`")]
    [InlineData("ro", "Comenzile SuccessBot", "`adoption [PERIOD]`: ponderea conturilor active care folosesc toate funcțiile de bază (implicit: ultimele 30 de zile). Exemplu: `adoption last 30 days`")]
    [InlineData("ru", "Команды SuccessBot", "`adoption [PERIOD]`: доля активных аккаунтов, использующих все ключевые функции (по умолчанию: последние 30 дней). Пример: `adoption last 30 days`")]
    public void Help_describes_the_commands_in_the_askers_language_and_keeps_the_command_words(string locale, string title, string adoption)
    {
        var reply = Ask("help", locale);

        Assert.Equal(title, reply.Title);
        Assert.Contains(adoption, reply.Sections[0].Lines);
    }

    [Theory]
    [InlineData("en", "last month")]
    [InlineData("de", "letzten Monat")]
    [InlineData("pt-BR", "mês passado")]
    [InlineData("pt-PT", "mês passado")]
    [InlineData("ro", "luna trecută")]
    [InlineData("ru", "прошлый месяц")]
    public void Help_and_a_period_not_understood_show_the_askers_own_period_words_and_each_is_understood(string locale, string first)
    {
        var periods = Ask("help", locale).Sections[1].Lines.Single();
        var examples = periods.Split('`').Where((_, i) => i % 2 == 1).ToArray();

        Assert.Equal(first, examples[0]);
        Assert.All(examples, e => Assert.True((Core.Time.PeriodParser.TryParse(e, Today) ?? Core.Time.PeriodParser.TryParse(e, Today, true)) is not null, $"{locale}: `{e}` is not understood"));
        Assert.Contains(periods, Ask("churn last blue moon", locale).Note);
    }

    /// <summary>The app manifests show each command's English description: help's English is the same text.</summary>
    [Fact]
    public void Helps_english_descriptions_are_the_commands_own()
    {
        var english = SuccessBot.Core.Language.Languages.English;
        foreach (var command in CommandLanguage.Commands.Where(c => c.Audience == Audience.Team))
            Assert.Equal(command.Description, SuccessBot.Settings.Texts.Text(Core.Chat.Handlers.HelpHandler.DescriptionKey(command), english));
    }

    [Theory]
    [InlineData("en", "Try again in a minute", "SuccessBot cannot reach its database just now")]
    [InlineData("pt-PT", "Tente novamente daqui a um minuto", "O SuccessBot não consegue aceder à base de dados")]
    [InlineData("de", "Bitte in einer Minute noch einmal", "SuccessBot erreicht seine Datenbank gerade nicht")]
    [InlineData("ru", "Попробуйте через минуту", "SuccessBot сейчас не может связаться со своей базой данных")]
    public void A_write_while_the_store_is_down_says_so_in_the_askers_language(string language, string title, string summary)
    {
        var reply = Reply.TryAgainSoon(new SuccessBot.Core.Language.Reader(SuccessBot.Settings.Texts, SuccessBot.Core.Language.Languages.Match(language)!));

        Assert.True(reply.StoreDown && reply.IsRefusal);
        Assert.Equal(title, reply.Title);
        Assert.StartsWith(summary, reply.Summary);
    }
}
