using System.CommandLine;
using SuccessBot.Calibration;
using SuccessBot.Core.Backtest;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Language;
using SuccessBot.Core.Nudges;
using SuccessBot.Host;

namespace SuccessBot.Cli;

/// <summary>`backtest` and `calibrate`: how well health and the nudge rules foretold the book's own cancellations, and weights fitted to them.</summary>
public static class BacktestVerbs
{
    /// <summary>What both verbs replay: the store's book, the team's settings as configured now, and the months whose horizon has ended.</summary>
    private sealed record Replaying(BookOfBusiness Book, TeamSettings Team, CheckOptions Checks, BacktestWindow Window, StoreFiles Files, DateOnly Today, Reader Words);

    public static Command Backtest() => Verb("backtest",
        "Replays the history month by month: scores every customer from what was known the day before, applies the rules as configured now, and prints how many of the accounts that cancelled were flagged, how early, and at what cost in alerts. Saves the figures beside the store, where a serving host takes them for its cards and `health accuracy`.",
        r =>
        {
            var report = BacktestMetrics.Of(Replay.Observations(r.Book, r.Window, r.Team, r.Checks), r.Window);
            Console.Write(TerminalText.Render(BacktestAnswer.Of(r.Words, report, r.Team, r.Checks)));
            SavedBacktest.Write(r.Files.Backtest, report, r.Today);
            Console.WriteLine();
            Console.WriteLine(TerminalText.Escape(r.Words["Backtest.Saved", ("path", r.Files.Backtest)]));
            return 0;
        });

    public static Command Calibrate() => Verb("calibrate",
        "Fits the health weights to the history (logistic regression on the components, fitted on the older months and reported on the newer ones), compares precision and recall with today's weights at the same alert volume, and prints the Checks:Health settings to paste. Changes nothing.",
        r =>
        {
            var (result, refusal) = HealthCalibration.Fit(Replay.Observations(r.Book, r.Window, r.Team, r.Checks).ToList(), r.Window, r.Team.Health);
            if (refusal is not null)
            {
                Console.Error.WriteLine($"calibrate: {refusal(r.Words)}");
                return Verbs.Failure;
            }
            // Figures, texts and setting names only: nothing from data that could hold a control character.
            Console.Write(HealthCalibration.Describe(result!, r.Team.Health, r.Words));
            return 0;
        });

    /// <summary>A verb over the store's replay window (`--months`, `--horizon`, `--store`); a book with no month to replay is said and exits 1.</summary>
    private static Command Verb(string name, string description, Func<Replaying, int> run)
    {
        var months = Verbs.WholeNumberOption("--months", "How many months to replay, the most recent whose horizon has ended.", 12, min: 1);
        var horizon = Verbs.WholeNumberOption("--horizon", "Days after a month's start in which a cancellation counts as foretold.", 90, min: 1);
        var store = Verbs.StoreOption();
        var language = Verbs.LanguageOption();
        var verb = new Command(name, description) { months, horizon, store, language };
        verb.SetAction(parse =>
        {
            using var services = Verbs.OpenBook(name, Settings.Load(parse.GetValue(store)));
            if (services is null) return Verbs.Failure;
            var (team, checks) = (services.GetRequiredService<TeamSettings>(), services.GetRequiredService<CheckOptions>());
            var book = services.GetRequiredService<BookReadModel>().Current;
            var today = team.Today(services.GetRequiredService<TimeProvider>().GetUtcNow());
            var window = Replay.Window(book, today, parse.GetValue(months), parse.GetValue(horizon));
            var words = Verbs.ReaderOf(parse, language, team);
            if (window.IsEmpty)
            {
                Console.Error.WriteLine($"{name}: {BacktestAnswer.NothingToReplay(words, window)}");
                return Verbs.Failure;
            }
            return run(new Replaying(book, team, checks, window, services.GetRequiredService<StoreFiles>(), today, words));
        });
        return verb;
    }
}
