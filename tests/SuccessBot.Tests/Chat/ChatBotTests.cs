using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;
using SuccessBot.Host;
using SuccessBot.Storage;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Chat;

/// <summary>The bot between a message and its answer: who may ask what, in which words, and what a click changes in the next answer.</summary>
public class ChatBotTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static Conversation Chat() => new(new BookBuilder()
        .With(An.Account("ACME").OwnedBy("ana@example.com").StartedOn(2025, 1, 1).CanceledOn(2026, 10, 5, "price").WithContacts("ops@acme.example"),
              An.Account("Globex").OwnedBy("ana@example.com").StartedOn(2025, 1, 1)).Build(), Today);

    private sealed class Loading : IBookSource
    {
        public BookOfBusiness Current => throw new InvalidOperationException("nothing is answered from half a book");
        public bool IsReady => false;
    }

    [Fact]
    public void Someone_the_bot_does_not_know_is_told_who_may_ask_and_may_still_ask_for_help()
    {
        var refused = Chat().As("stranger@elsewhere.example").Send("churn last month");
        var help = Chat().As("stranger@elsewhere.example").Send("help");

        Assert.Equal(("Who are you?", "I don't know stranger@elsewhere.example as a member of the customer success team, so I can't share account figures.",
            "A manager is listed in `Team:Managers`; a CSM is the owner of at least one account."), (refused.Title, refused.Summary, refused.Note));
        Assert.True(refused.IsRefusal);
        Assert.Equal("SuccessBot commands", help.Title);
        Assert.False(help.IsRefusal);
    }

    [Fact]
    public void A_customer_asking_for_figures_is_told_the_chat_is_for_surveys_and_gets_the_customers_help()
    {
        var refused = Chat().As("ops@acme.example").Send("churn last month");
        var help = Chat().As("ops@acme.example").Send("help");

        Assert.Equal(("Only survey answers here", "This chat is for your feedback surveys; account figures are for the customer success team."), (refused.Title, refused.Summary));
        Assert.True(refused.IsRefusal);
        Assert.Equal("What you can do here", help.Title);
    }

    [Fact]
    public void Words_not_understood_are_refused_with_what_was_not_read_and_the_nearest_command()
    {
        var reply = Chat().As("ana@example.com").Send("chrun last month");

        Assert.Equal(("Not understood", "I didn't understand \"chrun last month\"."), (reply.Title, reply.Summary));
        Assert.True(reply.IsRefusal);
        Assert.StartsWith("Did you mean `churn last month`? Try `renewals next 30 days`", reply.Note);
    }

    [Fact]
    public void A_long_question_is_read_like_a_short_one_and_the_same_question_twice_gets_the_same_answer()
    {
        var chat = Chat().As("ana@example.com");
        var padded = string.Join(' ', Enumerable.Repeat("please", 40)) + " churn last month";

        Assert.True(padded.Length > 200);
        var first = chat.SendText("churn last month");
        Assert.Equal(first, chat.SendText(padded));
        Assert.Equal(first, chat.SendText("churn last month"));
        Assert.Contains("50.0% logo churn: 1 of 2 accounts", first);
    }

    [Fact]
    public void While_the_book_loads_questions_and_clicks_are_asked_to_wait()
    {
        var bot = new ChatBot(new Loading(), new TeamSettings { Texts = SuccessBot.Settings.Texts }, new FixedClock(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero)));

        var answer = bot.Answer(new IncomingMessage("churn", "ana@example.com"));
        var click = bot.Act(new ActionRequest(NudgeCards.Snooze, "day|acme|2026-11-25|ana@example.com", new Dictionary<string, string> { ["days"] = "7" }, "ana@example.com"));

        Assert.Equal(("Starting up", "SuccessBot is starting up: ask again in a few seconds."), (answer.Title, answer.Summary));
        Assert.Equal(("Starting up", "SuccessBot is starting up: ask again in a few seconds."), (click.Answer!.Title, click.Answer.Summary));
        Assert.True(click.Answer.IsRefusal);
    }

    [Theory]
    [InlineData("de-DE", "SuccessBot startet", "SuccessBot startet gerade. Bitte fragen Sie in ein paar Sekunden noch einmal.")]
    [InlineData("ru", "Запуск", "SuccessBot запускается. Повторите вопрос через несколько секунд.")]
    [InlineData("pt-BR", "Iniciando", "O SuccessBot está iniciando. Pergunte de novo daqui a alguns segundos.")]
    public void While_the_book_loads_the_wait_is_said_in_the_chats_language_or_the_one_it_last_told(string locale, string title, string summary)
    {
        var team = new TeamSettings { Texts = SuccessBot.Settings.Texts };
        var bot = new ChatBot(new Loading(), team, new FixedClock(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero)));

        var answer = bot.Answer(new IncomingMessage("churn", "ana@example.com") { Locale = locale });
        team.Members.Remember("ben@example.com", locale);
        var click = bot.Act(new ActionRequest(NudgeCards.Snooze, "day|acme|2026-11-25|ben@example.com", new Dictionary<string, string> { ["days"] = "7" }, "ben@example.com"));

        Assert.Equal((title, summary), (answer.Title, answer.Summary));
        Assert.Equal((title, summary), (click.Answer!.Title, click.Answer.Summary));
    }

    [Fact]
    public void A_click_shows_in_the_very_next_answer()
    {
        using var folder = new TempFolder();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        var team = new TeamSettings { Texts = SuccessBot.Settings.Texts, Managers = ["boss@example.com"] };
        using var store = new LiteDbStore(folder.Store);
        store.Book.UpsertAccounts([An.Account("ACME").Id("acme").OwnedBy("ana@example.com").StartedOn(2025, 1, 1).Build()], Today);
        var key = "engagement|acme|2026-11-25|ana@example.com";
        store.Ledger.Add(NudgeRecord.From(new Nudge(key, NudgeRules.Engagement, "acme", "ana@example.com", new Reply("Usage falling · ACME")), clock.GetUtcNow())
            with { Status = DeliveryStatus.Sent });
        var model = store.ReadModel(NullLogger<BookReadModel>.Instance);
        model.Refresh();
        var routes = store.Routes(store.SurveyService(model, team, new NpsOptions(), clock), new CheckOptions(), new NpsOptions(), clock);
        var bot = new ChatBot(model, team, clock, routes.Commands(), routes.Buttons());
        var before = PlainText.Render(bot.Answer(new IncomingMessage("health acme", "ana@example.com")));

        bot.Act(new ActionRequest(NudgeCards.LogTouchpoint, key, new Dictionary<string, string> { ["kind"] = "call", ["note"] = "renewal talk" }, "ana@example.com"));

        Assert.Contains("Last touchpoint: none logged", before);
        Assert.Contains("Last touchpoint: call on 2026-11-25 by ana@example.com: renewal talk", PlainText.Render(bot.Answer(new IncomingMessage("health acme", "ana@example.com"))));
    }
}
