using Microsoft.Extensions.Time.Testing;
using SuccessBot.Cli;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;
using SuccessBot.Host;
using SuccessBot.Storage;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Nudges;

/// <summary>A chat channel for the ledger tests: records what reaches whom, and can be told to fail or to know nobody.</summary>
public sealed class RecordingChannel(string name = "test") : IChatChannel
{
    public readonly List<(string To, Reply Card)> Sent = [];
    public int FailuresLeft { get; set; }
    public HashSet<string> Unknown { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The people whose time zone this channel knows, as Slack's `tz` or Teams' `localTimezone` would tell.</summary>
    public Dictionary<string, string> Zones { get; } = new(StringComparer.OrdinalIgnoreCase);

    public readonly List<(string To, string MessageRef, Reply Card)> Updated = [];

    public Task<TimeZoneInfo?> TimeZoneOfAsync(string email, CancellationToken cancel) =>
        Task.FromResult(Zones.TryGetValue(email, out var zone) ? TimeZoneInfo.FindSystemTimeZoneById(zone) : null);

    public string Name => name;
    public Task<bool> CanReachAsync(string email, CancellationToken cancel) => Task.FromResult(!Unknown.Contains(email));

    public Task<Delivery> SendAsync(string email, Reply card, CancellationToken cancel)
    {
        if (FailuresLeft > 0)
        {
            FailuresLeft--;
            return Task.FromResult(Delivery.Failed("HTTP 429 Too Many Requests"));
        }
        Sent.Add((email, card));
        return Task.FromResult(Delivery.Sent($"m{Sent.Count}"));
    }

    public Task UpdateAsync(string email, string messageRef, Reply card, CancellationToken cancel)
    {
        Updated.Add((email, messageRef, card));
        return Task.CompletedTask;
    }
}

/// <summary>The ledger on a real LiteDB file, with a fake clock: months of days run in milliseconds.</summary>
public class NudgeServiceTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly RecordingChannel _channel = new();
    private readonly TeamSettings _team = new() { Texts = SuccessBot.Settings.Texts, Managers = ["boss@example.com"] };
    private LiteDbStore _store;

