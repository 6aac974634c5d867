using System.CommandLine;
using SuccessBot.Bench;
using SuccessBot.Core.Chat;
using SuccessBot.Import;
using SuccessBot.Storage;

namespace SuccessBot.Cli;

/// <summary>The command line of CONTRACT.md: each verb, its arguments and what it prints.</summary>
public static class Verbs
{
    public static RootCommand Build()
    {
        var root = new RootCommand("SuccessBot: proactive customer success in Slack, Teams and a local web chat.");
        root.Subcommands.Add(ImportVerb());
        root.Subcommands.Add(AskVerb());
        root.Subcommands.Add(BenchVerb());
        return root;
    }

    private static Command ImportVerb()
    {
        var import = new Command("import", "Adds or updates data from a CSV file; all rows or none.");
        foreach (var (kind, description) in new[]
        {
            ("accounts", $"Accounts: {string.Join(", ", Importers.AccountColumns)} required; plan, renewal_on, canceled_on, churn_reason, contact_emails, slack_channel_id, teams_conversation_id, segment optional."),
            ("usage", $"Daily usage: {string.Join(", ", Importers.UsageColumns)} required; features (;-separated keys) optional."),
            ("nps", $"NPS answers: {string.Join(", ", Importers.NpsColumns)} required; comment optional."),
        })
        {
            var file = new Argument<string>("FILE") { Description = "The CSV file (header row, any column order)." };
            var verb = new Command(kind, description) { file };
            verb.SetAction(parse =>
            {
                var config = Settings.Load();
                var path = parse.GetValue(file)!;
                try
                {
                    // Reading and checking the file comes first: a bad file never opens the store.
                    using var store = new LiteDbStore(Settings.StoragePath(config));
                    var today = Settings.Team(config).Today(DateTimeOffset.UtcNow);
                    var report = kind switch
                    {
                        "accounts" => Importers.ImportAccounts(store, path, today),
                        "usage" => Importers.ImportUsage(store, path),
                        _ => Importers.ImportNps(store, path),
                    };
                    Console.WriteLine(report);
                    Console.WriteLine($"Stored in {store.Path}.");
                    return 0;
                }
                catch (ImportFailed failed)
                {
                    Console.Error.WriteLine($"Nothing was imported: {failed.Errors.Count}{(failed.Errors.Count >= CsvTable.MaxErrors ? "+" : "")} problem(s) in {Path.GetFileName(path)}.");
                    foreach (var error in failed.Errors) Console.Error.WriteLine("  " + error);
                    return 1;
                }
            });
            import.Subcommands.Add(verb);
        }
        return import;
    }

    private static Command AskVerb()
    {
        var text = new Argument<string>("TEXT") { Description = "What to ask, as in chat: \"churn last month\", \"health ACME\", \"help\"." };
        var asker = new Option<string?>("--as") { Description = "Answer as this person (their email) would be answered in chat; without it, as an administrator." };
        var ask = new Command("ask", "Answers TEXT exactly as the chat would, as plain text.") { text, asker };
        ask.SetAction(parse =>
        {
            var config = Settings.Load();
            using var store = new LiteDbStore(Settings.StoragePath(config));
            var bot = new ChatBot(new StaticBookSource(store.LoadBook()), Settings.Team(config), TimeProvider.System);
            var reply = bot.Answer(new IncomingMessage(parse.GetValue(text) ?? "", parse.GetValue(asker)));
            Console.Write(PlainText.Render(reply));
            return 0;
        });
        return ask;
    }

    private static Command BenchVerb()
    {
        var accounts = new Option<int>("--accounts") { Description = "How many accounts to generate.", DefaultValueFactory = _ => 100_000 };
        var answersOnly = new Option<bool>("--answers-only") { Description = "Skip the import: time the answers over the generated book directly." };
        var bench = new Command("bench", "Measures import speed and answer times over a large generated book (run with -c Release).") { accounts, answersOnly };
        bench.SetAction(parse => Benchmark.Run(Console.Out, parse.GetValue(accounts), parse.GetValue(answersOnly)));
        return bench;
    }
}
