using SuccessBot.Core.Audit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SuccessBot.Core;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;
using SuccessBot.Host;
using SuccessBot.Storage;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;
using SuccessBot.Tests.Nudges;

namespace SuccessBot.Tests.Surveys;

/// <summary>NPS surveys end to end on a real store: sent through the ledger, answered by a click, closing the loop.</summary>
public class SurveyTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly RecordingChannel _channel = new();
    private readonly TeamSettings _team = new() { Texts = SuccessBot.Settings.Texts, Managers = ["boss@example.com"] };
    private readonly NpsOptions _nps = new() { PromoterFollowUp = "Would you leave us a review? https://example.com/review" };
    private LiteDbStore _store;

    public SurveyTests()
    {
        _store = new LiteDbStore(_folder.Store);
        _store.Book.UpsertAccounts([
            An.Account("ACME").Id("acme").OwnedBy("ana@example.com").StartedOn(2025, 1, 1).RenewsOn(2027, 1, 5).WithContacts("ops@acme.example", "cfo@acme.example"),
            An.Account("Newbie").Id("new").StartedOn(2026, 11, 10).WithContacts("ops@newbie.example"),
            An.Account("Gone").Id("gone").StartedOn(2024, 1, 1).CanceledOn(2026, 6, 1).WithContacts("ops@gone.example"),
        ], Today);
    }

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private (ChatBot Bot, SurveyService Surveys, NudgeService Nudges, BookReadModel Model) Host()
    {
        var model = _store.ReadModel(NullLogger<BookReadModel>.Instance);
        model.Refresh();
        var surveys = _store.SurveyService(model, _team, _nps, _clock);
        var routes = _store.Routes(surveys, new CheckOptions(), _nps, _clock);
        var nudges = _store.Nudges(model, _team, new CheckOptions(), _clock, [_channel]);
        return (new ChatBot(model, _team, _clock, routes.Commands(), routes.Buttons()), surveys, nudges, model);
    }

    private async Task<Reply> SurveyFor(string contact)
    {
        var (_, surveys, nudges, _) = Host();
        surveys.SendDue(AuditEntry.Scheduler, AuditChannels.Scheduler);
        await nudges.DeliverDueAsync(CancellationToken.None);
        return _channel.Sent.Single(s => s.To == contact).Card;
    }

    private ActionOutcome Click(ReplyButton button, string? who, params (string, string)[] inputs) =>
        Host().Bot.Act(new ActionRequest(button.ActionId, button.Value, inputs.ToDictionary(i => i.Item1, i => i.Item2), who));

    private static ReplyButton Score(Reply card, int score) => card.Buttons.Single(b => b.Label == $"{score}");

    [Fact]
    public void Due_are_contacts_of_active_accounts_old_enough_not_asked_lately_and_not_opted_out()
    {
        var book = _store.Book.LoadBook();
        var last = new Dictionary<string, DateTimeOffset> { ["cfo@acme.example"] = _clock.GetUtcNow().AddDays(-30) };

        Assert.Equal(["ops@acme.example"], SurveyService.Due(book, Today, _nps, last, new HashSet<string>()).Select(d => d.Contact));
        Assert.Empty(SurveyService.Due(book, Today, _nps, last, new HashSet<string> { "ops@acme.example" }));
        Assert.Equal(2, SurveyService.Due(book, Today, _nps, new Dictionary<string, DateTimeOffset>(), new HashSet<string>()).Count);
        Assert.Single(SurveyService.Due(book, Today, _nps with { MaxPerDay = 1 }, new Dictionary<string, DateTimeOffset>(), new HashSet<string>()));
    }

    [Fact]
    public async Task A_survey_has_eleven_scores_labelled_at_the_ends_and_is_sent_once_a_cooldown()
    {
        var card = await SurveyFor("ops@acme.example");
        var (_, surveys, nudges, _) = Host();
        surveys.SendDue(AuditEntry.Scheduler, AuditChannels.Scheduler);
        await nudges.DeliverDueAsync(CancellationToken.None);

        Assert.Equal("How likely are you to recommend us to a friend or colleague?", card.Title);
        Assert.Equal(Enumerable.Range(0, 11).Select(i => $"{i}"), card.Buttons.Take(11).Select(b => b.Label));
        Assert.Equal("0 = Not likely · 10 = Very likely", card.Note);
        Assert.Equal(2, _channel.Sent.Count);
    }

    [Fact]
    public async Task One_click_records_the_score_and_asks_why_and_a_promoter_hears_the_follow_up()
    {
        var card = await SurveyFor("ops@acme.example");

        var outcome = Click(Score(card, 9), "ops@acme.example");

        Assert.Equal("Thanks, you answered 9", outcome.UpdatedCard!.Title);
        Assert.Equal("What is the main reason for your score? (optional: type it here, or use the button)", outcome.UpdatedCard.Summary);
        Assert.Equal("Would you leave us a review? https://example.com/review", outcome.UpdatedCard.Note);
        var answer = Assert.Single(_store.Book.LoadBook().NpsAnswers);
        Assert.Equal(("acme", "ops@acme.example", 9), (answer.AccountId, answer.ContactEmail, answer.Score));
        Assert.Equal("test", _store.Surveys.FindSurvey(card.Buttons[0].Value.Split('|')[0])!.Channel);

        var comment = outcome.UpdatedCard.Buttons.Single();
        var commented = Click(comment, "ops@acme.example", ("comment", "<b>Fast</b> support"));
        Assert.Equal("Your reason: \"<b>Fast</b> support\"", commented.UpdatedCard!.Summary);
        Assert.Equal("<b>Fast</b> support", _store.Book.LoadBook().NpsAnswers.Single().Comment);
    }

    [Fact]
    public async Task A_second_click_within_a_day_changes_the_score_and_later_is_refused()
    {
        var card = await SurveyFor("ops@acme.example");
        Click(Score(card, 5), "ops@acme.example");
        _clock.Advance(TimeSpan.FromHours(2));

        Click(Score(card, 8), "ops@acme.example");
        Assert.Equal(8, Assert.Single(_store.Book.LoadBook().NpsAnswers).Score);

        _clock.Advance(TimeSpan.FromHours(23));
        var late = Click(Score(card, 10), "ops@acme.example");
        Assert.Equal("Already answered", late.Answer!.Title);
        Assert.Equal(8, Assert.Single(_store.Book.LoadBook().NpsAnswers).Score);
    }

    [Fact]
    public async Task Only_the_person_it_was_sent_to_can_answer()
    {
        var card = await SurveyFor("ops@acme.example");

        var forwarded = Click(Score(card, 0), "cfo@acme.example");

        Assert.Equal("Not your survey", forwarded.Answer!.Title);
        Assert.Empty(_store.Book.LoadBook().NpsAnswers);
        Assert.Equal([(card.Buttons[0].Value.Split('|')[0], (string?)"cfo@acme.example")], _store.Surveys.RefusedSurveyClicks());
    }

    [Fact]
    public async Task A_survey_older_than_14_days_is_closed()
    {
        var card = await SurveyFor("ops@acme.example");
        _clock.Advance(TimeSpan.FromDays(15));

        var outcome = Click(Score(card, 7), "ops@acme.example");

        Assert.Equal("Survey closed", outcome.Answer!.Title);
        Assert.Empty(outcome.UpdatedCard!.Buttons);
        Assert.Empty(_store.Book.LoadBook().NpsAnswers);
    }

    [Theory]
    [InlineData("|11")]
    [InlineData("|-1")]
    [InlineData("|nine")]
    [InlineData("")]
    public async Task A_score_we_never_offered_is_an_unknown_button(string tail)
    {
        var card = await SurveyFor("ops@acme.example");
        var id = card.Buttons[0].Value.Split('|')[0];

        var outcome = Host().Bot.Act(new ActionRequest(SurveyCards.Score, id + tail, new Dictionary<string, string>(), "ops@acme.example"));

        Assert.True(outcome.Unknown);
        Assert.Empty(_store.Book.LoadBook().NpsAnswers);
    }

    [Fact]
    public void An_unknown_survey_id_is_an_unknown_button() =>
        Assert.True(Host().Bot.Act(new ActionRequest(SurveyCards.Score, "deadbeef|9", new Dictionary<string, string>(), "ops@acme.example")).Unknown);

    [Fact]
    public async Task A_detractor_reaches_the_csm_with_the_comment_and_before_renewal_the_manager()
    {
        var card = await SurveyFor("ops@acme.example");
        _channel.Sent.Clear();
        Click(Score(card, 3), "ops@acme.example");
        var thanks = Click(Score(card, 3), "ops@acme.example").UpdatedCard!;
        Click(thanks.Buttons.Single(), "ops@acme.example", ("comment", new string('x', 10_000)));

        var (_, _, nudges, _) = Host();
        await nudges.DeliverDueAsync(CancellationToken.None);
        Assert.Empty(_channel.Sent); // the nudge waits a moment for the comment
        _clock.Advance(TimeSpan.FromMinutes(3));
        await nudges.DeliverDueAsync(CancellationToken.None);

        Assert.Equal(["ana@example.com", "boss@example.com"], _channel.Sent.Select(s => s.To));
        Assert.Equal("Detractor (3) · ACME", _channel.Sent[0].Card.Title);
        Assert.Contains("ops@acme.example answered 3 on 2026-11-25: \"xxxx", _channel.Sent[0].Card.Summary);
        Assert.Equal(Rules.MaxCommentLength, _store.Book.LoadBook().NpsAnswers.Single().Comment!.Length);
    }

    [Fact]
    public async Task A_long_comment_is_kept_up_to_the_limit_with_a_note()
    {
        var card = await SurveyFor("ops@acme.example");
        var thanks = Click(Score(card, 8), "ops@acme.example").UpdatedCard!;

        var outcome = Click(thanks.Buttons.Single(), "ops@acme.example", ("comment", new string('y', 10_000)));

        Assert.Equal("Your comment was 10,000 characters; the first 2,000 were kept.", outcome.UpdatedCard!.Note);
    }

    [Fact]
    public async Task Stop_is_honoured_at_once()
    {
        var card = await SurveyFor("ops@acme.example");

        var reply = Host().Bot.Answer(new IncomingMessage("stop", "ops@acme.example"));
        var click = Click(Score(card, 9), "ops@acme.example");

        Assert.Equal("Surveys stopped", reply.Title);
        Assert.Equal("Survey closed", click.Answer!.Title);
        Assert.Contains("ops@acme.example", _store.Surveys.OptedOut());
        Assert.DoesNotContain(SurveyService.Due(_store.Book.LoadBook(), Today.AddDays(200), _nps, new Dictionary<string, DateTimeOffset>(), _store.Surveys.OptedOut()), d => d.Contact == "ops@acme.example");
    }

    [Fact]
    public async Task A_restart_between_sending_and_answering_loses_nothing()
    {
        var card = await SurveyFor("ops@acme.example");
        _store.Dispose();
        _store = new LiteDbStore(_folder.Store);

        Click(Score(card, 10), "ops@acme.example");

        Assert.Equal(10, _store.Book.LoadBook().NpsAnswers.Single().Score);
    }

    [Fact]
    public void Nps_send_surveys_an_account_now_and_respects_the_cooldown_unless_forced()
    {
        var bot = Host().Bot;

        var first = bot.Answer(new IncomingMessage("nps send acme", "ana@example.com"));
        var again = bot.Answer(new IncomingMessage("nps send acme", "ana@example.com"));
        var forced = bot.Answer(new IncomingMessage("nps send ACME force", "boss@example.com"));
        var customer = bot.Answer(new IncomingMessage("nps send ACME", "ops@acme.example"));

        Assert.Equal(["ops@acme.example", "cfo@acme.example"], first.Sections.Single(s => s.Heading == "Sent to").Lines);
        Assert.Equal("No survey sent.", again.Summary);
        Assert.Contains("add `force` to ask again", again.Sections.Single().Lines[0]);
        Assert.Equal(2, forced.Sections.Single(s => s.Heading == "Sent to").Lines.Count);
        Assert.True(customer.IsRefusal);
    }

    [Fact]
    public async Task Nps_answers_show_the_response_rate()
    {
        var card = await SurveyFor("ops@acme.example");
        Click(Score(card, 10), "ops@acme.example");

        var answer = PlainText.Render(Host().Bot.Answer(new IncomingMessage("nps this quarter", "boss@example.com")));

        Assert.Contains("50.0% (1 of 2 surveys sent answered)", answer);
        Assert.Contains("NPS +100 from 1 answers.", answer);
    }

    [Fact]
    public void A_customer_sees_no_figures_whatever_they_type()
    {
        var bot = Host().Bot;
        foreach (var text in new[] { "churn last month", "nps", "health ACME", "renewals", "at-risk", "clv", "adoption", "ttv", "nps send ACME", "health acme share" })
        {
            var reply = bot.Answer(new IncomingMessage(text, "ops@acme.example"));
            Assert.True(reply.IsRefusal, text);
            Assert.Empty(reply.Facts);
            Assert.Empty(reply.Sections);
        }
    }

    [Fact]
    public async Task Text_typed_right_after_a_score_is_its_comment_and_the_detractor_nudge_carries_it()
    {
        var card = await SurveyFor("ops@acme.example");
        _channel.Sent.Clear();
        Click(Score(card, 3), "ops@acme.example");

        var reply = Host().Bot.Answer(new IncomingMessage("Too expensive for what we use", "ops@acme.example"));

        Assert.Equal("Thanks, you answered 3", reply.Title);
        Assert.Equal("Your reason: \"Too expensive for what we use\"", reply.Summary);
        Assert.Equal("Too expensive for what we use", _store.Book.LoadBook().NpsAnswers.Single().Comment);
        _clock.Advance(TimeSpan.FromMinutes(3));
        await Host().Nudges.DeliverDueAsync(CancellationToken.None);
        Assert.Contains("ops@acme.example answered 3 on 2026-11-25: \"Too expensive for what we use\"", _channel.Sent.Single(s => s.To == "ana@example.com").Card.Summary);
        Assert.Equal("Surveys stopped", Host().Bot.Answer(new IncomingMessage("stop", "ops@acme.example")).Title);   // still a command
    }

    [Fact]
    public async Task Text_from_a_customer_who_has_not_answered_lately_is_no_comment()
    {
        var card = await SurveyFor("ops@acme.example");
        var before = Host().Bot.Answer(new IncomingMessage("great product", "ops@acme.example"));
        Click(Score(card, 9), "ops@acme.example");
        _clock.Advance(TimeSpan.FromHours(25));

        var late = Host().Bot.Answer(new IncomingMessage("great product", "ops@acme.example"));

        Assert.True(before.IsRefusal);
        Assert.True(late.IsRefusal);
        Assert.Null(_store.Book.LoadBook().NpsAnswers.Single().Comment);
    }

    [Fact]
    public async Task After_stop_or_dont_ask_me_again_no_survey_reaches_the_contact_from_any_schedule_or_nps_send()
    {
        var (bot, surveys, nudges, _) = Host();
        surveys.SendDue(AuditEntry.Scheduler, AuditChannels.Scheduler);   // both contacts' surveys are recorded, not delivered yet
        bot.Answer(new IncomingMessage("stop", "ops@acme.example"));
        await nudges.DeliverDueAsync(CancellationToken.None);
        var cfo = Assert.Single(_channel.Sent);
        Assert.Equal("cfo@acme.example", cfo.To);
        Assert.Equal(DeliveryStatus.Retired, _store.Ledger.AllNudges().Single(n => n.Recipient == "ops@acme.example").Status);
        Click(cfo.Card.Buttons.Single(b => b.Label == "Don't ask me again"), "cfo@acme.example");

        _clock.Advance(TimeSpan.FromDays(200));
        var later = Host();
        Assert.Equal(1, later.Surveys.SendDue(AuditEntry.Scheduler, AuditChannels.Scheduler));   // the schedule runs: Newbie is old enough now
        var forced = later.Bot.Answer(new IncomingMessage("nps send ACME force", "boss@example.com"));
        await later.Nudges.DeliverDueAsync(CancellationToken.None);

        Assert.Equal(["ops@acme.example (opted out)", "cfo@acme.example (opted out)"], forced.Sections.Single(s => s.Heading == "Skipped").Lines);
        Assert.Equal(["cfo@acme.example", "ops@newbie.example"], _channel.Sent.Select(s => s.To));
    }

    [Fact]
    public async Task A_delivery_round_asks_whether_the_contacts_it_surveys_opted_out_not_for_every_opt_out()
    {
        var (bot, surveys, _, model) = Host();
        _store.Surveys.OptOut("ops@gone.example", _clock.GetUtcNow());
        surveys.SendDue(AuditEntry.Scheduler, AuditChannels.Scheduler);   // ACME's two contacts; Newbie is too young, Gone is gone
        bot.Answer(new IncomingMessage("stop", "ops@acme.example"));
        var asked = new OptOutQuestions(_store.Surveys);
        var nudges = new NudgeService(model, _store.Ledger, _store.Activity, asked, _team, new CheckOptions(), _clock, [_channel]);

        await nudges.DeliverDueAsync(CancellationToken.None);

        Assert.Equal(["cfo@acme.example"], _channel.Sent.Select(s => s.To));
        Assert.Equal(DeliveryStatus.Retired, _store.Ledger.AllNudges().Single(n => n.Recipient == "ops@acme.example").Status);
        Assert.Equal(["cfo@acme.example", "ops@acme.example"], asked.AskedAbout.Order(StringComparer.Ordinal));
        Assert.Equal(0, asked.WholeListReads);
    }

    /// <summary>The survey store as the delivery sees it, saying which opt-outs it was asked about.</summary>
    private sealed class OptOutQuestions(ISurveyStore store) : ISurveyStore
    {
        public List<string> AskedAbout { get; } = [];
        public int WholeListReads { get; private set; }

        public IReadOnlySet<string> OptedOut()
        {
            WholeListReads++;
            return store.OptedOut();
        }

        public IReadOnlySet<string> OptedOutAmong(IReadOnlyCollection<string> contacts)
        {
            AskedAbout.AddRange(contacts);
            return store.OptedOutAmong(contacts);
        }

        public SurveyState? FindSurvey(string id) => store.FindSurvey(id);
        public void SaveSurvey(SurveyState survey) => store.SaveSurvey(survey);
        public IReadOnlyDictionary<string, DateTimeOffset> LastSurveyed() => store.LastSurveyed();
        public void OptOut(string email, DateTimeOffset at) => store.OptOut(email, at);
        public void SaveAnswered(SurveyState survey) => store.SaveAnswered(survey);
        public void LogRefusedClick(string surveyId, string? clicker, DateTimeOffset at) => store.LogRefusedClick(surveyId, clicker, at);
    }
}
