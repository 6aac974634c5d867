using SuccessBot.Tests.Language;
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

namespace SuccessBot.Tests.Nudges;

/// <summary>The three buttons of a card, clicked through the bot on a real store: what the card, the ledger and the next answer say.</summary>
public class NudgeButtonTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly TeamSettings _team = new() { Texts = SuccessBot.Settings.Texts, Managers = ["boss@example.com"] };
    private readonly LiteDbStore _store;
    private readonly ChatBot _bot;

    public NudgeButtonTests()
    {
        _store = new LiteDbStore(_folder.Store);
        // Ben owns Globex: a CSM whose chat's language SuccessBot learns when he clicks.
        _store.Book.UpsertAccounts([An.Account("ACME").Id("acme").OwnedBy("ana@example.com").StartedOn(2024, 11, 25).Build(),
            An.Account("Globex").Id("globex").OwnedBy("ben@example.com").StartedOn(2024, 11, 25).Build()], new DateOnly(2026, 11, 25));
        var model = _store.ReadModel(NullLogger<BookReadModel>.Instance);
        model.Refresh();
        var routes = _store.Routes(_store.SurveyService(model, _team, new NpsOptions(), _clock), new CheckOptions(), new NpsOptions(), _clock);
        _bot = new ChatBot(model, _team, _clock, routes.Commands(), routes.Buttons());
    }

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private NudgeRecord Card(string key, string to, DeliveryStatus status = DeliveryStatus.Sent, string account = "acme")
    {
        var record = NudgeRecord.From(new Nudge(key, NudgeRules.Engagement, account, to, new Reply("Usage falling · ACME") { Buttons = NudgeCards.Actions(key) }), _clock.GetUtcNow())
            with { Status = status };
        _store.Ledger.Add(record);
        return record;
    }

    private ActionOutcome Click(string action, string key, string? who, params (string, string)[] inputs) => Click(action, key, who, null, inputs);

    /// <summary>A click from a chat that tells its person's language.</summary>
    private ActionOutcome Click(string action, string key, string? who, string? locale, params (string, string)[] inputs) =>
        _bot.Act(new ActionRequest(action, key, inputs.ToDictionary(i => i.Item1, i => i.Item2), who) { Locale = locale });

    private string Health(string who = "ana@example.com") => PlainText.Render(_bot.Answer(new IncomingMessage("health acme", who)));

    [Fact]
    public void A_snooze_says_until_when_and_by_whom_on_the_card_and_in_the_accounts_touchpoints()
    {
        var card = Card("engagement|acme|2026-11-25|ana@example.com", "ana@example.com");

        var snoozed = Click(NudgeCards.Snooze, card.Key, "ana@example.com", ("days", " 7 "), ("reason", "  waiting for budget  "));

        Assert.Contains(new Fact("Snoozed", "until 2026-12-02 by ana@example.com: waiting for budget"), snoozed.UpdatedCard!.Facts);
        Assert.StartsWith("ana@example.com snoozed ACME for 7 days (waiting for budget) on 2026-11-25 09:00 UTC.", snoozed.UpdatedCard.Note);
        var touchpoint = Assert.Single(_store.Book.LoadBook().TouchpointsOf("acme"));
        Assert.Equal(("snooze", "7 days: waiting for budget", "ana@example.com"), (touchpoint.Kind, touchpoint.Note, touchpoint.By));
        Assert.Equal((new DateOnly(2026, 12, 2), "waiting for budget"), (_store.Activity.Snoozes()["acme"].Until, _store.Activity.Snoozes()["acme"].Reason));
    }

    [Fact]
    public void A_snooze_without_a_reason_says_none()
    {
        var card = Card("engagement|acme|2026-11-25|ana@example.com", "ana@example.com");

        var snoozed = Click(NudgeCards.Snooze, card.Key, "ana@example.com", ("days", "30"), ("reason", "   "));

        Assert.Contains(new Fact("Snoozed", "until 2026-12-25 by ana@example.com"), snoozed.UpdatedCard!.Facts);
        Assert.StartsWith("ana@example.com snoozed ACME for 30 days on 2026-11-25", snoozed.UpdatedCard.Note);
        Assert.Equal("30 days", Assert.Single(_store.Book.LoadBook().TouchpointsOf("acme")).Note);
        Assert.Null(_store.Activity.Snoozes()["acme"].Reason);
    }

    [Fact]
    public void A_touchpoint_logged_at_the_command_line_is_the_administrators_and_a_long_note_is_cut_at_500_characters()
    {
        var card = Card("engagement|acme|2026-11-25|ana@example.com", "ana@example.com");
        var note = new string('x', 499) + "yz";

        var logged = Click(NudgeCards.LogTouchpoint, card.Key, null, ("kind", "Meeting "), ("note", note));

        Assert.StartsWith($"an administrator logged a meeting with ACME: {new string('x', 499)}y… on 2026-11-25", logged.UpdatedCard!.Note);
        var touchpoint = Assert.Single(_store.Book.LoadBook().TouchpointsOf("acme"));
        Assert.Equal(("meeting", new string('x', 499) + "y…", "an administrator"), (touchpoint.Kind, touchpoint.Note, touchpoint.By));
        Assert.Equal("an administrator", _store.Ledger.Find(card.Key)!.ActedBy);
    }

    [Fact]
    public void A_note_of_exactly_500_characters_is_kept_whole()
    {
        var card = Card("engagement|acme|2026-11-25|ana@example.com", "ana@example.com");
        var note = new string('n', 500);

        Click(NudgeCards.LogTouchpoint, card.Key, "ana@example.com", ("kind", "email"), ("note", note));

        Assert.Equal(note, Assert.Single(_store.Book.LoadBook().TouchpointsOf("acme")).Note);
    }

    [Fact]
    public void A_button_without_its_choice_says_which_choices_there_are_and_does_nothing()
    {
        var card = Card("engagement|acme|2026-11-25|ana@example.com", "ana@example.com");

        var noKind = Click(NudgeCards.LogTouchpoint, card.Key, "ana@example.com", ("note", "hello"));
        var noReason = Click(NudgeCards.MarkChurned, card.Key, "ana@example.com", ("reason", "bored"));
        var noDays = Click(NudgeCards.Snooze, card.Key, "ana@example.com");

        Assert.Equal(("Not done", "Say what kind of touchpoint: call, email, meeting."), (noKind.Answer!.Title, noKind.Answer.Summary));
        Assert.Equal(("Not done", "Pick a churn reason: price, missing feature, switched to competitor, low usage, budget cuts, champion left, acquired, other."),
            (noReason.Answer!.Title, noReason.Answer.Summary));
        Assert.Equal(("Not done", "Snooze for 7, 14, 30 days."), (noDays.Answer!.Title, noDays.Answer.Summary));
        Assert.Null(_store.Ledger.Find(card.Key)!.Action);
        Assert.Empty(_store.Book.LoadBook().TouchpointsOf("acme"));
        Assert.Contains("Last touchpoint: none logged", Health());
    }

    [Fact]
    public void A_card_about_an_account_no_longer_in_the_book_says_so()
    {
        var card = Card("engagement|gone|2026-11-25|ana@example.com", "ana@example.com", account: "gone");

        var clicked = Click(NudgeCards.LogTouchpoint, card.Key, "ana@example.com", ("kind", "call"));

        Assert.Equal(("Account gone", "The account gone is no longer in the book."), (clicked.Answer!.Title, clicked.Answer.Summary));
    }

    [Fact]
    public void A_stranger_may_not_act_on_a_card_a_manager_and_its_recipient_in_other_capitals_may()
    {
        var card = Card("engagement|acme|2026-11-25|ana@example.com", "ana@example.com");

        var stranger = Click(NudgeCards.LogTouchpoint, card.Key, "ben@example.com", ("kind", "call"));
        Assert.Equal(("Not your nudge", "This nudge was sent to ana@example.com; only they or a manager can act on it."), (stranger.Answer!.Title, stranger.Answer.Summary));
        Assert.Null(_store.Ledger.Find(card.Key)!.Action);

        var ana = Click(NudgeCards.LogTouchpoint, card.Key, "Ana@Example.com", ("kind", "call"));
        Assert.StartsWith("Ana@Example.com logged a call with ACME on", ana.UpdatedCard!.Note);

        var other = Card("engagement|acme|2026-11-24|ana@example.com|2", "ana@example.com");
        var boss = Click(NudgeCards.LogTouchpoint, other.Key, "boss@example.com", ("kind", "email"));
        Assert.Null(boss.Answer);
    }

    [Fact]
    public void Acting_on_a_card_retires_the_persons_cards_not_sent_yet_and_leaves_reasons_told_in_a_card_and_other_peoples_cards_alone()
    {
        var acted = Card("day|acme|2026-11-25|ana@example.com", "ana@example.com");
        var waiting = Card("onboarding|acme|30|ana@example.com", "ana@example.com", DeliveryStatus.Pending);
        var listed = Card("detractor|acme|x|ana@example.com", "ana@example.com", DeliveryStatus.Listed);
        var sent = Card("renewal|acme|2026-12-20|30|ana@example.com", "ANA@example.com", DeliveryStatus.Sent);
        var merged = Card("engagement|acme|2026-11-25|ana@example.com", "ana@example.com", DeliveryStatus.Merged);
        var boss = Card("renewal|acme|2026-12-20|30|boss@example.com", "boss@example.com", DeliveryStatus.Pending);

        Click(NudgeCards.LogTouchpoint, acted.Key, "ana@example.com", ("kind", "call"));

        NudgeRecord Now(NudgeRecord r) => _store.Ledger.Find(r.Key)!;
        Assert.Equal((DeliveryStatus.Retired, "logged a call with ACME", acted.Key), (Now(waiting).Status, Now(waiting).Action, Now(waiting).HandledThrough));
        Assert.Equal((DeliveryStatus.Retired, acted.Key), (Now(listed).Status, Now(listed).HandledThrough));
        Assert.Equal((DeliveryStatus.Sent, "ana@example.com", acted.Key), (Now(sent).Status, Now(sent).ActedBy, Now(sent).HandledThrough));
        Assert.Equal((DeliveryStatus.Merged, null), (Now(merged).Status, Now(merged).Action));
        Assert.Equal((DeliveryStatus.Pending, null), (Now(boss).Status, Now(boss).Action));
        Assert.Null(Now(acted).HandledThrough);
    }

    [Fact]
    public void Marking_churned_retires_everyones_cards_of_the_account_and_counts_whole_months()
    {
        var acted = Card("day|acme|2026-11-25|ana@example.com", "ana@example.com");
        var boss = Card("renewal|acme|2026-12-20|30|boss@example.com", "boss@example.com", DeliveryStatus.Pending);

        var churned = Click(NudgeCards.MarkChurned, acted.Key, "ana@example.com", ("reason", "Budget Cuts"));

        Assert.StartsWith("ana@example.com marked ACME churned (budget cuts) after 24 months on 2026-11-25", churned.UpdatedCard!.Note);
        Assert.Contains(new Fact("Churned", "2026-11-25, budget cuts"), churned.UpdatedCard.Facts);
        Assert.Equal((DeliveryStatus.Retired, acted.Key), (_store.Ledger.Find(boss.Key)!.Status, _store.Ledger.Find(boss.Key)!.HandledThrough));
        var record = Assert.Single(_store.Activity.ChurnRecordsKept());
        Assert.Equal(("budget cuts", 24, null), (record.Reason, record.MonthsAsCustomer, record.Note));
        Assert.Equal(("churned", "budget cuts"), (_store.Book.LoadBook().TouchpointsOf("acme").Last().Kind, _store.Book.LoadBook().TouchpointsOf("acme").Last().Note));
    }

    [Theory]
    [InlineData("en", "ana@example.com snoozed ACME for 7 days (waiting for budget) on 2026-11-25 09:00 UTC.", "Snoozed", "until 2026-12-02 by ana@example.com: waiting for budget")]
    [InlineData("de-DE", "ana@example.com hat ACME am 25.11.2026 09:00 UTC für 7 Tage zurückgestellt (waiting for budget).", "Zurückgestellt", "bis 02.12.2026 von ana@example.com: waiting for budget")]
    [InlineData("ru", "ana@example.com отложил(а) ACME на 7 дней (waiting for budget) 25.11.2026 09:00 UTC.", "Отложено", "до 02.12.2026, ana@example.com: waiting for budget")]
    public void A_snooze_says_on_the_card_in_its_owners_language_who_did_it_and_until_when(string locale, string note, string label, string until)
    {
        var key = Card("engagement|acme|2026-11-25|ana@example.com", "ana@example.com").Key;

        var snoozed = Click(NudgeCards.Snooze, key, "ana@example.com", locale, ("days", "7"), ("reason", "waiting for budget"));

        Assert.Equal(note, Spaces.Plain(snoozed.UpdatedCard!.Note!));
        Assert.Contains(new Fact(label, until), snoozed.UpdatedCard.Facts);
        Assert.Equal("snoozed ACME for 7 days (waiting for budget)", _store.Ledger.Find(key)!.Action);
    }

    [Theory]
    [InlineData("en", "Already handled", "Already handled by ana@example.com: snoozed ACME for 14 days (waiting for budget) on 2026-11-25 09:00 UTC.",
        "Unknown button", "SuccessBot never sent a button \"nudge.explode\".")]
    [InlineData("de-DE", "Bereits erledigt", "Bereits erledigt von ana@example.com am 25.11.2026 09:00 UTC: ACME für 14 Tage zurückgestellt (waiting for budget).",
        "Unbekannter Button", "SuccessBot hat nie einen Button „nudge.explode“ gesendet.")]
    [InlineData("ru", "Уже обработано", "Уже обработано (ana@example.com, 25.11.2026 09:00 UTC): аккаунт ACME отложен на 14 дней (waiting for budget).",
        "Неизвестная кнопка", "SuccessBot никогда не отправлял кнопку «nudge.explode».")]
    [InlineData("ro", "Deja rezolvat", "Deja rezolvat de ana@example.com pe 25.11.2026 09:00 UTC: contul ACME a fost amânat cu 14 zile (waiting for budget).",
        "Buton necunoscut", "SuccessBot nu a trimis niciodată un buton „nudge.explode”.")]
    public void A_card_already_handled_and_a_button_never_sent_are_refused_in_the_clickers_language(string locale, string title, string why, string unknownTitle, string unknownWhy)
    {
        var key = Card("engagement|acme|2026-11-25|ana@example.com", "ana@example.com").Key;
        Click(NudgeCards.Snooze, key, "ana@example.com", "en", ("days", "14"), ("reason", "waiting for budget"));

        var again = Click(NudgeCards.Snooze, key, "boss@example.com", locale, ("days", "7"));
        var unknown = Click("nudge.explode", key, "boss@example.com", locale);

        Assert.Equal((title, why), (again.Answer!.Title, Spaces.Plain(again.Answer.Summary!)));
        // The card is Ana's: its note stays in her language.
        Assert.Equal("ana@example.com snoozed ACME for 14 days (waiting for budget) on 2026-11-25 09:00 UTC.", again.UpdatedCard!.Note);
        Assert.True(unknown.Unknown);
        Assert.Equal((unknownTitle, unknownWhy), (unknown.Answer!.Title, unknown.Answer.Summary));
    }

    [Theory]
    [InlineData("en", "Already handled by ana@example.com: logged a call with ACME: talked budgets (through another card) on 2026-11-25 09:00 UTC.",
        "ana@example.com logged a call with ACME: talked budgets (through another card) on 2026-11-25 09:00 UTC.")]
    [InlineData("de", "Bereits erledigt von ana@example.com am 25.11.2026 09:00 UTC über eine andere Karte: Kontakt (Anruf) mit ACME erfasst: talked budgets.",
        "ana@example.com am 25.11.2026 09:00 UTC über eine andere Karte: Kontakt (Anruf) mit ACME erfasst: talked budgets.")]
    [InlineData("ru", "Уже обработано через другую карточку (ana@example.com, 25.11.2026 09:00 UTC): записан контакт (звонок) с ACME: talked budgets.",
        "ana@example.com, 25.11.2026 09:00 UTC, через другую карточку: записан контакт (звонок) с ACME: talked budgets.")]
    [InlineData("pt-PT", "Já tratado por ana@example.com a 25/11/2026 09:00 UTC, através de outro cartão: contacto (chamada) com ACME registado: talked budgets.",
        "ana@example.com a 25/11/2026 09:00 UTC, através de outro cartão: contacto (chamada) com ACME registado: talked budgets.")]
    public void A_card_handled_through_another_says_what_was_done_there_in_the_readers_language(string locale, string why, string note)
    {
        var first = Card("engagement|acme|2026-11-25|ana@example.com", "ana@example.com").Key;
        var second = Card("onboarding|acme|30|ana@example.com", "ana@example.com").Key;
        Click(NudgeCards.LogTouchpoint, first, "ana@example.com", "en", ("kind", "call"), ("note", "talked budgets"));

        // Ana's chat now tells another language: the refusal and her card's note are in it.
        var again = Click(NudgeCards.Snooze, second, "ana@example.com", locale, ("days", "7"));

        Assert.Equal(why, Spaces.Plain(again.Answer!.Summary!));
        Assert.Equal(note, Spaces.Plain(again.UpdatedCard!.Note!));
    }

    [Theory]
    [InlineData("en", "Not your nudge", "This nudge was sent to ana@example.com; only they or a manager can act on it.")]
    [InlineData("pt-BR", "Este alerta não é seu", "Este alerta foi enviado para ana@example.com; só essa pessoa ou um gestor pode agir sobre ele.")]
    [InlineData("ro", "Nu este notificarea dumneavoastră", "Notificarea a fost trimisă către ana@example.com; doar acea persoană sau un manager poate acționa.")]
    public void Someone_elses_card_is_refused_in_the_clickers_language(string locale, string title, string why)
    {
        var key = Card("engagement|acme|2026-11-25|ana@example.com", "ana@example.com").Key;

        var refused = Click(NudgeCards.Snooze, key, "ben@example.com", locale, ("days", "7"));

        Assert.Equal((title, why), (refused.Answer!.Title, refused.Answer.Summary));
        Assert.Null(_store.Ledger.Find(key)!.Action);
    }

    [Fact]
    public void A_churn_mark_without_a_reason_is_refused_in_the_clickers_language_and_nothing_is_marked()
    {
        var key = Card("engagement|acme|2026-11-25|ana@example.com", "ana@example.com").Key;

        var refused = Click(NudgeCards.MarkChurned, key, "ana@example.com", "de", ("reason", "weather"));

        Assert.Equal("Nicht ausgeführt", refused.Answer!.Title);
        Assert.StartsWith("Wählen Sie einen Kündigungsgrund: Preis, fehlende Funktion, ", refused.Answer.Summary);
        Assert.Null(_store.Book.LoadBook().Find("acme")!.CanceledOn);
    }

    [Theory]
    [InlineData("en", 21, "21 more accounts to look at today", "Open: Usage falling · ACME")]
    [InlineData("ru", 21, "Ещё 21 аккаунт на сегодня", "Открыть: Usage falling · ACME")]
    [InlineData("ru", 3, "Ещё 3 аккаунта на сегодня", "Открыть: Usage falling · ACME")]
    [InlineData("ro", 20, "Încă 20 de conturi de văzut azi", "Deschideți: Usage falling · ACME")]
    public void The_days_roll_up_counts_its_cards_by_the_readers_plural_rules(string language, int listed, string title, string button)
    {
        var card = NudgeRecord.From(new Nudge("k", NudgeRules.Engagement, "acme", "ana@example.com", new Reply("Usage falling · ACME")), _clock.GetUtcNow());

        var rollUp = RollUps.Card(_team.ReaderIn(SuccessBot.Core.Language.Languages.Match(language)!), Enumerable.Repeat(card, listed).ToArray(), 5);

        Assert.Equal(title, rollUp.Title);
        Assert.Equal(button, rollUp.Buttons[0].Label);
    }
}
