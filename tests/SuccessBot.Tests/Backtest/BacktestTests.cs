using SuccessBot.Core.Backtest;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Chat.Handlers;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Backtest;

/// <summary>
/// A book whose history is written to order: steady accounts used every day, and accounts whose sessions decline to nothing
/// over the 60 days before they cancel (or, for the random signal, dip for 60 days at a time that has nothing to do with it).
/// </summary>
public sealed class HistoryBook
{
    public static readonly DateOnly Today = new(2026, 12, 2);
    public static readonly DateOnly UsageFrom = Today.AddDays(-520);
    public static readonly string[] Core = ["reports", "dashboards", "integrations"];

    private readonly BookBuilder _book = new();
    private readonly List<Account> _accounts = [];

    public IReadOnlyList<Account> Accounts => _accounts;

    /// <summary>Used every day from the start of the history with 10 sessions and every core feature, except in <paramref name="quiet"/> days.</summary>
    public Account Steady(string owner, DateOnly? canceledOn = null, Func<DateOnly, double>? quiet = null) => Using(owner, canceledOn, day =>
    {
        var share = quiet?.Invoke(day) ?? 1;
        // Fewer sessions and fewer active days together: the share of the usual use left, squared.
        var sessions = (int)Math.Round(10 * share * share);
        return sessions > 0 ? (sessions, Core) : null;
    });

    /// <summary>An account started in June 2024, used each day of the history as <paramref name="use"/> says (null: not at all), until it cancels.</summary>
    public Account Using(string owner, DateOnly? canceledOn, Func<DateOnly, (int Sessions, string[] Features)?> use)
    {
        var builder = An.Account().OwnedBy(owner).StartedOn(2024, 6, 1);
        if (canceledOn is { } c) builder = builder.CanceledOn(c.Year, c.Month, c.Day, "price");
        Account account = builder;
        _accounts.Add(account);
        _book.With(account);
        for (var day = UsageFrom; day <= Today && (canceledOn is null || day < canceledOn); day = day.AddDays(1))
            if (use(day) is { } used) _book.Used(account, day, used.Sessions, used.Features);
        return account;
    }

    /// <summary>Sessions and active days falling from full to none over the 60 days before <paramref name="canceledOn"/>.</summary>
    public Account DecliningThenCancels(string owner, DateOnly canceledOn) =>
        Steady(owner, canceledOn, day => Decline(day, canceledOn.AddDays(-60), canceledOn));

    /// <summary>The usual use left on <paramref name="day"/> of a 60-day decline from <paramref name="from"/>: 1 before it, 0 at its end.</summary>
    public static double Decline(DateOnly day, DateOnly from, DateOnly to) =>
        day < from ? 1 : Math.Max(0, (double)(to.DayNumber - day.DayNumber) / (to.DayNumber - from.DayNumber));

    public HistoryBook With(Action<BookBuilder> more)
    {
        more(_book);
        return this;
    }

    public BookOfBusiness Build() => _book.Build();
}

public class BacktestTests
{
    private static readonly TeamSettings Team = new() { Texts = SuccessBot.Settings.Texts, Managers = ["boss@example.com"], CoreFeatures = HistoryBook.Core };
    private static readonly CheckOptions Checks = new();
    private static readonly SuccessBot.Core.Language.Reader English = Team.ReaderIn(SuccessBot.Core.Language.Languages.English);
    private static readonly string[] Owners = ["ana@example.com", "ben@example.com", "chloe@example.com"];

    /// <summary>60 accounts that cancel across the year, each after a 60-day decline, and 180 that stay steady.</summary>
    private static BookOfBusiness Planted()
    {
        var history = new HistoryBook();
        // From 5 November 2025 to 27 August 2026: each within 30 days of a month replayed.
        for (var i = 0; i < 60; i++) history.DecliningThenCancels(Owners[i % 3], new DateOnly(2025, 11, 5).AddDays(i * 5));
        for (var i = 0; i < 180; i++) history.Steady(Owners[i % 3]);
        return history.Build();
    }

