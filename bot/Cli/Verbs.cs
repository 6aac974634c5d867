using System.CommandLine;
using SuccessBot.Bench;
using SuccessBot.Ingest;
using SuccessBot.Core.Chat;
using SuccessBot.Core;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;
using SuccessBot.Demo;
using SuccessBot.Host;
using SuccessBot.Import;
using SuccessBot.Slack;
using SuccessBot.Storage;
using SuccessBot.Teams;

namespace SuccessBot.Cli;

/// <summary>The command line of CONTRACT.md: each verb, its arguments and what it prints.</summary>
public static class Verbs
{
    /// <summary>Parses and runs; a word a verb does not take is refused with its name rather than ignored.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        // The root lets the host's own settings through (see Build), and System.CommandLine then lets every verb's
        // stray words through too: only the verbs that say so (serve, demo) take them.
        if (parse.CommandResult.Command is { TreatUnmatchedTokensAsErrors: true } verb && parse.UnmatchedTokens.Count > 0)
        {
            Console.Error.WriteLine($"{verb.Name}: \"{string.Join(' ', parse.UnmatchedTokens)}\" is not something it takes; see {verb.Name} --help.");
            return Task.FromResult(2);
        }
        return parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    public static RootCommand Build()
    {
        var root = new RootCommand("SuccessBot: proactive customer success in Slack, Teams and a local web chat. With no verb: serve.");
        var serve = ServeVerb();
        root.Subcommands.Add(DemoVerb());
        root.Subcommands.Add(serve);
        // No verb means serve; the host's own settings (--urls, --Team:TimeZone=...) pass through.
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((parse, cancel) =>
        {
            if (parse.UnmatchedTokens.FirstOrDefault() is { } first && !first.StartsWith('-'))
            {
                Console.Error.WriteLine($"Unknown verb \"{first}\". Verbs: {string.Join(", ", root.Subcommands.Select(c => c.Name))}; see --help.");
                return Task.FromResult(2);
            }
            return Serve(parse.UnmatchedTokens, null, cancel);
        });
        root.Subcommands.Add(ImportVerb());
        root.Subcommands.Add(AskVerb());
        root.Subcommands.Add(CheckVerb());
        root.Subcommands.Add(BenchVerb());
        root.Subcommands.Add(ManifestVerb());
        return root;
    }

    private static Command ServeVerb()
    {
        var urls = UrlsOption();
        var serve = new Command("serve", "Runs the bot host with the configured store and channels (the default with no verb).") { urls };
        serve.TreatUnmatchedTokensAsErrors = false;
        serve.SetAction((parse, cancel) => Serve(HostArgs(parse, urls), null, cancel));
        return serve;
    }

    private static Command DemoVerb()
    {
        var urls = UrlsOption();
        var seed = new Option<int>("--seed") { Description = "Seed of the generated demo data; the same seed gives the same data.", DefaultValueFactory = _ => 42 };
        var demo = new Command("demo", $"Generates a fresh demo store ({DemoStore.DefaultPath}) and runs the bot host on it, with the local chat.") { urls, seed };
        demo.TreatUnmatchedTokensAsErrors = false;
        demo.SetAction((parse, cancel) =>
        {
            var config = Settings.Load();
            var path = config["Demo:Path"] is { Length: > 0 } p ? p : DemoStore.DefaultPath;
            var today = Settings.Team(config).Today(DateTimeOffset.UtcNow);
            var book = DemoStore.Create(path, parse.GetValue(seed), today);
            Console.WriteLine($"Demo data: {book.Accounts.Count} accounts, {book.Usage.Count:N0} usage days, {book.Nps.Count:N0} NPS answers in {Path.GetFullPath(path)}.");
            Console.WriteLine($"Chat as the manager {book.Manager}, as a CSM ({string.Join(", ", book.Csms)}), or as a customer contact.");
            var managers = config.GetSection("Team:Managers").GetChildren().Count();
            var overrides = new Dictionary<string, string?>
            {
                ["Storage:Path"] = path,
                [$"Team:Managers:{managers}"] = book.Manager,
            };
            foreach (var (plan, seats) in DemoGenerator.PlanSeats) overrides[$"Checks:Health:PlanSeats:{plan}"] = seats.ToString();
            // The demo shows the morning's cards whenever it is started, unless quiet hours are configured.
            overrides["Checks:QuietHours"] = config["Checks:QuietHours"] ?? "off";
            return Serve(HostArgs(parse, urls), overrides, cancel);
        });
        return demo;
    }

    private static Option<string?> UrlsOption() => new("--urls") { Description = $"Where to listen (default {BotHost.DefaultUrl}); ASPNETCORE_URLS works too." };

    private static string[] HostArgs(ParseResult parse, Option<string?> urls) =>
        parse.GetValue(urls) is { } u ? [.. parse.UnmatchedTokens, "--urls", u] : [.. parse.UnmatchedTokens];

