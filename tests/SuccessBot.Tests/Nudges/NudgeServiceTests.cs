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

    public Task UpdateAsync(string email, string messageRef, Reply card, CancellationToken cancel) => Task.CompletedTask;
}

/// <summary>The ledger on a real LiteDB file, with a fake clock: months of days run in milliseconds.</summary>
public class NudgeServiceTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.Zero));
    private readonly RecordingChannel _channel = new();
    private readonly TeamSettings _team = new() { Managers = ["boss@example.com"] };
    private LiteDbStore _store;

    public NudgeServiceTests() => _store = new LiteDbStore(_folder.Store);

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private DateOnly Today => DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);

    private NudgeService Service(BookOfBusiness? book = null) =>
        new(new StaticBookSource(book ?? _store.LoadBook()), _store, _store, _team, new CheckOptions(), _clock, [_channel]);

    /// <summary>Imports accounts that use the product every day of the test, so only what the test is about is nudged.</summary>
    private void Import(params Account[] accounts)
    {
        _store.UpsertAccounts(accounts, Today);
        _store.UpsertUsage(accounts.SelectMany(a => Enumerable.Range(-60, 200).Select(d =>
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
        var pending = Assert.Single(_store.AllNudges());
        Assert.Equal(DeliveryStatus.Pending, pending.Status);
        Assert.Equal("HTTP 429 Too Many Requests", pending.LastError);
        Assert.Equal(_clock.GetUtcNow().AddSeconds(30), pending.NextAttemptAt);

        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(5));
            await nudges.DeliverDueAsync(CancellationToken.None);
        }

        Assert.Single(_channel.Sent);
        Assert.Equal(DeliveryStatus.Sent, _store.AllNudges().Single().Status);
        Assert.Equal(4, _store.AllNudges().Single().Attempts);
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
        Assert.Empty(_store.AllNudges());
        Assert.Empty(_store.Signals());
    }

    [Fact]
    public async Task Snooze_touchpoint_and_churn_buttons_act_once_record_who_and_when_and_update_the_card()
    {
        Import(An.Account("ACME").Id("acme").OwnedBy("ana@example.com").Paying(300).RenewsOn(2026, 12, 20).StartedOn(2024, 11, 25),
               An.Account("Globex").Id("globex").OwnedBy("ana@example.com").RenewsOn(2026, 12, 21).StartedOn(2025, 12, 21));
        var nudges = Service();
        nudges.Check(CheckKind.Renewals);
        await nudges.DeliverDueAsync(CancellationToken.None);
        var acmeKey = _store.AllNudges().Single(n => n.AccountId == "acme" && n.Recipient == "ana@example.com").Key;
        var globexKey = _store.AllNudges().Single(n => n.AccountId == "globex" && n.Recipient == "ana@example.com").Key;
        var model = new BookReadModel(_store, Microsoft.Extensions.Logging.Abstractions.NullLogger<BookReadModel>.Instance);
        model.Refresh();
        var routes = new Routes(_store, _store, _store, new SurveyService(model, _store, _store, _team, new NpsOptions(), _clock), new CheckOptions(), new NpsOptions(), _store, _clock);
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
        Assert.Equal(new DateOnly(2026, 12, 9), _store.Snoozes()["acme"].Until);

        var again = Click(NudgeCards.LogTouchpoint, acmeKey, "ana@example.com", ("kind", "call"));
        Assert.Equal("Already done", again.Answer!.Title);
        Assert.Empty(again.UpdatedCard!.Buttons);

        var churned = Click(NudgeCards.MarkChurned, globexKey, "boss@example.com", ("reason", "price"), ("note", "went with a cheaper tool"));
        Assert.StartsWith("boss@example.com marked Globex churned (price) after 11 months", churned.UpdatedCard!.Note);
        model.Refresh();
        Assert.Equal(new DateOnly(2026, 11, 25), model.Current.Find("globex")!.CanceledOn);
        Assert.Equal("price", model.Current.Find("globex")!.ChurnReason);
        var record = Assert.Single(_store.ChurnRecordsKept());
        Assert.Equal(("globex", 11, "went with a cheaper tool"), (record.AccountId, record.MonthsAsCustomer, record.Note));
        Assert.Contains(model.Current.TouchpointsOf("acme"), t => t.Kind == "snooze" && t.By == "ana@example.com");

        Assert.True(Click(NudgeCards.Snooze, "renewal|nope", "ana@example.com", ("days", "7")).Unknown);
        Assert.True(Click("nudge.explode", acmeKey, "ana@example.com").Unknown);
    }
}
