using SuccessBot.Core.Backtest;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Chat.Handlers;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Nudges;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Language;

/// <summary>`health accuracy` and the backtest's rule records, as a manager or CSM reads them in their chat's language.</summary>
public class AccuracyTextsTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private const string Ana = "ana@example.com", Boss = "boss@example.com";

    private static readonly BookOfBusiness Book = new BookBuilder()
        .With(An.Account("Acme Analytics").OwnedBy(Ana).StartedOn(2025, 1, 1).Paying(900).RenewsOn(2027, 1, 5).Build()).Build();

    private static TeamSettings Team() => new() { Texts = SuccessBot.Settings.Texts, Managers = [Boss] };

    /// <summary>A host whose book is too large to replay in chat (no account is allowed): it answers from the `backtest` run saved, when there is one.</summary>
    private static Reply Ask(string text, string who, string locale, BacktestMemory memory)
    {
        var routes = ChatBot.StandardRoutes().On(new HealthAccuracyHandler(new CheckOptions(), memory, maxAccounts: 0)).On(new HealthHandler(memory));
        var bot = new ChatBot(new Fixed(Book), Team(), new FixedClock(new DateTimeOffset(Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero)), routes, new ActionRouter());
        return bot.Answer(new IncomingMessage(text, who) { Locale = locale });
    }

    /// <summary>The planted backtest (Oct 2025 to Sep 2026, 36 cancellations), saved by a `backtest` run on 30 Nov 2026.</summary>
    private static BacktestMemory Saved()
    {
        var memory = new BacktestMemory();
        memory.Keep(PlantedBacktest.Report(), new DateOnly(2026, 11, 30));
        return memory;
    }

    private sealed class Fixed(BookOfBusiness book) : IBookSource { public BookOfBusiness Current => book; }

    [Theory]
    [InlineData("en", "Health accuracy · 12 months from Oct 2025 to Sep 2026 · 90-day horizon · all accounts", "Cancelled within the horizon", "36 accounts (360 account-months)",
        "falling usage (sessions down 30% in 4 weeks): recall 61% (22 of the cancelled), 44 days ahead on median; precision 18% (22 of 120 flags), lift 6.1x; 0.8 flags per CSM a week",
        "From the `backtest` run on 2026-11-30 (a book of more than 0 accounts")]
    [InlineData("de", "Health Accuracy · 12 Monate von Okt 2025 bis Sep 2026 · Horizont 90 Tage · alle Accounts", "Gekündigt innerhalb des Horizonts", "36 Accounts (360 Account-Monate)",
        "sinkende Nutzung (Sitzungen in 4 Wochen um 30 % gesunken): Recall 61 % (22 der Kündigungen), im Median 44 Tage vorher; Precision 18 % (22 von 120 Markierungen), Lift 6,1x; 0,8 Markierungen pro CSM und Woche",
        "Aus dem `backtest`-Lauf vom 30.11.2026 (mehr als 0 Accounts")]
    [InlineData("ru", "Точность оценки здоровья · 12 месяцев, с окт. 2025 по сент. 2026 · горизонт 90 дней · все аккаунты", "Ушли в пределах горизонта", "36 аккаунтов (аккаунт-месяцев: 360)",
        "падение использования (сессий на 30 % меньше за 4 недели): полнота 61 % (22 из ушедших), в среднем (медиана) за 44 дня; точность 18 % (сигналов: 22 из 120), lift 6,1x; сигналов на CSM в неделю: 0,8",
        "По запуску `backtest` от 30.11.2026 (портфель больше 0 аккаунтов")]
    [InlineData("ro", "Precizia scorului de sănătate · 12 luni, din oct. 2025 până în sept. 2026 · orizont de 90 de zile · toate conturile", "Au renunțat în orizont", "36 de conturi (luni-cont: 360)",
        "utilizare în scădere (sesiuni cu 30 % mai puține în 4 săptămâni): recall 61 % (22 din renunțări), cu 44 de zile înainte, median; precizie 18 % (22 din 120 semnalări), lift 6,1x; semnalări pe CSM pe săptămână: 0,8",
        "Din rularea `backtest` din 30.11.2026")]
    public void Health_accuracy_its_figures_and_rule_lines_read_in_the_managers_language(string locale, string title, string label, string value, string falling, string note)
    {
        var reply = Ask("health accuracy", Boss, locale, Saved());

        Assert.Equal(title, reply.Title);
        Assert.Contains(reply.Facts, f => f.Label == label && Spaces.Plain(f.Value) == value);
        Assert.Contains(falling, reply.Sections[0].Lines.Select(Spaces.Plain));
        Assert.StartsWith(note, reply.Note);
    }

    [Theory]
    [InlineData("en", "Health accuracy · run it at the command line", "The book has 1 accounts; a replay of more than 0 is not run inside the chat host.",
        "Run `backtest --months 12 --horizon 90` on the server reads the same store, prints the same figures and saves them here.")]
    [InlineData("de", "Health Accuracy · bitte auf der Kommandozeile ausführen", "Accounts im Bestand: 1; mehr als 0 werden nicht im Chat-Host nachgespielt.",
        "Führen Sie `backtest --months 12 --horizon 90` auf dem Server aus: Es liest denselben Speicher, gibt dieselben Zahlen aus und legt sie hier ab.")]
    [InlineData("ru", "Точность оценки здоровья · запустите из командной строки", "В портфеле аккаунтов: 1; прогон больше 0 не выполняется внутри чат-хоста.",
        "Запустите `backtest --months 12 --horizon 90` на сервере: он читает то же хранилище, выводит те же цифры и сохраняет их здесь.")]
    public void A_book_too_large_to_replay_in_chat_is_refused_in_the_managers_language(string locale, string title, string why, string run)
    {
        var reply = Ask("health accuracy", Boss, locale, new BacktestMemory());

        Assert.True(reply.IsRefusal);
        Assert.Equal((title, why, run), (reply.Title, reply.Summary, reply.Note));
    }

    [Theory]
    [InlineData("en", "Renewal at risk", "in the last backtest (Oct 2025 to Sep 2026) this rule flagged 25% of the accounts that later cancelled, 21 days ahead on median; 15% of its flags were followed by a cancellation within 90 days",
        "Poor health")]
    [InlineData("de", "Verlängerung gefährdet", "im letzten Backtest (Okt 2025 bis Sep 2026) hat diese Regel 25 % der später gekündigten Accounts markiert, im Median 21 Tage vorher; auf 15 % ihrer Markierungen folgte eine Kündigung innerhalb von 90 Tagen",
        "Schlechter Health")]
    [InlineData("ru", "Продление под угрозой", "в последнем бэктесте (окт. 2025 – сент. 2026) это правило отметило 25 % аккаунтов, которые потом ушли, в среднем (медиана) за 21 день; за 15 % его сигналов последовал уход в течение 90 дней",
        "Плохое здоровье")]
    public void A_rules_record_reads_in_the_readers_language_on_a_card_and_in_health(string language, string label, string record, string poor)
    {
        var team = Team();
        team.Members.Remember(Ana, language);
        var inputs = new CheckInputs(Book, Today, team, new CheckOptions(), new Dictionary<string, AccountSignals>(), new Dictionary<string, Snooze>())
            { Records = RuleRecords.Of(PlantedBacktest.Report()) };

        var card = NudgeChecks.Run(inputs, CheckKind.Renewals).Nudges.Single(n => n.Recipient == Ana).Card;
        var health = Ask("health acme", Ana, language, Saved());

        Assert.Contains(card.Facts, f => f.Label == label && Spaces.Plain(f.Value) == record);
        Assert.Contains(health.Facts, f => f.Label == poor && Spaces.Plain(f.Value) == record);
    }
}