    public NudgeServiceTests() => _store = new LiteDbStore(_folder.Store);

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private DateOnly Today => DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);

    /// <summary>Every renewal window gets a card here, whatever the health (the window tests are about windows).</summary>
    private CheckOptions _options = new() { GoodHealthRenewalDays = 90 };

    private readonly Core.Backtest.BacktestMemory _backtests = new();

    private NudgeService Service(BookOfBusiness? book = null) =>
        _store.Nudges(new StaticBookSource(book ?? _store.Book.LoadBook()), _team, _options, _clock, [_channel], _backtests);

    private ChatBot Bot()
    {
        var model = _store.ReadModel(Microsoft.Extensions.Logging.Abstractions.NullLogger<BookReadModel>.Instance);
        model.Refresh();
        var routes = _store.Routes(_store.SurveyService(model, _team, new NpsOptions(), _clock), _options, new NpsOptions(), _clock);
        return new ChatBot(model, _team, _clock, routes.Commands(), routes.Buttons());
    }

    private static ActionOutcome Click(ChatBot bot, string action, string key, string? who, params (string, string)[] inputs) =>
        bot.Act(new ActionRequest(action, key, inputs.ToDictionary(i => i.Item1, i => i.Item2), who));

    /// <summary>Imports accounts that use the product every day of the test, so only what the test is about is nudged.</summary>
    private void Import(params Account[] accounts)
    {
        _store.Book.UpsertAccounts(accounts, Today);
        _store.Book.UpsertUsage(accounts.SelectMany(a => Enumerable.Range(-60, 200).Select(d =>
            new UsageDay(a.Id, Today.AddDays(d), 5, 10, 100, ["reports", "dashboards", "integrations"]))).ToArray());
    }

    private async Task DayPasses(int days = 1)
    {
        for (var i = 0; i < days; i++)
        {
            var nudges = Service();
            nudges.Check(CheckKind.All);
            await nudges.DeliverDueAsync(CancellationToken.None);
            _clock.Advance(TimeSpan.FromDays(1));
        }
    }

    [Fact]
    public async Task A_nudge_is_sent_once_however_often_the_checks_run()
    {
        Import(An.Account("ACME").OwnedBy("ana@example.com").RenewsOn(2026, 12, 20).StartedOn(2025, 12, 20));

        for (var run = 0; run < 3; run++)
        {
            var nudges = Service();
            nudges.Check(CheckKind.Renewals);
            nudges.Check(CheckKind.Renewals);
            await nudges.DeliverDueAsync(CancellationToken.None);
        }

        var sent = Assert.Single(_channel.Sent);
        Assert.Equal("ana@example.com", sent.To);
        Assert.StartsWith("Renewal in 25 days · ACME", sent.Card.Title);
    }

    [Fact]
    public async Task Over_four_months_each_renewal_window_is_nudged_exactly_once()
    {
        var a = An.Account("ACME").OwnedBy("ana@example.com").StartedOn(2025, 3, 20).RenewsOn(2027, 3, 20).Build();
        Import(a);

        await DayPasses(120);

        var renewals = _channel.Sent.Where(s => s.Card.Title.StartsWith("Renewal")).Select(s => s.Card.Title).ToArray();
        Assert.Equal(["Renewal in 90 days · ACME", "Renewal in 60 days · ACME", "Renewal in 30 days · ACME", "Renewal in 7 days · ACME"], renewals);
        Assert.Equal(4, _channel.Sent.Count);
    }

    [Fact]
    public async Task Nothing_is_sent_twice_after_a_restart_and_a_missed_run_is_caught_up()
    {
        Import(An.Account("ACME").OwnedBy("ana@example.com").RenewsOn(2026, 12, 20).StartedOn(2025, 12, 20));
        await DayPasses();
        Assert.Single(_channel.Sent);

        // The host is down for 20 days; the renewal moved from its 30-day window into its 7-day window meanwhile.
        _store.Dispose();
        _clock.Advance(TimeSpan.FromDays(20));
        _store = new LiteDbStore(_folder.Store);
        await DayPasses();

        Assert.Equal(["Renewal in 25 days · ACME", "Renewal in 4 days · ACME"], _channel.Sent.Select(s => s.Card.Title));
    }

    [Fact]
    public async Task A_failed_delivery_stays_pending_and_is_retried_with_back_off_until_sent_once()
    {
        Import(An.Account("ACME").OwnedBy("ana@example.com").RenewsOn(2026, 12, 20).StartedOn(2025, 12, 20));
        _channel.FailuresLeft = 3;
        var nudges = Service();
        nudges.Check(CheckKind.Renewals);

        Assert.Equal(0, await nudges.DeliverDueAsync(CancellationToken.None));
        Assert.Equal(0, await nudges.DeliverDueAsync(CancellationToken.None)); // not due again yet: back-off
        var pending = Assert.Single(_store.Ledger.AllNudges(), n => n.Rule == NudgeRules.Day);
        Assert.Equal(DeliveryStatus.Pending, pending.Status);
        Assert.Equal("HTTP 429 Too Many Requests", pending.LastError);
        Assert.Equal(_clock.GetUtcNow().AddSeconds(30), pending.NextAttemptAt);

        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(5));
            await nudges.DeliverDueAsync(CancellationToken.None);
        }

        Assert.Single(_channel.Sent);
        var card = _store.Ledger.AllNudges().Single(n => n.Rule == NudgeRules.Day);
        Assert.Equal((DeliveryStatus.Sent, 4), (card.Status, card.Attempts));
        Assert.Equal(DeliveryStatus.Merged, _store.Ledger.AllNudges().Single(n => n.Rule == NudgeRules.Renewal).Status);
    }

    [Fact]
    public async Task A_nudge_for_an_owner_no_channel_reaches_goes_to_the_manager_with_the_reason()
    {
        Import(An.Account("ACME").OwnedBy("gone@example.com").RenewsOn(2026, 12, 20).StartedOn(2025, 12, 20));
        _channel.Unknown.Add("gone@example.com");
        var nudges = Service();
        nudges.Check(CheckKind.Renewals);

        await nudges.DeliverDueAsync(CancellationToken.None);
        await nudges.DeliverDueAsync(CancellationToken.None);

        var sent = Assert.Single(_channel.Sent);
        Assert.Equal("boss@example.com", sent.To);
        Assert.Equal("Sent to you because gone@example.com has no chat identity SuccessBot can reach.", sent.Card.Note);
    }

    [Fact]
    public void A_dry_run_changes_nothing()
    {
        Import(An.Account("ACME").RenewsOn(2026, 12, 20).StartedOn(2025, 12, 20));
        var nudges = Service();

        Assert.Single(nudges.Preview(CheckKind.All));
        Assert.Single(nudges.Preview(CheckKind.All));
        Assert.Empty(_store.Ledger.AllNudges());
        Assert.Empty(_store.Ledger.Signals());
    }

    [Fact]
    public async Task Snooze_touchpoint_and_churn_buttons_act_once_record_who_and_when_and_update_the_card()
    {
        Import(An.Account("ACME").Id("acme").OwnedBy("ana@example.com").Paying(300).RenewsOn(2026, 12, 20).StartedOn(2024, 11, 25),
               An.Account("Globex").Id("globex").OwnedBy("ana@example.com").RenewsOn(2026, 12, 21).StartedOn(2025, 12, 21));
        var nudges = Service();
        nudges.Check(CheckKind.Renewals);
        await nudges.DeliverDueAsync(CancellationToken.None);
        var acmeKey = _store.Ledger.AllNudges().Single(n => n.AccountId == "acme" && n.Recipient == "ana@example.com" && n.Rule == NudgeRules.Day).Key;
        var globexKey = _store.Ledger.AllNudges().Single(n => n.AccountId == "globex" && n.Recipient == "ana@example.com" && n.Rule == NudgeRules.Day).Key;
        var model = _store.ReadModel(Microsoft.Extensions.Logging.Abstractions.NullLogger<BookReadModel>.Instance);
        model.Refresh();
        var routes = _store.Routes(_store.SurveyService(model, _team, new NpsOptions(), _clock), new CheckOptions(), new NpsOptions(), _clock);
        var bot = new ChatBot(model, _team, _clock, routes.Commands(), routes.Buttons());
        ActionOutcome Click(string action, string key, string? who, params (string, string)[] inputs) =>
            bot.Act(new ActionRequest(action, key, inputs.ToDictionary(i => i.Item1, i => i.Item2), who));

        var stranger = Click(NudgeCards.Snooze, acmeKey, "ben@example.com", ("days", "14"));
        Assert.Contains("only they or a manager", stranger.Answer!.Summary);
        var badDays = Click(NudgeCards.Snooze, acmeKey, "ana@example.com", ("days", "11"));
        Assert.Contains("Snooze for 7, 14, 30 days", badDays.Answer!.Summary);

        var snoozed = Click(NudgeCards.Snooze, acmeKey, "ana@example.com", ("days", "14"), ("reason", "waiting for their budget"));
        Assert.Empty(snoozed.UpdatedCard!.Buttons);
        Assert.StartsWith("ana@example.com snoozed ACME for 14 days (waiting for their budget) on 2026-11-25", snoozed.UpdatedCard.Note);
        Assert.Equal(new DateOnly(2026, 12, 9), _store.Activity.Snoozes()["acme"].Until);

        var again = Click(NudgeCards.LogTouchpoint, acmeKey, "ana@example.com", ("kind", "call"));
        Assert.Equal("Already handled", again.Answer!.Title);
        Assert.Empty(again.UpdatedCard!.Buttons);

        var churned = Click(NudgeCards.MarkChurned, globexKey, "boss@example.com", ("reason", "price"), ("note", "went with a cheaper tool"));
        Assert.StartsWith("boss@example.com marked Globex churned (price) after 11 months", churned.UpdatedCard!.Note);
        model.Refresh();
        Assert.Equal(new DateOnly(2026, 11, 25), model.Current.Find("globex")!.CanceledOn);
        Assert.Equal("price", model.Current.Find("globex")!.ChurnReason);
        // The renewal not taken stays for the backtest to replay from; the renewals ahead no longer list it.
        Assert.Equal(new DateOnly(2026, 12, 21), model.Current.Find("globex")!.RenewalOn);
        var renewals = PlainText.Render(Bot().Answer(new IncomingMessage("renewals next 30 days", "boss@example.com")));
        Assert.Contains("ACME", renewals);
        Assert.DoesNotContain("Globex", renewals);
        var record = Assert.Single(_store.Activity.ChurnRecordsKept());
        Assert.Equal(("globex", 11, "went with a cheaper tool"), (record.AccountId, record.MonthsAsCustomer, record.Note));
        Assert.Contains(model.Current.TouchpointsOf("acme"), t => t.Kind == "snooze" && t.By == "ana@example.com");

        Assert.True(Click(NudgeCards.Snooze, "renewal|nope", "ana@example.com", ("days", "7")).Unknown);
        Assert.True(Click("nudge.explode", acmeKey, "ana@example.com").Unknown);
    }

    [Fact]
    public async Task All_of_a_days_reasons_for_an_account_come_in_one_card_and_a_second_run_records_nothing()
    {
        Import(An.Account("ACME").Id("acme").OwnedBy("ana@example.com").Paying(4200).RenewsOn(2026, 11, 30).StartedOn(2025, 11, 30).WithContacts("ops@acme.example"));
        _store.Book.UpsertNps([new NpsAnswer("acme", "ops@acme.example", 3, "too slow", _clock.GetUtcNow().AddDays(-1))]);

        var first = Service().Check(CheckKind.All);
        var again = Service().Check(CheckKind.All);
        await Service().DeliverDueAsync(CancellationToken.None);

        var ana = Assert.Single(_channel.Sent, s => s.To == "ana@example.com").Card;
        Assert.Equal("Renewal in 5 days, Detractor (3) · ACME", ana.Title);
        Assert.Contains("ACME comes up for renewal on 2026-11-30 in good health", ana.Summary);
        Assert.Contains("ops@acme.example answered 3 on 2026-11-24: \"too slow\"", ana.Summary);
        Assert.Equal(["Snooze", "Log touchpoint", "Mark churned"], ana.Buttons.Select(b => b.Label));
        Assert.All(ana.Buttons, b => Assert.Equal("day|acme|2026-11-25|ana@example.com", b.Value));
        Assert.Equal(2, first.Recorded);   // ana's card, and the manager's (a detractor before renewal)
        Assert.Equal(0, again.Recorded);
        Assert.Equal(2, _store.Ledger.AllNudges().Count(n => n.Status == DeliveryStatus.Merged && n.Recipient == "ana@example.com"));
    }

    [Fact]
    public void A_check_stopped_with_the_host_records_nothing_it_did_not_finish_and_the_next_run_records_it_all()
    {
        Import(An.Account("ACME").Id("acme").OwnedBy("ana@example.com").Paying(4200).RenewsOn(2026, 11, 30).StartedOn(2025, 11, 30));
        using var stopped = new CancellationTokenSource();
        stopped.Cancel();

        Assert.Throws<OperationCanceledException>(() => Service().Check(CheckKind.All, stopped.Token));
        Assert.Empty(_store.Ledger.AllNudges());

        Assert.Equal(1, Service().Check(CheckKind.All).Recorded);
    }

    [Fact]
    public void A_check_over_more_accounts_than_one_transaction_holds_records_each_accounts_card_and_state_once()
    {
        // Never used and renewing in five days: each account has reasons and a state to remember; 1,234 accounts span three parts.
        var accounts = Enumerable.Range(0, 1_234).Select(i => (Account)An.Account($"Acct {i:0000}").Id($"a{i:0000}").OwnedBy($"csm{i % 7}@example.com")
            .StartedOn(2025, 11, 30).RenewsOn(2026, 11, 30)).ToArray();
        var book = new BookOfBusiness(accounts, [], [], []);

        var first = Service(book).Check(CheckKind.All);
        var again = Service(book).Check(CheckKind.All);

        var cards = _store.Ledger.AllNudges().Where(n => n.Rule == NudgeRules.Day && !_team.Managers.Contains(n.Recipient)).ToArray();
        Assert.Equal(accounts.Select(a => a.Id), cards.Select(c => c.AccountId).Order(StringComparer.Ordinal));
        Assert.All(cards, c => Assert.Equal($"csm{int.Parse(c.AccountId[1..]) % 7}@example.com", c.Recipient));
        Assert.Equal(accounts.Select(a => a.Id), _store.Ledger.Signals().Keys.Order(StringComparer.Ordinal));
        Assert.Equal(_store.Ledger.AllNudges().Count(n => n.Rule == NudgeRules.Day), first.Recorded);
        Assert.Equal(0, again.Recorded);
    }

    [Fact]
    public void A_reason_found_later_the_same_day_joins_the_waiting_card_as_the_ledger_kept_it()
    {
        Import(An.Account("ACME").Id("acme").OwnedBy("ana@example.com").Paying(4200).RenewsOn(2026, 11, 30).StartedOn(2025, 11, 30).WithContacts("ops@acme.example"));
        Service().Check(CheckKind.Renewals);
        _store.Book.UpsertNps([new NpsAnswer("acme", "ops@acme.example", 3, "too slow", _clock.GetUtcNow().AddHours(-1))]);

        Service().Check(CheckKind.All);

        var card = _store.Ledger.Find("day|acme|2026-11-25|ana@example.com")!;
        Assert.Equal("Renewal in 5 days, Detractor (3) · ACME", card.Card.Title);
        Assert.StartsWith("ACME comes up for renewal on 2026-11-30 in good health (", card.Card.Summary);
        Assert.Contains("). ops@acme.example answered 3 on 2026-11-25: \"too slow\". Why it matters: renewal in 5 days", card.Card.Summary);
        Assert.Equal("Renewal in 5 days, Detractor (3)", card.Reason!.Headline);
    }

    [Fact]
    public async Task After_a_backtest_the_card_of_the_day_carries_the_record_of_each_reason_that_has_one_also_when_it_joins_later()
    {
        Import(An.Account("ACME").Id("acme").OwnedBy("ana@example.com").Paying(4200).RenewsOn(2026, 11, 30).StartedOn(2025, 11, 30).WithContacts("ops@acme.example"));
        Service().Check(CheckKind.Renewals);
        _backtests.Keep(PlantedBacktest.Report());
        _store.Book.UpsertNps([new NpsAnswer("acme", "ops@acme.example", 3, "too slow", _clock.GetUtcNow().AddHours(-1))]);

        Service().Check(CheckKind.All);
        await Service().DeliverDueAsync(CancellationToken.None);

        var ana = Assert.Single(_channel.Sent, s => s.To == "ana@example.com").Card;
        Assert.Equal("Renewal in 5 days, Detractor (3) · ACME", ana.Title);
        Assert.Equal(PlantedBacktest.Quarter, Assert.Single(ana.Facts, f => f.Label == "Detractor").Value);
        // A renewal in good health is not the backtest's renewal risk: it has no record to quote.
        Assert.DoesNotContain(ana.Facts, f => f.Label == "Renewal at risk");
        var manager = Assert.Single(_channel.Sent, s => s.To == "boss@example.com").Card;
        Assert.Equal(PlantedBacktest.Quarter, Assert.Single(manager.Facts, f => f.Label == "Detractor").Value);
    }

    [Fact]
    public async Task A_card_of_the_day_recorded_before_reasons_were_kept_stays_as_it_was_and_a_later_reason_goes_as_its_own_card()
    {
        Import(An.Account("ACME").Id("acme").OwnedBy("ana@example.com").Paying(4200).RenewsOn(2026, 11, 30).StartedOn(2025, 11, 30).WithContacts("ops@acme.example"));
        Service().Check(CheckKind.Renewals);
        // The ledger as the version before kept it: no reason beside a card.
        var nudges = _store.Collection("nudges");
        foreach (var stored in nudges.FindAll().ToArray())
        {
            stored.Remove("reason");
            nudges.Update(stored);
        }
        _store.Book.UpsertNps([new NpsAnswer("acme", "ops@acme.example", 3, "too slow", _clock.GetUtcNow().AddHours(-1))]);

        Service().Check(CheckKind.All);
        await Service().DeliverDueAsync(CancellationToken.None);

        var ana = _channel.Sent.Where(s => s.To == "ana@example.com").Select(s => s.Card).ToArray();
        Assert.Equal(["Renewal in 5 days · ACME", "Detractor (3) · ACME"], ana.Select(c => c.Title));
        Assert.StartsWith("ACME comes up for renewal on 2026-11-30", ana[0].Summary);
        Assert.StartsWith("ops@acme.example answered 3 on 2026-11-25: \"too slow\". Why it matters:", ana[1].Summary);
    }

    [Fact]
    public async Task A_person_gets_at_most_the_days_budget_the_most_urgent_first_and_the_rest_in_one_roll_up_that_opens_them()
    {
        _options = _options with { MaxNudgesPerDay = 3 };
        Import([.. Enumerable.Range(1, 5).Select(i => An.Account($"Shop {i}").Id($"shop{i}").OwnedBy("ana@example.com").Paying(i * 100).RenewsOn(2026, 12, 20).StartedOn(2025, 12, 20).Build())]);

        Service().Check(CheckKind.All);
        await Service().DeliverDueAsync(CancellationToken.None);
        await Service().DeliverDueAsync(CancellationToken.None);

        Assert.Equal(["Renewal in 25 days · Shop 5", "Renewal in 25 days · Shop 4", "Renewal in 25 days · Shop 3", "2 more accounts to look at today"],
            _channel.Sent.Select(s => s.Card.Title));
        var rollUp = _channel.Sent[^1].Card;
        Assert.Equal(["Renewal in 25 days · Shop 2", "Renewal in 25 days · Shop 1"], rollUp.Sections.Single().Lines);
        var open = rollUp.Buttons.First();
        Assert.Equal("Open: Renewal in 25 days · Shop 2", open.Label);

        var opened = Click(Bot(), open.ActionId, open.Value, "ana@example.com");
        Assert.Equal("Renewal in 25 days · Shop 2", opened.Answer!.Title);
        Assert.Equal(["Snooze", "Log touchpoint", "Mark churned"], opened.Answer.Buttons.Select(b => b.Label));
        Assert.Equal(rollUp.Title, opened.UpdatedCard!.Title);   // the roll-up stays as it is
        var acted = Click(Bot(), NudgeCards.LogTouchpoint, opened.Answer.Buttons[1].Value, "ana@example.com", ("kind", "call"));
        Assert.StartsWith("ana@example.com logged a call with Shop 2", acted.UpdatedCard!.Note);
        Assert.True(Click(Bot(), open.ActionId, open.Value, "ben@example.com").Answer!.IsRefusal);
        // Handled: opened again from the roll-up, or clicked again, it says so in the same words.
        var reopened = Click(Bot(), open.ActionId, open.Value, "ana@example.com");
        var clickedAgain = Click(Bot(), NudgeCards.Snooze, open.Value, "ana@example.com", ("days", "7"));
        Assert.Equal("Already handled by ana@example.com: logged a call with Shop 2 on 2026-11-25 09:00 UTC.", reopened.Answer!.Note);
        Assert.Empty(reopened.Answer.Buttons);
        Assert.Equal(reopened.Answer.Note, clickedAgain.Answer!.Summary);

        // A card over the budget later that day joins the roll-up already sent, which is updated in place.
        Import(An.Account("Shop 6").Id("shop6").OwnedBy("ana@example.com").Paying(50).RenewsOn(2026, 12, 20).StartedOn(2025, 12, 20));
        Service().Check(CheckKind.All);
        await Service().DeliverDueAsync(CancellationToken.None);
        Assert.Equal(4, _channel.Sent.Count);
        var updated = Assert.Single(_channel.Updated);
        Assert.Equal(("ana@example.com", "m4", "2 more accounts to look at today"), (updated.To, updated.MessageRef, updated.Card.Title));
        Assert.Equal(["Renewal in 25 days · Shop 1", "Renewal in 25 days · Shop 6"], updated.Card.Sections.Single().Lines);   // Shop 2 was handled

        // The next day's budget starts afresh; nothing listed yesterday is sent after all.
        _clock.Advance(TimeSpan.FromDays(1));
        await Service().DeliverDueAsync(CancellationToken.None);
        Assert.Equal(4, _channel.Sent.Count);
    }

    [Fact]
    public async Task Nothing_is_delivered_in_the_recipients_quiet_hours_in_their_own_time_zone_and_it_follows_when_they_end()
    {
        Import(An.Account("ACME").OwnedBy("ana@example.com").RenewsOn(2026, 12, 20).StartedOn(2025, 12, 20),
               An.Account("Globex").OwnedBy("ben@example.com").RenewsOn(2026, 12, 20).StartedOn(2025, 12, 20));
        _channel.Zones["ana@example.com"] = "America/New_York";   // 09:00 UTC is 04:00 there
        var nudges = Service();
        nudges.Check(CheckKind.All);

        await nudges.DeliverDueAsync(CancellationToken.None);
        Assert.Equal(["ben@example.com"], _channel.Sent.Select(s => s.To));   // ben's zone is unknown: the team's (UTC), 09:00
        var waiting = _store.Ledger.AllNudges().Single(n => n.Recipient == "ana@example.com" && n.Rule == NudgeRules.Day);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero), waiting.NextAttemptAt);   // 08:00 in New York

        _clock.Advance(TimeSpan.FromMinutes(234));
        await nudges.DeliverDueAsync(CancellationToken.None);
        Assert.Single(_channel.Sent);
        _clock.Advance(TimeSpan.FromMinutes(6));
        await nudges.DeliverDueAsync(CancellationToken.None);
        Assert.Equal(["ben@example.com", "ana@example.com"], _channel.Sent.Select(s => s.To));
    }

    [Theory]
    [InlineData("20:00-08:00", 21, true)]
    [InlineData("20:00-08:00", 7, true)]
    [InlineData("20:00-08:00", 8, false)]
    [InlineData("12:00-14:00", 13, true)]
    [InlineData("12:00-14:00", 14, false)]
    [InlineData("off", 3, false)]
    public void Quiet_hours_hold_across_midnight_and_can_be_off(string hours, int hour, bool quiet)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var now = new DateTimeOffset(2026, 11, 25, hour, 0, 0, TimeSpan.FromHours(1));

        var end = QuietHours.Parse(hours)!.EndOf(now, zone);

        Assert.Equal(quiet, end is not null);
        if (end is { } e) Assert.True(e > now && e - now <= TimeSpan.FromHours(12));
    }

    [Fact]
    public async Task Acting_on_one_card_handles_the_accounts_other_cards_and_a_second_churn_is_refused_with_who_and_when()
    {
        Import(An.Account("ACME").Id("acme").OwnedBy("ana@example.com").Paying(300).RenewsOn(2026, 12, 20).StartedOn(2024, 11, 25));
        Service().Check(CheckKind.All);
        var today = _store.Ledger.AllNudges().Single(n => n.Rule == NudgeRules.Day).Key;
        Reply Card(string title) => new Reply(title) { Buttons = NudgeCards.Actions("x") };
        NudgeRecord Other(string key, string to) => NudgeRecord.From(new Nudge(key, NudgeRules.Engagement, "acme", to, Card("Usage falling · ACME")), _clock.GetUtcNow().AddDays(-1));
        _store.Ledger.Add(Other("engagement|acme|2026-11-24|ana@example.com", "ana@example.com") with { Status = DeliveryStatus.Sent });
        _store.Ledger.Add(Other("engagement|acme|2026-11-24|boss@example.com", "boss@example.com") with { Status = DeliveryStatus.Sent });
        var bot = Bot();

        var call = Click(bot, NudgeCards.LogTouchpoint, today, "ana@example.com", ("kind", "call"), ("note", "talked budgets"));
        Assert.Null(call.Answer);   // the card says it; no second "Done" message
        Assert.Contains(call.UpdatedCard!.Facts, f => f == new Fact("Last touchpoint", "call on 2026-11-25 by ana@example.com: talked budgets"));
        Assert.Contains("Last touchpoint: call on 2026-11-25 by ana@example.com: talked budgets", PlainText.Render(bot.Answer(new IncomingMessage("health acme", "ana@example.com"))));

        var other = Click(bot, NudgeCards.Snooze, "engagement|acme|2026-11-24|ana@example.com", "ana@example.com", ("days", "7"));
        Assert.Equal("Already handled", other.Answer!.Title);
        Assert.StartsWith("Already handled by ana@example.com: logged a call with ACME: talked budgets (through another card)", other.Answer.Summary);
        Assert.Equal(today, _store.Ledger.Find("engagement|acme|2026-11-24|ana@example.com")!.HandledThrough);
        Assert.Null(_store.Ledger.Find(today)!.HandledThrough);

        var churned = Click(bot, NudgeCards.MarkChurned, "engagement|acme|2026-11-24|boss@example.com", "boss@example.com", ("reason", "price"), ("note", "went with a cheaper tool"));
        Assert.Null(churned.Answer);
        Assert.Contains(churned.UpdatedCard!.Facts, f => f == new Fact("Churned", "2026-11-25, price: went with a cheaper tool"));
        var health = PlainText.Render(bot.Answer(new IncomingMessage("health acme", "boss@example.com")));
        Assert.Contains("churned on 2026-11-25 (price). Marked churned by boss@example.com on 2026-11-25 09:00 UTC: price: went with a cheaper tool.", health);

        // A card made before the churn was seen: a second mark is refused, and the churn stays as it was.
        _store.Ledger.Add(Other("onboarding|acme|30|ana@example.com", "ana@example.com") with { Rule = NudgeRules.Onboarding, Status = DeliveryStatus.Sent });
        _clock.Advance(TimeSpan.FromHours(1));
        var second = Click(bot, NudgeCards.MarkChurned, "onboarding|acme|30|ana@example.com", "ana@example.com", ("reason", "budget cuts"));
        Assert.Equal("Not done", second.Answer!.Title);
        Assert.Contains("already churned on 2026-11-25 (price). Marked churned by boss@example.com on 2026-11-25 09:00 UTC", second.Answer.Summary);
        Assert.Equal("price", Assert.Single(_store.Activity.ChurnRecordsKept()).Reason);
    }
}
