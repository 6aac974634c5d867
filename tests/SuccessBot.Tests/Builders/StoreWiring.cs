using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SuccessBot.Core;
using SuccessBot.Core.Backtest;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;
using SuccessBot.Host;
using SuccessBot.Storage;

namespace SuccessBot.Tests.Builders;

/// <summary>The core's services over one real store, each port given its own small store, as the composition root does.</summary>
public static class StoreWiring
{
    /// <param name="daily">`Storage:UsageHistoryDays` (default 456), counted back from <paramref name="clock"/>'s today in UTC.</param>
    public static BookReadModel ReadModel(this LiteDbStore store, ILogger<BookReadModel>? log = null, DailyUsage? daily = null, TimeProvider? clock = null) =>
        new(store.Book, store, new StoreFiles(store.Path), daily ?? new DailyUsage(DailyUsage.DefaultDays), new TeamSettings { Texts = SuccessBot.Settings.Texts }, clock ?? TimeProvider.System, log ?? NullLogger<BookReadModel>.Instance);

    public static NudgeService Nudges(this LiteDbStore store, IBookSource books, TeamSettings team, CheckOptions options, TimeProvider clock, IEnumerable<IChatChannel> channels,
        BacktestMemory? backtests = null) =>
        new(books, store.Ledger, store.Activity, store.Surveys, team, options, clock, channels, backtests);

    public static SurveyService SurveyService(this LiteDbStore store, IBookSource books, TeamSettings team, NpsOptions nps, TimeProvider clock) =>
        new(books, store.Surveys, store.Ledger, store.Audit, team, nps, clock);

    public static Routes Routes(this LiteDbStore store, SurveyService surveys, CheckOptions checks, NpsOptions nps, TimeProvider clock, BacktestMemory? backtests = null) =>
        new(store.Ledger, store.Activity, store.Surveys, surveys, checks, nps, store.Audit, clock, backtests ?? new(), new BacktestLimits(SuccessBot.Core.Chat.Handlers.HealthAccuracyHandler.MaxAccounts));
}
