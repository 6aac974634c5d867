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

    // The last answer, for the book version, day and language it was computed in: a version never changes, so neither does its backtest.
    private sealed record Kept(Domain.BookOfBusiness Book, DateOnly Today, string Language, Reply Reply);
    private volatile Kept? _last;

    public Reply Handle(HealthAccuracyCommand command, AskContext context)
    {
        var w = context.Reader;
        if (!context.Asker.SeesWholeTeam)
            return Reply.Refusal(w["Accuracy.ManagersTitle"], w["Accuracy.Managers"], w["Accuracy.ManagersNote"]);
        if (context.Book.Count > maxAccounts)
        {
            (string, object?)[] run = [("months", Months.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("horizon", HorizonDays.ToString(System.Globalization.CultureInfo.InvariantCulture))];
            if (memory is { Last: { } saved, SavedOn: { } on })
            {
                var answer = BacktestAnswer.Of(w, saved, context.Team, checks);
                return answer with { Note = w["Accuracy.FromRun", ("date", on), ("max", w.Count(maxAccounts)), ("rerun", w["Accuracy.Rerun", run]), ("note", answer.Note)] };
            }
            return Reply.Refusal(w["Accuracy.TooLargeTitle"], w["Accuracy.TooLarge", ("accounts", w.Count(context.Book.Count)), ("max", w.Count(maxAccounts))], w["Accuracy.TooLargeNote", run]);
        }
        if (_last is { } last && ReferenceEquals(last.Book, context.Book) && last.Today == context.Today && last.Language == w.Culture.Name) return last.Reply;
        var report = BacktestMetrics.Run(context.Book, context.Today, Months, HorizonDays, context.Team, checks);
        // The rules' record, for `health ACCOUNT` to quote (a replay with nothing in it has nothing to say).
        if (!report.Window.IsEmpty) memory?.Keep(report);
        var reply = BacktestAnswer.Of(w, report, context.Team, checks);
        _last = new Kept(context.Book, context.Today, w.Culture.Name, reply);
        return reply;
    }
}
