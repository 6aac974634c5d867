using SuccessBot.Core.Backtest;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Nudges;

/// <summary>The checks as a pure function: the same inputs decide the same nudges, with keys that make them happen once.</summary>
public class NudgeChecksTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private static readonly TeamSettings Team = new() { Texts = SuccessBot.Settings.Texts, Managers = ["boss@example.com"] };
    private static readonly Dictionary<string, AccountSignals> NoSignals = [];
    private static readonly Dictionary<string, Snooze> NoSnoozes = [];

    private static BookBuilder Busy(Account a, BookBuilder? book = null)
    {
        book ??= new BookBuilder();
        book.With(a);
        for (var d = 0; d < 56; d++) book.Used(a, Today.AddDays(-d), 10, "reports", "dashboards", "integrations");
        return book;
    }

    /// <summary>Every window gets a card, whatever the health: what the window tests are about.</summary>
    private static readonly CheckOptions EveryWindow = new() { GoodHealthRenewalDays = 90 };

    private static CheckResult Run(BookOfBusiness book, CheckKind kinds, IReadOnlyDictionary<string, AccountSignals>? signals = null, IReadOnlyDictionary<string, Snooze>? snoozes = null,
        DateOnly? today = null, CheckOptions? options = null, RuleRecords? records = null) =>
        NudgeChecks.Run(new CheckInputs(book, today ?? Today, Team, options ?? new CheckOptions(), signals ?? NoSignals, snoozes ?? NoSnoozes) { Records = records ?? RuleRecords.None }, kinds);

    /// <summary>An account used every day until 29 days ago, seen in good health the day before: its health drops, usage falls and nobody uses it.</summary>
    private static (BookOfBusiness Book, Dictionary<string, AccountSignals> Before) Fading()
    {
        var fading = An.Account("Fading").StartedOn(2025, 1, 1).Build();
        var book = new BookBuilder().With(fading);
        for (var d = 29; d < 56; d++) book.Used(fading, Today.AddDays(-d), 10, "reports", "dashboards", "integrations");
        return (book.Build(), new() { [fading.Id] = new(fading.Id, HealthBand.Good, false, false, Today.AddDays(-1)) });
    }

    [Fact]
    public void A_card_quotes_how_often_each_rule_that_raised_it_was_right_in_the_last_backtest()
    {
        var (book, before) = Fading();

        var card = Assert.Single(Run(book, CheckKind.Engagement, before, records: RuleRecords.Of(PlantedBacktest.Report())).Nudges).Card;

        Assert.Equal("Health dropped · Fading", card.Title);
        Assert.Equal(PlantedBacktest.HealthDrop, Assert.Single(card.Facts, f => f.Label == "Health dropped").Value);
        Assert.Equal(PlantedBacktest.FallingUsage, Assert.Single(card.Facts, f => f.Label == "Usage falling").Value);
        // Inactivity raised it too, but never flagged in that backtest: no "0% ... n/a" to read.
        Assert.DoesNotContain(card.Facts, f => f.Label == "No activity");
        Assert.Contains("Nobody at Fading has used the product for 29 days", card.Summary);
    }

    [Theory]
    [InlineData(19)]
    [InlineData(0)]
    public void With_fewer_than_twenty_cancellations_in_the_last_backtest_or_none_a_card_quotes_nothing(int canceled)
    {
        var (book, before) = Fading();
        var records = canceled == 0 ? null : RuleRecords.Of(PlantedBacktest.Report(canceled));

        var card = Assert.Single(Run(book, CheckKind.Engagement, before, records: records).Nudges).Card;

        Assert.Equal(["Health", "MRR", "Last touchpoint", "Open issues"], card.Facts.Select(f => f.Label));
    }

    [Fact]
    public void A_renewal_in_poor_health_quotes_the_renewal_risk_record_to_owner_and_manager_and_one_in_good_health_quotes_none()
    {
        var quiet = An.Account("Quiet").RenewsOn(2026, 12, 10).Build();
        var healthy = An.Account("Healthy").RenewsOn(2026, 11, 30).Build();
        var records = RuleRecords.Of(PlantedBacktest.Report());

        var nudges = Run(Busy(healthy, new BookBuilder().With(quiet)).Build(), CheckKind.Renewals, records: records).Nudges;

        var atRisk = nudges.Where(n => n.AccountId == quiet.Id).ToArray();
        Assert.Equal(["csm@example.com", "boss@example.com"], atRisk.Select(n => n.Recipient));
        Assert.All(atRisk, n => Assert.Equal(PlantedBacktest.Quarter, Assert.Single(n.Card.Facts, f => f.Label == "Renewal at risk").Value));
        var reminder = Assert.Single(nudges, n => n.AccountId == healthy.Id);
        Assert.Contains("in good health", reminder.Card.Summary);
        Assert.DoesNotContain(reminder.Card.Facts, f => RuleRecords.IsRecord(new SuccessBot.Core.Language.Reader(SuccessBot.Settings.Texts, SuccessBot.Core.Language.Languages.English), f));
    }

    [Theory]
    [InlineData(89, "good", null)]
    [InlineData(27, "good", null)]
    [InlineData(5, "good", 7)]
    [InlineData(89, "poor", 90)]
    [InlineData(45, "poor", 60)]
    public void A_renewal_in_good_health_waits_for_its_nearest_window_one_in_worse_health_does_not(int daysToRenewal, string health, int? window)
    {
        var renewal = Today.AddDays(daysToRenewal);
        var a = An.Account("Renewing").RenewsOn(renewal.Year, renewal.Month, renewal.Day).Build();
        var book = health == "good" ? Busy(a).Build() : new BookBuilder().With(a).Build();

        var owners = Run(book, CheckKind.Renewals).Nudges.Where(n => n.Recipient == a.OwnerEmail);

        Assert.Equal(window is null ? [] : [$"renewal|{a.Id}|{renewal:yyyy-MM-dd}|{window}|csm@example.com"], owners.Select(n => n.Key));
    }

    [Fact]
    public void The_window_from_which_a_good_renewal_gets_a_card_is_configurable()
    {
        var a = An.Account("Renewing").RenewsOn(2026, 12, 22).Build();

        Assert.Empty(Run(Busy(a).Build(), CheckKind.Renewals, options: new CheckOptions { GoodHealthRenewalDays = 29 }).Nudges);
        Assert.Single(Run(Busy(a).Build(), CheckKind.Renewals, options: new CheckOptions { GoodHealthRenewalDays = 30 }).Nudges);
    }

    [Fact]
    public void A_renewal_in_27_days_is_nudged_once_in_its_30_day_window()
    {
        var acme = An.Account("ACME").OwnedBy("ana@example.com").Paying(4200).RenewsOn(2026, 12, 22).Build();

        var nudge = Assert.Single(Run(Busy(acme).Build(), CheckKind.Renewals, options: EveryWindow).Nudges);

        Assert.Equal($"renewal|{acme.Id}|2026-12-22|30|ana@example.com", nudge.Key);
        Assert.Equal("ana@example.com", nudge.Recipient);
        Assert.Contains("ACME comes up for renewal on 2026-12-22 in good health", nudge.Card.Summary);
        Assert.Contains("renewal in 27 days (2026-12-22), $4,200 MRR", nudge.Card.Summary);
        Assert.Equal(["Snooze", "Log touchpoint", "Mark churned"], nudge.Card.Buttons.Select(b => b.Label));
        Assert.Contains(nudge.Card.Facts, f => f.Label == "Last touchpoint" && f.Value == "none logged");
    }

    [Theory]
    [InlineData(100, null)]
    [InlineData(90, 90)]
    [InlineData(61, 90)]
    [InlineData(60, 60)]
    [InlineData(8, 30)]
    [InlineData(5, 7)]
    [InlineData(0, 7)]
    public void Only_the_window_the_renewal_is_in_now_is_nudged(int daysToRenewal, int? window)
    {
        var renewal = Today.AddDays(daysToRenewal);
        var a = An.Account().RenewsOn(renewal.Year, renewal.Month, renewal.Day).Build();

        var nudges = Run(Busy(a).Build(), CheckKind.Renewals, options: EveryWindow).Nudges;

        Assert.Equal(window is null ? [] : [$"renewal|{a.Id}|{renewal:yyyy-MM-dd}|{window}|csm@example.com"], nudges.Select(n => n.Key));
    }

    [Fact]
    public void A_poor_account_renewing_within_30_days_also_goes_to_the_manager()
    {
        var quiet = An.Account("Quiet").RenewsOn(2026, 12, 10).Build();

        var nudges = Run(new BookBuilder().With(quiet).Build(), CheckKind.Renewals).Nudges;

        Assert.Equal(["csm@example.com", "boss@example.com"], nudges.Select(n => n.Recipient));
        Assert.Contains("owner csm@example.com", nudges[1].Card.Summary);
    }

    [Fact]
    public void A_band_drop_is_nudged_when_it_happens_and_not_again_while_it_lasts()
    {
        var fading = An.Account("Fading").StartedOn(2025, 1, 1).Build();
        var book = new BookBuilder().With(fading);
        for (var d = 29; d < 56; d++) book.Used(fading, Today.AddDays(-d), 10, "reports", "dashboards", "integrations");
        var built = book.Build();
        var before = new Dictionary<string, AccountSignals> { [fading.Id] = new(fading.Id, HealthBand.Good, false, false, Today.AddDays(-1)) };

        var first = Run(built, CheckKind.Engagement, before);
        var nudge = Assert.Single(first.Nudges);
        Assert.Equal("Health dropped · Fading", nudge.Card.Title);
        Assert.Contains("Health fell from good to poor", nudge.Card.Summary);
        Assert.Contains("Sessions 270 to 0, -100% in 4 weeks", nudge.Card.Summary);

        var remembered = first.Signals.ToDictionary(s => s.AccountId);
        Assert.Empty(Run(built, CheckKind.Engagement, remembered, today: Today.AddDays(1)).Nudges);
    }

    [Fact]
    public void An_account_seen_for_the_first_time_is_new_not_fallen()
    {
        var imported = An.Account("Fresh Import").StartedOn(2024, 1, 1).Build();   // no usage at all, poor health
        var fading = An.Account("Fading").StartedOn(2025, 1, 1).Build();          // used until a month ago
        var book = new BookBuilder().With(imported, fading);
        for (var d = 29; d < 56; d++) book.Used(fading, Today.AddDays(-d), 10, "reports", "dashboards", "integrations");

        var first = Run(book.Build(), CheckKind.Engagement);

        // What its usage shows is still told; a fall from a band it was never seen in is not.
        var fadingCard = Assert.Single(first.Nudges).Card;
        Assert.Equal("No activity · Fading", fadingCard.Title);
        Assert.DoesNotContain("fell from", fadingCard.Summary);
        Assert.Equal(HealthBand.Poor, first.Signals.Single(s => s.AccountId == imported.Id).Band);
    }

    [Fact]
    public void A_snoozed_account_stays_quiet_unless_it_gets_worse()
    {
        var a = An.Account("Snoozy").RenewsOn(2026, 12, 1).Build();
        var book = new BookBuilder().With(a).Build();
        var medium = new Dictionary<string, Snooze> { [a.Id] = new(a.Id, Today.AddDays(7), "on holiday", "csm@example.com", HealthBand.Medium) };
        var poor = new Dictionary<string, Snooze> { [a.Id] = new(a.Id, Today.AddDays(7), "on holiday", "csm@example.com", HealthBand.Poor) };

        Assert.Empty(Run(book, CheckKind.Renewals, snoozes: poor).Nudges);
        var seen = new Dictionary<string, AccountSignals> { [a.Id] = new(a.Id, HealthBand.Medium, true, false, Today.AddDays(-3)) };
        var worse = Run(book, CheckKind.Engagement, seen, snoozes: medium);
        Assert.Equal("Health dropped · Snoozy", Assert.Single(worse.Nudges).Card.Title);
        Assert.Equal([a.Id], worse.WokenAccounts);
    }

    [Fact]
    public void Onboarding_that_stalls_is_nudged_at_the_latest_milestone_passed()
    {
        var stalled = An.Account("New Co").StartedOn(2026, 10, 20).Build();   // 36 days ago
        var fine = An.Account("Quick Co").StartedOn(2026, 10, 20).Build();
        var book = new BookBuilder().With(stalled, fine).Used(stalled, new DateOnly(2026, 11, 1), 3, "exports").Used(fine, new DateOnly(2026, 10, 25), 3, "reports").Build();

        var nudge = Assert.Single(Run(book, CheckKind.Onboarding).Nudges);

        Assert.Equal($"onboarding|{stalled.Id}|30|csm@example.com", nudge.Key);
        Assert.Contains("started 36 days ago and has not used a core feature", nudge.Card.Summary);
    }

    [Fact]
    public void A_detractor_reaches_the_csm_and_before_renewal_the_manager()
    {
        var a = An.Account("Grumpy").RenewsOn(2027, 1, 10).Build();
        var book = Busy(a).Answered(a, 3, 2026, 11, 24, "Too slow <b>really</b>").Answered(a, 9, 2026, 11, 24, contact: "fan@x.example").Build();

        var nudges = Run(book, CheckKind.Nps).Nudges;

        Assert.Equal(["csm@example.com", "boss@example.com"], nudges.Select(n => n.Recipient));
        Assert.Contains("ops@customer.example answered 3 on 2026-11-24: \"Too slow <b>really</b>\"", nudges[0].Card.Summary);
    }

    [Theory]
    [InlineData(30, new[] { "csm@example.com", "boss@example.com" })]
    [InlineData(31, new[] { "csm@example.com" })]
    public void A_poor_renewal_reaches_the_managers_from_30_days_before_and_not_a_day_earlier(int daysToRenewal, string[] recipients)
    {
        var renewal = Today.AddDays(daysToRenewal);
        var quiet = An.Account("Quiet").RenewsOn(renewal.Year, renewal.Month, renewal.Day).Build();

        var nudges = Run(new BookBuilder().With(quiet).Build(), CheckKind.Renewals).Nudges;

        Assert.Equal(recipients, nudges.Select(n => n.Recipient));
        Assert.All(nudges.Skip(1), n => Assert.Equal($"Renewal at risk in {daysToRenewal} days · Quiet", n.Card.Title));
    }

    [Theory]
    [InlineData(60, new[] { "csm@example.com", "boss@example.com" })]
    [InlineData(61, new[] { "csm@example.com" })]
    public void A_detractor_reaches_the_managers_when_the_renewal_is_60_days_away_or_nearer(int daysToRenewal, string[] recipients)
    {
        var renewal = Today.AddDays(daysToRenewal);
        var a = An.Account("Grumpy").RenewsOn(renewal.Year, renewal.Month, renewal.Day).Build();

        var nudges = Run(Busy(a).Answered(a, 6, 2026, 11, 24).Build(), CheckKind.Nps).Nudges;

        Assert.Equal(recipients, nudges.Select(n => n.Recipient));
        Assert.Equal("Detractor (6) · Grumpy", nudges[0].Card.Title);
        Assert.All(nudges.Skip(1), n => Assert.Equal("Detractor (6) before renewal · Grumpy", n.Card.Title));
    }

    [Fact]
    public void A_detractor_of_the_last_seven_days_is_told_from_midnight_seven_days_ago_without_a_comment_and_keyed_by_the_contact_in_lower_case()
    {
        var a = An.Account("Grumpy").Build();
        var sevenDaysAgo = new DateTimeOffset(Today.AddDays(-7).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var book = Busy(a).Answered(a, 2, sevenDaysAgo, contact: "Ops@Customer.example").Answered(a, 1, sevenDaysAgo.AddTicks(-1), contact: "late@customer.example").Build();

        var nudge = Assert.Single(Run(book, CheckKind.Nps).Nudges);

        Assert.Equal($"detractor|{a.Id}|ops@customer.example|{sevenDaysAgo.ToUnixTimeMilliseconds()}|csm@example.com", nudge.Key);
        Assert.StartsWith("Ops@Customer.example answered 2 on 2026-11-18 without a comment. Why it matters: $100 MRR.", nudge.Card.Summary);
    }

    [Theory]
    [InlineData(14, true)]
    [InlineData(13, false)]
    public void Fourteen_days_without_use_is_inactive_and_thirteen_is_not(int daysIdle, bool told)
    {
        var a = An.Account("Idle").StartedOn(2025, 1, 1).Build();
        var book = new BookBuilder().With(a);
        for (var d = daysIdle; d < daysIdle + 3; d++) book.Used(a, Today.AddDays(-d), 10, "reports");

        var summaries = Run(book.Build(), CheckKind.Engagement).Nudges.Select(n => n.Card.Summary);

        Assert.Equal(told, summaries.Any(s => s is not null && s.Contains($"Nobody at Idle has used the product for {daysIdle} days")));
    }

    [Theory]
    [InlineData(14, true)]
    [InlineData(13, false)]
    public void An_account_never_used_since_it_started_is_inactive_from_its_fourteenth_day(int age, bool told)
    {
        var started = Today.AddDays(-age);
        var a = An.Account("Unused").StartedOn(started.Year, started.Month, started.Day).Build();
        var seen = new Dictionary<string, AccountSignals> { [a.Id] = new(a.Id, HealthBand.Poor, false, false, Today.AddDays(-1)) };

        var nudges = Run(new BookBuilder().With(a).Build(), CheckKind.Engagement, seen).Nudges;

        Assert.Equal(told ? [$"Nobody at Unused has used the product since it started {age} days ago"] : [],
            nudges.Select(n => n.Reason!.Happened));
    }

    [Theory]
    [InlineData(13, null)]
    [InlineData(14, 14)]
    [InlineData(29, 14)]
    [InlineData(30, 30)]
    [InlineData(89, 30)]
    [InlineData(90, null)]
    public void Onboarding_is_nudged_from_its_first_milestone_until_it_ends(int age, int? milestone)
    {
        var started = Today.AddDays(-age);
        var a = An.Account("New Co").StartedOn(started.Year, started.Month, started.Day).Build();

        var nudges = Run(new BookBuilder().With(a).Build(), CheckKind.Onboarding).Nudges;

        Assert.Equal(milestone is null ? [] : [$"onboarding|{a.Id}|{milestone}|csm@example.com"], nudges.Select(n => n.Key));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 1)]
    public void A_snooze_holds_through_its_last_day(int untilDays, int nudged)
    {
        var a = An.Account("Snoozy").RenewsOn(2026, 12, 1).Build();
        var snoozes = new Dictionary<string, Snooze> { [a.Id] = new(a.Id, Today.AddDays(untilDays), null, "csm@example.com", HealthBand.Poor) };

        Assert.Equal(nudged, Run(new BookBuilder().With(a).Build(), CheckKind.Renewals, snoozes: snoozes).Nudges.Count(n => n.Recipient == "csm@example.com"));
    }

    [Fact]
    public void A_card_tells_every_change_of_the_day_in_the_order_decided()
    {
        var (book, before) = Fading();

        var nudge = Assert.Single(Run(book, CheckKind.Engagement, before).Nudges);

        Assert.Matches(@"^Health fell from good to poor \(\d+/100\)\. Nobody at Fading has used the product for 29 days\. Sessions 270 to 0, -100% in 4 weeks\. Why it matters: \$100 MRR\.$",
            nudge.Card.Summary);
    }
}
