using SuccessBot.Core.Chat;
using SuccessBot.Core.Time;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Language;

/// <summary>Each language's period words read as the period they name, alone and in a question.</summary>
public class PeriodWordsTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    [Theory]
    // German
    [InlineData("letzten Monat", false, "2026-10-01", "2026-10-31")]
    [InlineData("im letzten Monat", false, "2026-10-01", "2026-10-31")]
    [InlineData("dieses Quartal", false, "2026-10-01", "2026-11-25")]
    [InlineData("3. Quartal 2026", false, "2026-07-01", "2026-09-30")]
    [InlineData("letzte 30 Tage", false, "2026-10-27", "2026-11-25")]
    [InlineData("nächsten 30 Tage", true, "2026-11-25", "2026-12-25")]
    [InlineData("seit Januar", false, "2026-01-01", "2026-11-25")]
    [InlineData("Oktober 2025", false, "2025-10-01", "2025-10-31")]
    // Portuguese
    [InlineData("mês passado", false, "2026-10-01", "2026-10-31")]
    [InlineData("no mês passado", false, "2026-10-01", "2026-10-31")]
    [InlineData("este trimestre", false, "2026-10-01", "2026-11-25")]
    [InlineData("próximos 30 dias", true, "2026-11-25", "2026-12-25")]
    [InlineData("últimos 3 meses", false, "2026-08-01", "2026-10-31")]
    [InlineData("T3 2026", false, "2026-07-01", "2026-09-30")]
    [InlineData("3º trimestre de 2026", false, "2026-07-01", "2026-09-30")]
    [InlineData("3.º trimestre de 2026", false, "2026-07-01", "2026-09-30")]
    [InlineData("ano que vem", true, "2027-01-01", "2027-12-31")]
    [InlineData("outubro de 2025", false, "2025-10-01", "2025-10-31")]
    [InlineData("desde janeiro", false, "2026-01-01", "2026-11-25")]
    // Romanian
    [InlineData("luna trecută", false, "2026-10-01", "2026-10-31")]
    [InlineData("trimestrul acesta", false, "2026-10-01", "2026-11-25")]
    [InlineData("ultimele 30 de zile", false, "2026-10-27", "2026-11-25")]
    [InlineData("următoarele 30 de zile", true, "2026-11-25", "2026-12-25")]
    [InlineData("octombrie 2025", false, "2025-10-01", "2025-10-31")]
    // Russian
    [InlineData("прошлый месяц", false, "2026-10-01", "2026-10-31")]
    [InlineData("в прошлом месяце", false, "2026-10-01", "2026-10-31")]
    [InlineData("этот квартал", false, "2026-10-01", "2026-11-25")]
    [InlineData("3 квартал 2026", false, "2026-07-01", "2026-09-30")]
    [InlineData("последние 30 дней", false, "2026-10-27", "2026-11-25")]
    [InlineData("ближайшие 30 дней", true, "2026-11-25", "2026-12-25")]
    [InlineData("с января", false, "2026-01-01", "2026-11-25")]
    [InlineData("октябрь 2025", false, "2025-10-01", "2025-10-31")]
    public void A_period_in_another_language_is_the_period_it_names(string words, bool ahead, string first, string last)
    {
        var period = PeriodParser.TryParse(words, Today, ahead);

        Assert.NotNull(period);
        Assert.Equal((DateOnly.Parse(first), DateOnly.Parse(last)), (period.Start, period.LastDay));
    }

    [Theory]
    [InlineData("letzten Blumen")]
    [InlineData("mês bonito")]
    [InlineData("и")]
    public void Words_that_are_not_a_period_in_any_language_are_not_one(string words) => Assert.Null(PeriodParser.TryParse(words, Today));

    [Theory]
    [InlineData("churn letzten Monat", "de", "Churn · Oktober 2026 (01.10.2026 – 31.10.2026)")]
    [InlineData("churn mês passado", "pt-BR", "Churn · Outubro 2026 (01/10/2026 – 31/10/2026)")]
    [InlineData("nps este trimestre", "pt-PT", "NPS · T4 2026 até hoje (01/10/2026 – 25/11/2026)")]
    [InlineData("renewals próximos 30 dias", "pt-BR", "Renovações · 25/11/2026 – 25/12/2026 · suas contas")]
    [InlineData("churn luna trecută", "ro", "Churn · Octombrie 2026 (01.10.2026 – 31.10.2026)")]
    [InlineData("nps прошлый месяц", "ru", "NPS · Октябрь 2026 (01.10.2026 – 31.10.2026)")]
    [InlineData("churn letzten Monat", "en", "Churn · October 2026 (1 Oct 2026 – 31 Oct 2026)")]
    public void A_question_with_another_languages_period_words_is_answered_for_that_period(string question, string locale, string title)
    {
        var book = new BookBuilder().With(An.Account("Acme").OwnedBy("ana@example.com").StartedOn(2025, 1, 1).RenewsOn(2026, 12, 10).Build())
            .Answered(An.Account("Acme").OwnedBy("ana@example.com").StartedOn(2025, 1, 1).Build(), 9, 2025, 3, 1).Build();
        var bot = new ChatBot(new Fixed(book), new TeamSettings { Texts = SuccessBot.Settings.Texts },
            new FixedClock(new DateTimeOffset(Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero)));

        var reply = bot.Answer(new IncomingMessage(question, "ana@example.com") { Locale = locale });

        Assert.StartsWith(title, reply.Title);
    }

    private sealed class Fixed(Core.Domain.BookOfBusiness book) : IBookSource { public Core.Domain.BookOfBusiness Current => book; }
}