    [Fact]
    public void The_window_is_the_last_months_whose_horizon_has_ended_and_health_needs_eight_weeks_of_usage_before_each()
    {
        var book = Planted();

        var window = Replay.Window(book, HistoryBook.Today, 12, 90);
        var noUsage = Replay.Window(new HistoryBook().Build(), HistoryBook.Today, 12, 90);

        // 2 December: 1 September is the last month start whose 90 days (to 29 November) have passed.
        Assert.Equal(new DateOnly(2025, 10, 1), window.Months[0]);
        Assert.Equal(new DateOnly(2026, 9, 1), window.Months[^1]);
        Assert.Equal(12, window.Months.Count);
        Assert.Equal(0, window.MonthsLeftOut);
        Assert.True(noUsage.IsEmpty);
        Assert.Contains("no usage history", BacktestAnswer.NothingToReplay(English, noUsage));
    }

    [Fact]
    public void A_history_shorter_than_the_months_asked_replays_what_it_covers_and_says_what_was_left_out()
    {
        var history = new HistoryBook();
        var account = An.Account().OwnedBy(Owners[0]).StartedOn(2024, 6, 1).Build();
        // Usage only from 1 February 2026: the first month with 8 weeks of it before is April.
        var book = history.With(b =>
        {
            for (var day = new DateOnly(2026, 2, 1); day <= HistoryBook.Today; day = day.AddDays(1)) b.Used(account, day, 10, HistoryBook.Core);
            b.With(account);
        }).Build();

        var report = BacktestMetrics.Run(book, HistoryBook.Today, 12, 90, Team, Checks);
        var text = PlainText.Render(BacktestAnswer.Of(English, report, Team, Checks));

        Assert.Equal(new DateOnly(2026, 4, 1), report.Window.Months[0]);
        Assert.Contains("6 of the 12 months asked for are left out: the usage history starts on 2026-02-01", text);
        Assert.Contains("Not meaningful yet: only 0 account(s) cancelled", text);
    }

