using SuccessBot.Core.Backtest;
using SuccessBot.Core.Nudges;

namespace SuccessBot.Core.Chat.Handlers;

/// <summary>
/// `health accuracy`: the backtest of the last 12 months with a 90-day horizon, for managers (it reads the whole team's
/// history). A book larger than <paramref name="maxAccounts"/> is left to the `backtest` verb, which has the machine to itself
/// and saves its figures beside the store: they are answered from there, with the day they were computed.
/// </summary>
/// <param name="maxAccounts">Above this many accounts the replay takes seconds of both cores: more than a chat answer should hold the host for.</param>
public sealed class HealthAccuracyHandler(CheckOptions checks, BacktestMemory? memory = null, int maxAccounts = HealthAccuracyHandler.MaxAccounts) : IChatCommandHandler<HealthAccuracyCommand>
{
    public const int Months = 12, HorizonDays = 90;

    /// <summary>The default of `Backtest:MaxAccountsInChat`.</summary>
    public const int MaxAccounts = 20_000;

    // The last answer, for the book version and day it was computed on: a version never changes, so neither does its backtest.
    private sealed record Kept(Domain.BookOfBusiness Book, DateOnly Today, Reply Reply);
    private volatile Kept? _last;

    public Reply Handle(HealthAccuracyCommand command, AskContext context)
    {
        if (!context.Asker.SeesWholeTeam)
            return Reply.Refusal(context.Reader["Accuracy.ManagersTitle"], context.Reader["Accuracy.Managers"], context.Reader["Accuracy.ManagersNote"]);
        if (context.Book.Count > maxAccounts)
        {
            var rerun = $"`backtest --months {Months} --horizon {HorizonDays}` on the server reads the same store, prints the same figures and saves them here.";
            if (memory is { Last: { } saved, SavedOn: { } on })
            {
                var answer = BacktestAnswer.Of(saved, context.Team, checks);
                return answer with { Note = $"From the `backtest` run on {Format.Day(on)} (a book of more than {Format.Count(maxAccounts)} accounts is not replayed inside the chat host; {rerun}) {answer.Note}" };
            }
            return Reply.Refusal("Health accuracy · run it at the command line",
                $"The book has {Format.Count(context.Book.Count)} accounts; a replay of more than {Format.Count(maxAccounts)} is not run inside the chat host.",
                $"Run {rerun}");
        }
        if (_last is { } last && ReferenceEquals(last.Book, context.Book) && last.Today == context.Today) return last.Reply;
        var report = BacktestMetrics.Run(context.Book, context.Today, Months, HorizonDays, context.Team, checks);
        // The rules' record, for `health ACCOUNT` to quote (a replay with nothing in it has nothing to say).
        if (!report.Window.IsEmpty) memory?.Keep(report);
        var reply = BacktestAnswer.Of(report, context.Team, checks);
        _last = new Kept(context.Book, context.Today, reply);
        return reply;
    }
}
