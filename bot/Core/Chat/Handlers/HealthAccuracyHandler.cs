using SuccessBot.Core.Backtest;
using SuccessBot.Core.Nudges;

namespace SuccessBot.Core.Chat.Handlers;

/// <summary>
/// `health accuracy`: the backtest of the last 12 months with a 90-day horizon, for managers (it reads the whole team's
/// history). A book larger than <see cref="MaxAccounts"/> is left to the `backtest` verb, which has the machine to itself.
/// </summary>
public sealed class HealthAccuracyHandler(CheckOptions checks, BacktestMemory? memory = null) : IChatCommandHandler<HealthAccuracyCommand>
{
    public const int Months = 12, HorizonDays = 90;

    /// <summary>Above this many accounts the replay takes seconds of both cores: more than a chat answer should hold the host for.</summary>
    public const int MaxAccounts = 20_000;

    // The last answer, for the book version and day it was computed on: a version never changes, so neither does its backtest.
    private sealed record Kept(Domain.BookOfBusiness Book, DateOnly Today, Reply Reply);
    private volatile Kept? _last;

    public Reply Handle(HealthAccuracyCommand command, AskContext context)
    {
        if (!context.Asker.SeesWholeTeam)
            return Reply.Refusal("Health accuracy is for managers",
                "`health accuracy` replays the whole team's history, so it is for managers (`Team:Managers`).",
                "For your own accounts, `at-risk` lists the accounts the alerts flag today, and `health ACCOUNT` shows what drives one.");
        if (context.Book.Count > MaxAccounts)
            return Reply.Refusal("Health accuracy · run it at the command line",
                $"The book has {Format.Count(context.Book.Count)} accounts; a replay of more than {Format.Count(MaxAccounts)} is not run inside the chat host.",
                $"Run `backtest --months {Months} --horizon {HorizonDays}` on the server (it reads the same store and prints the same figures).");
        if (_last is { } last && ReferenceEquals(last.Book, context.Book) && last.Today == context.Today) return last.Reply;
        var report = BacktestMetrics.Run(context.Book, context.Today, Months, HorizonDays, context.Team, checks);
        // The rules' record, for `health ACCOUNT` to quote (a replay with nothing in it has nothing to say).
        if (!report.Window.IsEmpty) memory?.Keep(report);
        var reply = BacktestAnswer.Of(report, context.Team, checks);
        _last = new Kept(context.Book, context.Today, reply);
        return reply;
    }
}