    [Fact]
    public void Nothing_after_the_day_changes_a_score_computed_for_it()
    {
        var day = new DateOnly(2026, 3, 31);
        var before = Planted();
        DateTimeOffset After(int days) => new(day.AddDays(days).ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
        var accounts = before.Accounts.ToArray();
        // After the day: other usage (none at all for 40 days), detractors, MRR changes, cancellations (one import blanking the
        // renewal date), renewal dates learnt on the cycle the replay assumed, a touchpoint.
        var after = before.Apply(
        [
            new UsageDaysCounted([.. accounts.SelectMany(a => Enumerable.Range(1, 40).Select(d => new UsageDay(a.Id, day.AddDays(d), 0, 0, 0, [])))]),
            new NpsAnswersRecorded([.. accounts.Select(a => new NpsAnswer(a.Id, "ops@customer.example", 0, "awful", After(1)))]),
            new MrrHistoryRecorded([.. accounts.Select(a => new MrrChange(a.Id, day.AddDays(1), 1))]),
            new AccountsImported([.. accounts.Where(a => a.CanceledOn is null).Take(20).Select(a => a with { CanceledOn = day.AddDays(20), ChurnReason = "price", RenewalOn = null })], []),
            new AccountsImported([.. accounts.Where(a => a.CanceledOn is null).Skip(20).Take(20).Select(a => a with { RenewalOn = a.StartedOn.AddYears(3) })], []),
            new TouchpointLogged(new Touchpoint(accounts[0].Id, "call", "after", "ana@example.com", After(2))),
        ]);
        var active = Enumerable.Range(0, before.Count).Where(p => before.HistoryAt(p).Account.IsActiveOn(day)).ToArray();

        foreach (var position in active)
        {
            var then = Replay.HealthOn(before, position, day, Team);
            var now = Replay.HealthOn(after, position, day, Team);
            Assert.Equal((then.Score, then.Band), (now.Score, now.Band));
            Assert.Equal(then.Components.Select(c => $"{c.Name} {c.Score} {c.DetailIn(English)}"), now.Components.Select(c => $"{c.Name} {c.Score} {c.DetailIn(English)}"));
        }
        // The same for every month replayed up to the day: scores and flags, whatever the outcome turned out to be.
        var window = Replay.Window(before, HistoryBook.Today, 12, 90);
        static object[] Scored(IEnumerable<Observation> o) => [.. o.Select(x => (x.Position, x.Start, x.Flags, x.Score, x.Scores))];
        var scored = Scored(Replay.Observations(before, window, Team, Checks).Where(o => o.Start <= day.AddDays(1)));
        Assert.Equal(scored, Scored(Replay.Observations(after, window, Team, Checks).Where(o => o.Start <= day.AddDays(1))));
        Assert.True(scored.Length > 1000, $"{scored.Length} account-months compared");
        // The future was really different: today's health of those accounts is not what it was.
        Assert.NotEqual(Replay.HealthOn(before, active[^1], day.AddDays(30), Team).Score, Replay.HealthOn(after, active[^1], day.AddDays(30), Team).Score);
    }

    [Theory]
    [InlineData("2026-09-15", "2025-10-01", "2026-09-15")]
    [InlineData("2026-09-15", "2025-09-15", "2025-09-15")]
    [InlineData("2026-09-15", "2025-09-10", "2025-09-15")]
    [InlineData("2026-09-15", "2024-07-01", "2024-09-15")]
    [InlineData("2027-09-15", "2025-10-01", "2026-09-15")]
    [InlineData("2025-03-15", "2026-03-31", "2027-03-15")]
    [InlineData("2028-02-29", "2025-03-01", "2026-02-28")]
    [InlineData(null, "2025-10-01", "2026-06-01")]
    public void The_renewal_ahead_on_a_day_is_the_books_renewal_date_stepped_by_whole_years_or_the_starts_anniversary(string? renewalOn, string day, string expected)
    {
        var account = An.Account().StartedOn(2024, 6, 1).Build() with { RenewalOn = renewalOn is null ? null : DateOnly.Parse(renewalOn) };

        Assert.Equal(DateOnly.Parse(expected), Replay.RenewalAsOf(account, DateOnly.Parse(day)));
    }

    [Fact]
    public void Renewals_are_replayed_on_the_cycle_of_the_renewal_date_and_nothing_after_the_day_moves_them()
    {
        // Customers since June 2024 whose contracts renew on 15 November (the book knows the next renewal only), the declining ones
        // cancelled after it; and on the day, 31 October 2025, nothing says when the next renewals will be but the cycle.
        var history = new HistoryBook();
        for (var i = 0; i < 30; i++) history.DecliningThenCancels(Owners[i % 3], new DateOnly(2025, 11, 20).AddDays(i * 3));
        for (var i = 0; i < 60; i++) history.Steady(Owners[i % 3]);
        var built = history.Build();
        var before = built.Apply([new AccountsImported([.. built.Accounts.Select(a => a with { RenewalOn = a.CanceledOn is null ? new DateOnly(2026, 11, 15) : new DateOnly(2025, 11, 15) })], [])]);
        var day = new DateOnly(2025, 10, 31);
        var active = before.Accounts.Where(a => a.IsActiveOn(day)).ToArray();
        // After the day: a third renew (the date moves on a year), a third are known two renewals ahead, a third cancel sooner,
        // their renewal date kept as a churn mark keeps it.
        var after = before.Apply([new AccountsImported([.. active.Select((a, i) => (i % 3) switch
        {
            0 => a with { RenewalOn = a.RenewalOn!.Value.AddYears(1) },
            1 => a with { RenewalOn = a.RenewalOn!.Value.AddYears(2) },
            _ => a.CanceledOn is null ? a.ChurnedOn(day.AddDays(10), "price") : a with { CanceledOn = day.AddDays(5) },
        })], [])]);
        var window = Replay.Window(before, HistoryBook.Today, 12, 90);
        static object[] Scored(IEnumerable<Observation> o) => [.. o.Select(x => (x.Position, x.Start, x.Flags, x.Score, x.Scores))];

        var observed = Replay.Observations(before, window, Team, Checks).ToArray();

        Assert.Equal(Scored(observed.Where(o => o.Start <= day.AddDays(1))), Scored(Replay.Observations(after, window, Team, Checks).Where(o => o.Start <= day.AddDays(1))));
        Assert.Equal(90, active.Length);
        Assert.Equal("renews in 15 days", Replay.HealthOn(before, 0, new DateOnly(2025, 10, 31), Team).Components.Single(c => c.Name == "renewal").DetailIn(English));
        // November 2025: every account not in good health, renewing on the 15th, is flagged for its renewal; those in good health are not.
        var november = observed.Where(o => o.Start == new DateOnly(2025, 11, 1)).ToArray();
        var notGood = november.Where(o => o.Score < Team.Health.GoodFrom).ToArray();
        Assert.True(notGood.Length >= 5, $"{notGood.Length} accounts not in good health");
        Assert.All(notGood, o => Assert.True(o.Has(Signal.RenewalRisk)));
        Assert.All(november.Except(notGood), o => Assert.False(o.Has(Signal.RenewalRisk)));
        // June, the anniversary of the start, is no renewal here.
        Assert.All(observed.Where(o => o.Start == new DateOnly(2026, 6, 1)), o => Assert.Equal(100, o.Scores.Renewal));
        Assert.DoesNotContain(observed, o => o.Start == new DateOnly(2026, 6, 1) && o.Has(Signal.RenewalRisk));
    }

    [Fact]
    public void A_planted_decline_before_every_cancellation_is_recovered_with_a_lead_and_a_lift()
    {
        var report = BacktestMetrics.Run(Planted(), HistoryBook.Today, 12, 90, Team, Checks);
        var any = report[Signal.AnyRule];
        var falling = report[Signal.FallingUsage];

        Assert.True(report.IsMeaningful);
        Assert.Equal(60, report.CanceledAccounts);
        Assert.True(any.Recall >= 0.95, $"any rule recall {any.Recall}");
        Assert.True(falling.Recall >= 0.95, $"falling usage recall {falling.Recall}");
        Assert.True(falling.Lift > 3, $"falling usage lift {falling.Lift}");
        Assert.InRange(falling.MedianLeadDays!.Value, 5, 60);
        // Steady accounts are never told they are falling; the detractor rule has no answers to go on.
        Assert.Equal(falling.Flagged, falling.FlaggedThenCanceled);
        Assert.Equal(0, report[Signal.Detractor].Flagged);
        var text = PlainText.Render(BacktestAnswer.Of(English, report, Team, Checks));
        Assert.Contains($"it would have seen {any.CanceledFlagged} of the 60 accounts that cancelled coming", text);
        Assert.DoesNotContain("Not meaningful", text);
    }

    [Fact]
    public void A_dip_that_has_nothing_to_do_with_cancelling_has_a_lift_near_one()
    {
        var random = new Random(19);
        var history = new HistoryBook();
        // Every account dips for 60 days once, at a random time; a quarter of them cancel at a random time of their own.
        for (var i = 0; i < 400; i++)
        {
            var dip = HistoryBook.UsageFrom.AddDays(70 + random.Next(380));
            DateOnly? canceled = random.NextDouble() < 0.25 ? new DateOnly(2025, 10, 1).AddDays(random.Next(420)) : null;
            history.Steady(Owners[i % 3], canceled, day => day >= dip && day < dip.AddDays(60) ? 0.3 : 1);
        }

        var report = BacktestMetrics.Run(history.Build(), HistoryBook.Today, 12, 90, Team, Checks);
        var falling = report[Signal.FallingUsage];

        Assert.True(report.CanceledAccounts >= 60, $"{report.CanceledAccounts} cancelled");
        Assert.True(falling.Flagged > 100, $"{falling.Flagged} flags");
        Assert.InRange(falling.Lift!.Value, 0.6, 1.5);
    }

    [Fact]
    public void The_figures_of_hand_made_observations_are_the_ones_worked_out_by_hand()
    {
        var (jan, feb) = (new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 1));
        var window = new BacktestWindow([jan, feb], 90, jan.AddDays(-100), 2, 0);
        uint Flags(params Signal[] signals)
        {
            var bits = signals.Aggregate(0u, (all, signal) => all | Replay.Bit(signal));
            return bits == 0 ? 0 : bits | Replay.Bit(Signal.AnyRule);
        }
        Observation O(int position, DateOnly start, string owner, DateOnly? canceled, params Signal[] signals) =>
            new(position, start == jan ? 0 : 1, start, owner, canceled, canceled is { } c && c >= start && c < start.AddDays(90), Flags(signals), default, 50);
        var (p0Gone, p1Gone) = (new DateOnly(2026, 3, 15), new DateOnly(2026, 2, 20));
        Observation[] observations =
        [
            O(0, jan, "a@x.example", p0Gone, Signal.FallingUsage), O(0, feb, "a@x.example", p0Gone, Signal.FallingUsage, Signal.PoorBand),
            O(1, jan, "a@x.example", p1Gone), O(1, feb, "a@x.example", p1Gone, Signal.PoorBand),
            O(2, jan, "b@x.example", null, Signal.FallingUsage), O(2, feb, "b@x.example", null),
            O(3, jan, "b@x.example", null), O(3, feb, "b@x.example", null, Signal.PoorBand),
        ];

        var report = BacktestMetrics.Of(observations, window);

        // 8 account-months, 4 of them followed by a cancellation: a base rate of 50%. 2 CSMs over 59 days.
        Assert.Equal((4, 8, 4, 2, 2), (report.Accounts, report.Observations, report.CanceledObservations, report.CanceledAccounts, report.Csms));
        Assert.Equal(0.5, report.BaseRate);
        // Falling usage: 3 flags, 2 then cancelled; of the 2 accounts that left, account 0 was flagged from 1 January, 73 days ahead.
        Assert.Equal("falling usage (sessions down 30% in 4 weeks): recall 50% (1 of the cancelled), 73 days ahead on median; precision 67% (2 of 3 flags), lift 1.3x; 0.2 flags per CSM a week",
            BacktestAnswer.Line(English, report[Signal.FallingUsage], Team.Health, Checks));
        // Poor band: both leavers flagged on 1 February, 42 and 19 days ahead: a median of 30.5.
        var poor = report[Signal.PoorBand];
        Assert.Equal((3, 2, 2, 1.0, 30.5), (poor.Flagged, poor.FlaggedThenCanceled, poor.CanceledFlagged, poor.Recall!.Value, poor.MedianLeadDays!.Value));
        Assert.Equal(3 / 2.0 / (59 / 7.0), poor.AlertsPerCsmWeek, 9);
        var any = report[Signal.AnyRule];
        Assert.Equal((5, 3, 2), (any.Flagged, any.FlaggedThenCanceled, any.CanceledFlagged));
        Assert.Equal((5, 3, 2, 46.0), (any.Flagged, any.FlaggedThenCanceled, any.CanceledFlagged, any.MedianLeadDays!.Value));
    }