    private static async Task<int> Serve(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? overrides, CancellationToken cancel)
    {
        var app = BotHost.Build([.. args], overrides);
        await app.RunAsync(cancel);
        return 0;
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
                    foreach (var error in failed.Errors) Console.Error.WriteLine("  " + TerminalText.Escape(error.ToString()));
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
            // An empty --as would be nobody at all, not the administrator that no --as means.
            if (parse.GetValue(asker) is { } who && string.IsNullOrWhiteSpace(who))
            {
                Console.Error.WriteLine("ask: --as needs the email of the person to answer as (leave --as out to ask as an administrator).");
                return 2;
            }
            using var services = Composition.ForCommandLine(Settings.Load());
            var reply = services.GetRequiredService<ChatBot>().Answer(new IncomingMessage(parse.GetValue(text) ?? "", parse.GetValue(asker)));
            Console.Write(TerminalText.Render(reply));
            return 0;
        });
        return ask;
    }

    private static Command CheckVerb()
    {
        var which = new Argument<string>("CHECK") { Description = "renewals, engagement, onboarding, nps or all." };
        which.AcceptOnlyFromAmong("renewals", "engagement", "onboarding", "nps", "all");
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the nudges it would send and change nothing." };
        var check = new Command("check", "Runs a scheduled check now. Nudges are recorded in the ledger; the running host delivers them within seconds (or at its next start).") { which, dryRun };
        check.SetAction(parse =>
        {
            using var services = Composition.ForCommandLine(Settings.Load());
            var nudges = services.GetRequiredService<NudgeService>();
            var kind = parse.GetValue(which) switch
            {
                "renewals" => CheckKind.Renewals,
                "engagement" => CheckKind.Engagement,
                "onboarding" => CheckKind.Onboarding,
                "nps" => CheckKind.Nps,
                _ => CheckKind.All,
            };
            var dry = parse.GetValue(dryRun);
            var list = dry ? nudges.Preview(kind) : nudges.Check(kind).Nudges;
            Console.WriteLine(dry ? $"Would send {list.Count} nudge(s) today (dry run: nothing recorded or sent):" : $"Recorded {list.Count} new nudge(s); the host delivers them:");
            foreach (var n in list) Console.WriteLine(TerminalText.Escape($"  to {n.Recipient}: {n.Title}: {n.Summary}"));
            if (kind.HasFlag(CheckKind.Nps))
            {
                var surveys = services.GetRequiredService<SurveyService>();
                var due = surveys.DueToday();
                Console.WriteLine(dry ? $"Would send {due.Count} NPS survey(s) today:" : $"Sent {surveys.SendDue()} NPS survey(s) (the host delivers them):");
                foreach (var (account, contact) in due) Console.WriteLine(TerminalText.Escape($"  to {contact} ({account.Name})"));
            }
            return 0;
        });
        return check;
    }

    /// <summary>`manifest slack|teams --base-url URL`: each channel adds its own subcommand.</summary>
    private static Command ManifestVerb()
    {
        var manifest = new Command("manifest", "Writes a chat app's manifest for the public URL of this host.");
        manifest.Subcommands.Add(SlackManifest.Verb());
        manifest.Subcommands.Add(TeamsManifest.Verb());
        return manifest;
    }

    private static Command BenchVerb()
    {
        var part = new Argument<string>("PART") { Description = "import (CSV import and answers), answers (answers only), daily (the daily checks), all of those, slack (signed slash commands through the host), ingest (Segment events over HTTP into the host), or writes (host start, clicks, an import beside the host, memory; the host as its own process).", DefaultValueFactory = _ => "all" };
        part.AcceptOnlyFromAmong(Benchmark.Parts);
        var accounts = new Option<int>("--accounts") { Description = "How many accounts to generate.", DefaultValueFactory = _ => 100_000 };
        var minutes = new Option<int>("--minutes") { Description = "ingest only: a soak instead, posting batches for this many minutes and printing the figures and memory of each.", DefaultValueFactory = _ => 0 };
        var wrk = new Option<int>("--wrk") { Description = "slack only: then SECONDS of signed /churn under wrk -t1 -c8 against the host and each --peer, side by side.", DefaultValueFactory = _ => 0 };
        var peers = new Option<string[]>("--peer") { Description = "slack only: another /churn endpoint to load the same way (the Bolt-js peer, the bare Kestrel floor of ../shared/bench), signed with benchmark-signing-secret.", AllowMultipleArgumentsPerToken = true };
        var bench = new Command("bench", "Measures and prints import speed, answer times, the daily run, signed Slack commands or Segment usage events through the host, over a large generated book (run with -c Release).") { part, accounts, minutes, wrk, peers };
        bench.SetAction((parse, _) => parse.GetValue(part) switch
        {
            "slack" => SlackBenchmark.RunAsync(Console.Out, parse.GetValue(accounts), parse.GetValue(wrk), parse.GetValue(peers)),
            "ingest" => IngestBenchmark.RunAsync(Console.Out, parse.GetValue(accounts), parse.GetValue(minutes)),
            "writes" => WritesBenchmark.RunAsync(Console.Out, parse.GetValue(accounts)),
            var other => Task.FromResult(Benchmark.Run(Console.Out, other!, parse.GetValue(accounts))),
        });
        return bench;
    }
}
