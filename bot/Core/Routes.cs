using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Chat.Handlers;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;

namespace SuccessBot.Core;

/// <summary>How large a book the chat host replays itself (`Backtest:MaxAccountsInChat`); above it `health accuracy` answers from the `backtest` verb's saved figures.</summary>
public sealed record BacktestLimits(int MaxAccountsInChat);

/// <summary>The routing tables with everything they act on: every command and every button, and who handles it.</summary>
/// <param name="backtests">The last backtest `health accuracy` ran, which `health ACCOUNT` and the detractors' cards quote.</param>
public sealed class Routes(INudgeLedger ledger, IAccountActivity activity, ISurveyStore surveyStore, SurveyService surveys,
    CheckOptions checks, NpsOptions nps, IAuditLog audit, TimeProvider clock, Backtest.BacktestMemory backtests, BacktestLimits limits)
{
    private readonly SurveyComments _comments = new(surveyStore, ledger, checks, backtests);

    public CommandRouter Commands() => ChatBot.StandardRoutes()
        .On(new NpsSendHandler(surveys))
        .On(new StopSurveysHandler(surveyStore, audit, clock))
        .On(new HealthHandler(backtests))
        .On(new HealthAccuracyHandler(checks, backtests, limits.MaxAccountsInChat))
        .OnCustomerWords(new SurveyWordsHandler(surveyStore, nps, _comments, clock));

    public ActionRouter Buttons() => new ActionRouter(audit)
        .On(NudgeCards.Snooze, new SnoozeHandler(ledger, activity))
        .On(NudgeCards.LogTouchpoint, new LogTouchpointHandler(ledger, activity))
        .On(NudgeCards.MarkChurned, new MarkChurnedHandler(ledger, activity))
        .On(NudgeCards.Open, new OpenNudgeHandler(ledger))
        .On(SurveyCards.Score, new NpsScoreHandler(surveyStore, nps, ledger, checks, backtests))
        .On(SurveyCards.Comment, new NpsCommentHandler(surveyStore, nps, _comments))
        .On(SurveyCards.OptOut, new NpsOptOutHandler(surveyStore, nps));
}