    [Fact]
    public void Fewer_than_twenty_cancellations_are_said_to_be_not_meaningful_and_why()
    {
        var history = new HistoryBook();
        for (var i = 0; i < 12; i++) history.DecliningThenCancels(Owners[i % 3], new DateOnly(2026, 1, 10).AddDays(i * 10));
        for (var i = 0; i < 30; i++) history.Steady(Owners[i % 3]);

        var text = PlainText.Render(BacktestAnswer.Of(English, BacktestMetrics.Run(history.Build(), HistoryBook.Today, 12, 90, Team, Checks), Team, Checks));

        Assert.Contains("Not meaningful yet: only 12 account(s) cancelled within 90 days of a month replayed. With fewer than 20, one cancellation more or less moves recall by 5 points or more.", text);
    }

    private static Reply Ask(BookOfBusiness book, string? who, string text)
    {
        var routes = ChatBot.StandardRoutes().On(new HealthAccuracyHandler(Checks));
        var bot = new ChatBot(new StaticBook(book), Team, new FixedClock(new DateTimeOffset(HistoryBook.Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero)), routes, new ActionRouter());
        return bot.Answer(new IncomingMessage(text, who));
    }

    private sealed class StaticBook(BookOfBusiness book) : IBookSource { public BookOfBusiness Current => book; }

