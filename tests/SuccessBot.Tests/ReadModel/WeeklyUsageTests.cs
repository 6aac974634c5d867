using Microsoft.Extensions.Time.Testing;
using SuccessBot.Core.Backtest;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Host;
using SuccessBot.Storage;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.ReadModel;

/// <summary>`Storage:UsageHistoryDays`: usage older than that is kept a row per week, and everything that reads recent usage reads the same.</summary>
public class WeeklyUsageTests : IDisposable
{
    // A Friday; the Monday on or before 100 days earlier is 2026-08-10.
    private static readonly DateOnly Today = new(2026, 11, 20);
    private static readonly DateOnly Monday = new(2026, 8, 10);
    private readonly TempFolder _folder = new();
    private readonly LiteDbStore _store;
    private readonly ListLogger<BookReadModel> _log = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));

    public WeeklyUsageTests()
    {
        _store = new LiteDbStore(_folder.Store);
        _store.Book.UpsertAccounts([An.Account("ACME").Id("acme").StartedOn(2025, 11, 20)], Today);
        // Every day for 200 days: 3 users and 2 sessions a day, and 9 users once, in the week of 2026-06-01; dashboards (a core feature) on Wednesdays only.
        _store.Book.UpsertUsage(Enumerable.Range(1, 200).Select(back => Today.AddDays(-back))
            .Select(d => new UsageDay("acme", d, d == new DateOnly(2026, 6, 3) ? 9 : 3, 2, 10, d.DayOfWeek == DayOfWeek.Wednesday ? ["search", "dashboards"] : ["search"])).ToArray());
    }

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private BookReadModel Started(int days = 100)
    {
        var model = _store.ReadModel(_log, new DailyUsage(days), _clock);
        model.Load();
        return model;
    }

    [Fact]
    public void Usage_before_the_daily_days_is_kept_a_row_per_week_with_its_first_day_most_users_summed_counts_and_every_feature()
    {
        var book = Started().Current;
        var position = book.PositionOf(book.Find("acme")!);
        var weeks = book.WeeksAt(position).ToArray();
        var days = book.UsageAt(position).ToArray();

        Assert.Equal(Monday, book.DailyFrom);
        Assert.Equal(Monday, days[0].Date);
        Assert.Equal(Today.AddDays(-1), days[^1].Date);
        // 200 days back is Monday 2026-05-04: 14 whole weeks up to the Monday the daily usage starts on.
        Assert.Equal(14, weeks.Length);
        Assert.Equal(Enumerable.Range(0, 14).Select(w => new DateOnly(2026, 5, 4).AddDays(7 * w)), weeks.Select(w => w.Date));
        Assert.All(weeks, w => Assert.Equal((14, 70), (w.Sessions, w.Minutes)));
        var june = weeks.Single(w => w.Date == new DateOnly(2026, 6, 1));
        Assert.Equal(9, june.ActiveUsers);
        Assert.Equal(3, weeks.Single(w => w.Date == new DateOnly(2026, 6, 8)).ActiveUsers);
        Assert.Equal(["dashboards", "search"], book.FeaturesOf(june).Order(StringComparer.Ordinal));
        Assert.Equal(200, weeks.Sum(w => w.Sessions) / 2 + days.Length);
    }

    [Fact]
    public void Health_and_time_to_value_read_the_same_with_older_usage_kept_by_the_week()
    {
        var rolled = Started().Current;
        var daily = Started(days: 400).Current;
        var team = new TeamSettings { Texts = SuccessBot.Settings.Texts };
        HealthReport Of(BookOfBusiness book) => Health.Assess(book, book.Find("acme")!, Today, team.CoreFeatures, team.Health);
        var core = team.CoreFeatures.ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.True(daily.DailyFrom < Today.AddDays(-200));
        Assert.Equal(0, daily.WeeksAt(0).Length);
        Assert.Equal(Of(daily).Score, Of(rolled).Score);
        Assert.Equal(Of(daily).Facts, Of(rolled).Facts);
        // The first use of a core feature (dashboards, on Wednesday 2026-05-06) falls in a rolled week: its week's first day of use stands for it.
        Assert.Equal(new DateOnly(2026, 5, 6), ValueMetrics.FirstValueOn(daily, 0, core));
        Assert.Equal(new DateOnly(2026, 5, 4), ValueMetrics.FirstValueOn(rolled, 0, core));
        Assert.Equal(Today.AddDays(-200), ValueMetrics.UsageStartsOn(rolled));
    }

    [Fact]
    public void A_new_week_rolls_one_more_week_up_and_the_snapshot_keeps_the_weeks()
    {
        var model = Started();
        var before = model.Current.WeeksAt(0).Length;

        _clock.Advance(TimeSpan.FromDays(7));
        model.Refresh();
        model.WriteSnapshot();
        var again = Started();

        Assert.Equal(Monday.AddDays(7), model.Current.DailyFrom);
        Assert.Equal(before + 1, model.Current.WeeksAt(0).Length);
        Assert.Equal((Monday, 14), (model.Current.WeeksAt(0)[^1].Date, model.Current.WeeksAt(0)[^1].Sessions));
        Assert.Equal(Monday.AddDays(7), again.Current.DailyFrom);
        Assert.Equal(model.Current.WeeksAt(0).ToArray(), again.Current.WeeksAt(0).ToArray());
        Assert.Equal(model.Current.UsageAt(0).ToArray(), again.Current.UsageAt(0).ToArray());
        Assert.Contains(_log.Lines, l => l.Contains("from its snapshot"));
    }

    [Fact]
    public void Usage_written_for_a_rolled_week_loads_the_book_again_and_is_counted_once()
    {
        var model = Started();
        var week = new DateOnly(2026, 6, 8);

        _store.Book.UpsertUsage([new UsageDay("acme", week.AddDays(2), 5, 30, 10, ["search"]), new UsageDay("acme", Today, 1, 1, 1, ["search"])]);
        model.Refresh();
        model.Refresh();

        var rolled = model.Current.WeeksAt(0).ToArray().Single(w => w.Date == week);
        Assert.Equal(14 - 2 + 30, rolled.Sessions);
        Assert.Equal(5, rolled.ActiveUsers);
        Assert.Equal(Today, model.Current.UsageAt(0)[^1].Date);
        Assert.Contains(_log.Lines, l => l.Contains("is before 2026-08-10, from which the book keeps usage daily") && l.Contains("loaded again"));
    }

    [Fact]
    public void A_backtest_says_its_months_are_left_out_because_older_usage_is_kept_by_the_week()
    {
        var window = Replay.Window(Started().Current, Today, months: 12, horizonDays: 10);
        var answer = BacktestAnswer.Of(new SuccessBot.Core.Language.Reader(SuccessBot.Settings.Texts, SuccessBot.Core.Language.Languages.English), new BacktestReport(window, 1, 1, 0, 0, 1, 1, Enum.GetValues<Signal>().Select(s => new SignalFigures(s, 0, 0, 0, null, null, null, null, 0)).ToArray()), new TeamSettings { Texts = SuccessBot.Settings.Texts }, new Core.Nudges.CheckOptions());

        Assert.True(window.OlderUsageWeekly);
        Assert.Contains("11 of the 12 months asked for are left out: daily usage is kept from 2026-08-10 (`Storage:UsageHistoryDays`; older usage is kept by the week, which the replay cannot score)", answer.Note);
    }

    [Fact]
    public void The_setting_is_read_and_a_value_below_the_twelve_weeks_is_refused()
    {
        var config = new Microsoft.Extensions.Configuration.ConfigurationBuilder();
        Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(config, new Dictionary<string, string?> { ["Storage:UsageHistoryDays"] = "30", ["Storage:Path"] = _folder.Store });

        var refused = Assert.Throws<InvalidSettingException>(() => { using var _ = Composition.ForCommandLine(config.Build(), loadBook: false); });

        Assert.Equal("Storage:UsageHistoryDays: \"30\" is not a whole number of 84 or more.", refused.Message);
    }
}