    [Fact]
    public void A_manager_asks_health_accuracy_in_chat_and_reads_the_backtest_and_a_csm_is_refused()
    {
        var book = Planted();

        var manager = Ask(book, "boss@example.com", "how is the health accuracy?");
        var csm = Ask(book, Owners[0], "health accuracy");
        var managerHelp = PlainText.Render(Ask(book, "boss@example.com", "help"));
        var csmHelp = PlainText.Render(Ask(book, Owners[0], "help"));

        Assert.Equal("Health accuracy · 12 months from Oct 2025 to Sep 2026 · 90-day horizon · all accounts", manager.Title);
        Assert.StartsWith("Had the team followed the alerts, it would have seen", manager.Summary);
        Assert.Contains(manager.Sections, s => s.Heading == "Rules" && s.Lines.Any(l => l.StartsWith("falling usage (sessions down 30% in 4 weeks): recall ")));
        Assert.Contains(manager.Sections, s => s.Heading == "Baseline" && s.Lines.Single().StartsWith("sessions fell 30% in 4 weeks: recall "));
        Assert.True(csm.IsRefusal);
        Assert.Equal("Health accuracy is for managers", csm.Title);
        Assert.Contains("`health accuracy`", managerHelp);
        Assert.DoesNotContain("health accuracy", csmHelp);
    }

    /// <summary>60 accounts that declined before they cancelled, 60 steady ones, and one whose usage is falling today; a chat bot whose `health accuracy` keeps its backtest.</summary>
    private static (BookOfBusiness Book, Account Fading, BacktestMemory Memory, ChatBot Bot) FadingAfterAYearOfCancellations()
    {
        var history = new HistoryBook();
        for (var i = 0; i < 60; i++) history.DecliningThenCancels(Owners[i % 3], new DateOnly(2025, 11, 5).AddDays(i * 5));
        for (var i = 0; i < 60; i++) history.Steady(Owners[i % 3]);
        var fading = history.Steady(Owners[0], quiet: day => HistoryBook.Decline(day, HistoryBook.Today.AddDays(-30), HistoryBook.Today.AddDays(30)));
        var book = history.Build();
        var memory = new BacktestMemory();
        var routes = ChatBot.StandardRoutes().On(new HealthHandler(memory)).On(new HealthAccuracyHandler(Checks, memory));
        var bot = new ChatBot(new StaticBook(book), Team, new FixedClock(new DateTimeOffset(HistoryBook.Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero)), routes, new ActionRouter());
        return (book, fading, memory, bot);
    }

    [Fact]
    public void After_a_backtest_health_of_an_account_says_how_often_the_rule_that_flags_it_was_right()
    {
        var (_, fading, _, bot) = FadingAfterAYearOfCancellations();

        var before = bot.Answer(new IncomingMessage("health " + fading.Name, "boss@example.com"));
        bot.Answer(new IncomingMessage("health accuracy", "boss@example.com"));
        var after = bot.Answer(new IncomingMessage("health " + fading.Name, Owners[0]));

        Assert.DoesNotContain(before.Facts, f => f.Label == "Usage falling");
        var record = Assert.Single(after.Facts, f => f.Label == "Usage falling").Value;
        Assert.Matches(@"^in the last backtest \(Oct 2025 to Sep 2026\) this rule flagged 100% of the accounts that later cancelled, \d+ days ahead on median; 100% of its flags were followed by a cancellation within 90 days$", record);
    }

    [Fact]
    public void After_health_accuracy_the_checks_card_quotes_the_same_record_as_health_of_the_account()
    {
        var (book, fading, memory, bot) = FadingAfterAYearOfCancellations();
        CheckResult Check() => NudgeChecks.Run(new CheckInputs(book, HistoryBook.Today, Team, Checks, new Dictionary<string, AccountSignals>(), new Dictionary<string, Snooze>())
            { Records = memory.Records }, CheckKind.Engagement);

        var before = Check().Nudges.Single(n => n.AccountId == fading.Id).Card;
        bot.Answer(new IncomingMessage("health accuracy", "boss@example.com"));
        var health = bot.Answer(new IncomingMessage("health " + fading.Name, Owners[0]));
        var card = Check().Nudges.Single(n => n.AccountId == fading.Id).Card;

        Assert.Equal("Usage falling · " + fading.Name, card.Title);
        Assert.DoesNotContain(before.Facts, f => RuleRecords.IsRecord(English, f));
        Assert.Equal(Assert.Single(health.Facts, f => f.Label == "Usage falling").Value, Assert.Single(card.Facts, f => f.Label == "Usage falling").Value);
    }

    [Fact]
    public void A_book_too_large_for_the_chat_host_is_pointed_to_the_verb()
    {
        var book = new BookBuilder().With(Enumerable.Range(0, HealthAccuracyHandler.MaxAccounts + 1).Select(_ => An.Account().Build())).Build();

        var reply = Ask(book, null, "health accuracy");

        Assert.True(reply.IsRefusal);
        Assert.Contains("The book has 20,001 accounts", reply.Summary);
        Assert.Contains("`backtest --months 12 --horizon 90`", reply.Note);
    }
}
