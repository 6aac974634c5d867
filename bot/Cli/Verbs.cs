using SuccessBot.Core.Storage;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using SuccessBot.Bench;
using SuccessBot.Ingest;
using SuccessBot.Core.Audit;
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

/// <summary>The command line of CONTRACT.md: each verb, its arguments and what it prints. Usage errors exit 2, failures 1.</summary>
public static class Verbs
{
    public const int UsageError = 2;
    public const int Failure = 1;

    /// <summary>Parses and runs; a word a verb does not take is refused with its name rather than ignored.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        // A missing argument, a value that does not convert, a choice not offered: a usage error, said without a stack of help.
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine(error.Message);
            var words = PathOf(parse.CommandResult);
            Console.Error.WriteLine(words.Length == 0 ? "See --help." : $"See {words} --help.");
            return Task.FromResult(UsageError);
        }
        // The root lets the host's own settings through (see Build), and System.CommandLine then lets every verb's
        // stray words through too: only the verbs that say so (serve, demo) take them.
        if (parse.CommandResult.Command is { TreatUnmatchedTokensAsErrors: true } verb && parse.UnmatchedTokens.Count > 0)
        {
            Console.Error.WriteLine($"{verb.Name}: \"{string.Join(' ', parse.UnmatchedTokens)}\" is not something it takes; see {PathOf(parse.CommandResult)} --help.");
            return Task.FromResult(UsageError);
        }
        return InvokeAsync(parse);
    }

    private static async Task<int> InvokeAsync(ParseResult parse)
    {
        try
        {
            // The host stops itself on SIGTERM or Ctrl+C within its own shutdown timeout; System.CommandLine's handler would end the
            // process 2 s after the signal, before in-flight requests, the usage checkpoint and the snapshot were done.
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (SuccessBot.Storage.Postgres.StoreUnreachable down)
        {
            // A verb on a database that is down, or that refuses the login: which connection and why, in one line.
            Console.Error.WriteLine($"Storage: {down.Message}");
            return Failure;
        }
    }

    /// <summary>The words that name a verb, as typed: `import accounts`; empty for the program itself.</summary>
    private static string PathOf(CommandResult result)
    {
        var names = new List<string>();
        for (var at = result; at.Command is not RootCommand; at = (CommandResult)at.Parent!) names.Insert(0, at.Command.Name);
        return string.Join(' ', names);
    }

    /// <summary>An option that takes a whole number of at least <paramref name="min"/>, and says so when given anything else.</summary>
    public static Option<int> WholeNumberOption(string name, string description, int fallback, int min = int.MinValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min) return n;
            result.AddError($"{name}: \"{TerminalText.Escape(text)}\" is not a whole number{(min > int.MinValue ? $" of {min} or more" : "")}.");
            return fallback;
        },
    };

    /// <summary>`--store PATH` of `ask`, `check` and `import`: the LiteDB file to use instead of Storage:Path.</summary>
    internal static Option<string?> StoreOption() => new("--store")
    {
        Description = $"The LiteDB file to use instead of Storage:Path (default {Settings.DefaultStoragePath}); settings kept beside it (PATH.settings.json, as the demo writes) are read too.",
    };

    /// <summary>
    /// `--language TAG` of a verb whose report a manager or CSM reads (`backtest`, `calibrate`, `check`): a terminal tells no
    /// language, so without it the report is in `Team:Language`, as `ask` answers; a language SuccessBot is not written in is refused.
    /// </summary>
    internal static Option<string?> LanguageOption()
    {
        var language = new Option<string?>("--language")
        {
            Description = $"The language to write the report in ({string.Join(", ", Core.Language.Languages.Supported.Select(c => c.Name))}); default Team:Language.",
            HelpName = "TAG",
        };
        language.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } tag && Core.Domain.Rules.LanguageProblem(tag) is { } problem)
                result.AddError($"--language: {TerminalText.Escape(problem)}.");
        });
        return language;
    }

    /// <summary>The words of the verb's reader: `--language`, else `Team:Language` (see <see cref="TeamSettings.ReaderTold"/>).</summary>
    internal static Core.Language.Reader ReaderOf(ParseResult parse, Option<string?> language, TeamSettings team) => team.ReaderTold(parse.GetValue(language));

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
                return Task.FromResult(UsageError);
            }
            return Serve(parse.UnmatchedTokens, null, cancel);
        });
        root.Subcommands.Add(ImportVerb());
        root.Subcommands.Add(SyncVerbs.Build());
        root.Subcommands.Add(AskVerb());
        root.Subcommands.Add(CheckVerb());
        root.Subcommands.Add(BacktestVerbs.Backtest());
        root.Subcommands.Add(BacktestVerbs.Calibrate());
        root.Subcommands.Add(AuditVerb.Build());
        root.Subcommands.Add(MigrateVerb.Build());
        root.Subcommands.Add(BenchVerb());
        root.Subcommands.Add(ManifestVerb());
        root.Subcommands.Add(HelpVerb(root));
        return root;
    }

    /// <summary>`help [VERB...]`: the same text as `--help`, for people who type the word.</summary>
    private static Command HelpVerb(RootCommand root)
    {
        var words = new Argument<string[]>("VERB") { Description = "The verb to explain, e.g. `help import accounts`.", Arity = ArgumentArity.ZeroOrMore };
        var help = new Command("help", "Shows what the program or one verb takes: `help`, `help ask`, `help import accounts`.") { words };
        help.SetAction(parse =>
        {
            var path = parse.GetValue(words) ?? [];
            Command at = root;
            foreach (var word in path)
            {
                if (at.Subcommands.FirstOrDefault(c => c.Name == word) is not { } next)
                {
                    Console.Error.WriteLine($"help: \"{TerminalText.Escape(word)}\" is not a verb{(at == root ? "" : $" of {at.Name}")}. Verbs: {string.Join(", ", at.Subcommands.Select(c => c.Name))}.");
                    return UsageError;
                }
                at = next;
            }
            return root.Parse([.. path, "--help"]).Invoke();
        });
        return help;
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
        var seed = WholeNumberOption("--seed", "Seed of the generated demo data; the same seed gives the same data.", 42);
        var demo = new Command("demo", $"Generates a fresh demo store ({DemoStore.DefaultPath}, or Demo:Path) and runs the bot host on it, with the local chat.") { urls, seed };
        demo.TreatUnmatchedTokensAsErrors = false;
        demo.SetAction(async (parse, cancel) =>
        {
            var config = Settings.Load();
            var path = config["Demo:Path"] is { Length: > 0 } p ? p : DemoStore.DefaultPath;
            // The file is only ever replaced by the demo that takes it: never under a host that is serving it.
            using var running = DemoLock.TryTake(path, out var other);
            if (running is null)
            {
                Console.Error.WriteLine($"demo: another demo is running on {Path.GetFullPath(path)}: open {other}. Stop that one first (Ctrl+C), or give this one a file of its own: Demo__Path=data/demo/second.db.");
                return Failure;
            }
            var team = Settings.Team(config);
            var book = DemoStore.Create(path, parse.GetValue(seed), team.Today(DateTimeOffset.UtcNow));
            var overrides = DemoStore.WriteSettings(path, [.. team.Managers.Append(book.Manager).Distinct(StringComparer.OrdinalIgnoreCase)]);
            overrides["Storage:Path"] = path;
            Console.WriteLine($"Demo data: {book.Accounts.Count} accounts, {book.Usage.Count:N0} usage days, {book.Nps.Count:N0} NPS answers in {Path.GetFullPath(path)}.");
            Console.WriteLine($"Chat as the manager {book.Manager}, as a CSM ({string.Join(", ", book.Csms)}), or as a customer contact.");
            Console.WriteLine($"Ask from a terminal, as the chat answers: dotnet run --project bot -- ask \"churn last month\" --store {Shell(Path.GetFullPath(path))} --as {book.Manager}");
            // The demo shows the morning's cards whenever it is started, unless quiet hours are configured.
            overrides["Checks:QuietHours"] = config["Checks:QuietHours"] ?? "off";
            return await Serve(HostArgs(parse, urls), overrides, cancel, running.Serving);
        });
        return demo;
    }

    /// <summary>A path as a shell word: as it is when it has nothing a shell reads, else in single quotes.</summary>
    private static string Shell(string path) =>
        path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-') ? path : "'" + path.Replace("'", @"'\''") + "'";

    private static Option<string?> UrlsOption() => new("--urls") { Description = $"Where to listen (default {BotHost.DefaultUrl}); ASPNETCORE_URLS works too." };

    private static string[] HostArgs(ParseResult parse, Option<string?> urls) =>
        parse.GetValue(urls) is { } u ? [.. parse.UnmatchedTokens, "--urls", u] : [.. parse.UnmatchedTokens];

    /// <param name="listening">Told the first address the host listens on, once it does.</param>
    private static async Task<int> Serve(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? overrides, CancellationToken cancel,
        Action<string>? listening = null)
    {
        var app = BotHost.Build([.. args], overrides);
        if (listening is not null) app.Lifetime.ApplicationStarted.Register(() => listening(app.Urls.FirstOrDefault() ?? BotHost.DefaultUrl));
        try
        {
            await app.RunAsync(cancel);
        }
        catch (IOException busy) when (busy.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            Console.Error.WriteLine($"{busy.Message} Another host listens there: stop it, or listen elsewhere with --urls (e.g. --urls http://localhost:5081).");
            return Failure;
        }
        return 0;
    }

    private static Command ImportVerb()
    {
        var import = new Command("import", "Adds or updates data from a CSV file; all rows or none.");
        foreach (var (kind, description) in new[]
        {
            ("accounts", $"Accounts: {string.Join(", ", Importers.AccountColumns)} required; plan, renewal_on, canceled_on, churn_reason, contact_emails, slack_channel_id, teams_conversation_id, segment, language, contact_languages optional."),
            ("usage", $"Daily usage: {string.Join(", ", Importers.UsageColumns)} required; features (;-separated keys) optional."),
            ("nps", $"NPS answers: {string.Join(", ", Importers.NpsColumns)} required; comment, language optional."),
        })
        {
            var file = new Argument<string>("FILE") { Description = "The CSV file (header row, any column order)." };
            var storeOption = StoreOption();
            var verb = new Command(kind, description) { file, storeOption };
            verb.SetAction(parse =>
            {
                var config = Settings.Load(parse.GetValue(storeOption));
                var path = parse.GetValue(file)!;
                try
                {
                    // Reading and checking the file comes first: a bad file never opens the store.
                    using var services = Composition.ForCommandLine(config, loadBook: false);
                    var book = services.GetRequiredService<IBookStore>();
                    var today = Settings.Team(config).Today(DateTimeOffset.UtcNow);
                    var report = kind switch
                    {
                        "accounts" => Importers.ImportAccounts(book, path, today, services.GetRequiredService<ISyncRecords>()),
                        "usage" => Importers.ImportUsage(book, path),
                        _ => Importers.ImportNps(book, path, services.GetRequiredService<IStoreTransactions>(), today),
                    };
                    Console.WriteLine(report);
                    Console.WriteLine($"Stored in {services.GetRequiredService<StoreDescription>().Where}.");
                    return 0;
                }
                catch (ImportFailed failed)
                {
                    Console.Error.WriteLine($"Nothing was imported: {failed.Errors.Count}{(failed.Errors.Count >= CsvTable.MaxErrors ? "+" : "")} problem(s) in {Path.GetFileName(path)}.");
                    foreach (var error in failed.Errors) Console.Error.WriteLine("  " + TerminalText.Escape(error.ToString()));
                    return Failure;
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
        var store = StoreOption();
        var chart = new Option<string?>("--chart") { Description = "Also write the answer's chart as a PNG to this file (a second chart to FILE-2.png, and so on).", HelpName = "FILE" };
        var ask = new Command("ask", "Answers TEXT exactly as the chat would, as plain text.") { text, asker, store, chart };
        ask.SetAction(parse =>
        {
            // An empty --as would be nobody at all, not the administrator that no --as means.
            if (parse.GetValue(asker) is { } who && string.IsNullOrWhiteSpace(who))
            {
                Console.Error.WriteLine("ask: --as needs the email of the person to answer as (leave --as out to ask as an administrator).");
                return UsageError;
            }
            using var services = OpenBook("ask", Settings.Load(parse.GetValue(store)));
            if (services is null) return Failure;
            var reply = services.GetRequiredService<ChatBot>().Answer(new IncomingMessage(parse.GetValue(text) ?? "", parse.GetValue(asker)));
            Console.Write(TerminalText.Render(reply));
            return parse.GetValue(chart) is { } file ? WriteCharts(reply, file) : 0;
        });
        return ask;
    }

    /// <summary>`ask --chart FILE`: the answer's charts as PNG files, the first at FILE; an answer without one writes nothing and says so.</summary>
    private static int WriteCharts(Reply reply, string file)
    {
        if (reply.Charts.Count == 0)
        {
            Console.Error.WriteLine($"ask: this answer has no chart, so nothing was written to {TerminalText.Escape(Path.GetFullPath(file))}. Charts come with `churn trend`, `nps trend`, `retention trend`, `health ACCOUNT` and `at-risk`.");
            return Failure;
        }
        for (var i = 0; i < reply.Charts.Count; i++)
        {
            var path = Path.GetFullPath(i == 0 ? file : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, $"{Path.GetFileNameWithoutExtension(file)}-{i + 1}{Path.GetExtension(file)}"));
            try
            {
                File.WriteAllBytes(path, Charts.PngCharts.Render(reply.Charts[i]));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"ask: could not write the chart to {TerminalText.Escape(path)}: {e.Message}");
                return Failure;
            }
            Console.WriteLine(TerminalText.Escape($"Chart written to {path} ({Charts.PngCharts.Width} x {Charts.PngCharts.Height} PNG): {reply.Charts[i].Title}"));
        }
        return 0;
    }

    private static Command CheckVerb()
    {
        var which = new Argument<string>("CHECK") { Description = "renewals, engagement, onboarding, nps or all." };
        which.AcceptOnlyFromAmong("renewals", "engagement", "onboarding", "nps", "all");
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the nudges it would send and change nothing." };
        var store = StoreOption();
        var language = LanguageOption();
        var check = new Command("check", "Runs a scheduled check now. Nudges are recorded in the ledger; the running host delivers them within seconds (or at its next start). Each card is in its recipient's language; the lines around them in --language, else Team:Language.") { which, dryRun, store, language };
        check.SetAction(parse =>
        {
            using var services = OpenBook("check", Settings.Load(parse.GetValue(store)));
            if (services is null) return Failure;
            var w = ReaderOf(parse, language, services.GetRequiredService<TeamSettings>());
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
            Console.WriteLine(w.Plural(dry ? "Check.WouldSend" : "Check.Recorded", list.Count));
            foreach (var n in list) Console.WriteLine("  " + TerminalText.Escape(w["Check.Nudge", ("recipient", n.Recipient), ("title", n.Title), ("summary", n.Summary)]));
            if (kind.HasFlag(CheckKind.Nps))
            {
                var surveys = services.GetRequiredService<SurveyService>();
                var due = surveys.DueToday();
                Console.WriteLine(dry ? w.Plural("Check.WouldSurvey", due.Count) : w.Plural("Check.Surveyed", surveys.SendDue(AuditEntry.Administrator, AuditChannels.Cli)));
                foreach (var (account, contact) in due) Console.WriteLine("  " + TerminalText.Escape(w["Check.Survey", ("contact", contact), ("account", account.Name)]));
            }
            return 0;
        });
        return check;
    }

    /// <summary>
    /// The services over the store <paramref name="config"/> names, with its book loaded; null, said on standard error, when
    /// there is no such store or it has no accounts (a wrong path answers nothing rather than "0 of 0").
    /// </summary>
    internal static ServiceProvider? OpenBook(string verb, IConfiguration config)
    {
        // A bad setting is said first, with its key, whether or not the store is there.
        _ = (Settings.Team(config), Settings.Checks(config), Settings.Nps(config));
        var path = Path.GetFullPath(Settings.StoragePath(config));
        var hint = "import accounts with `import accounts FILE.csv`, or name the store with --store PATH (or Storage:Path)";
        if (Settings.StorageProvider(config) == "litedb" && !File.Exists(path))
        {
            Console.Error.WriteLine($"{verb}: there is no store at {path}; {hint}.");
            return null;
        }
        var services = Composition.ForCommandLine(config);
        if (services.GetRequiredService<BookReadModel>().Current.Count > 0) return services;
        var where = services.GetRequiredService<StoreDescription>().Where;
        services.Dispose();
        Console.Error.WriteLine($"{verb}: the store {where} is empty (no accounts); {hint}.");
        return null;
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
        var part = new Argument<string>("PART") { Description = "import (CSV import and answers), answers (answers only), daily (the daily checks), charts (each chart's metric and PNG), all of those, slack (signed slash commands through the host), ingest (Segment events over HTTP into the host), or writes (host start, clicks, an import beside the host, memory; the host as its own process), or backtest (a 12-month backtest and calibration over 15 months of usage), or stripe (a full Stripe sync of --accounts customers from a local fake Stripe), or postgres (import, daily checks, two hosts delivering, usage events and the change feed's lag, on the empty database ConnectionStrings__SuccessBot names).", DefaultValueFactory = _ => "all" };
        part.AcceptOnlyFromAmong(Benchmark.Parts);
        var accounts = WholeNumberOption("--accounts", "How many accounts to generate.", 100_000, min: 1);
        var minutes = WholeNumberOption("--minutes", "ingest only: a soak instead, posting batches for this many minutes and printing the figures and memory of each.", 0, min: 0);
        var wrk = WholeNumberOption("--wrk", "slack only: then SECONDS of signed /churn under wrk -t1 -c8 against the host and each --peer, side by side.", 0, min: 0);
        var peers = new Option<string[]>("--peer") { Description = "slack only: another /churn endpoint to load the same way (the Bolt-js peer, the bare Kestrel floor of ../shared/bench), signed with benchmark-signing-secret.", AllowMultipleArgumentsPerToken = true };
        var wholeLoad = new Option<bool>("--whole-load") { Description = "writes only: measure the start without a snapshot again (it is measured on the day's first run)." };
        var clicks = WholeNumberOption("--clicks", "postgres only: how many one-row writes the change feed's lag is measured over (at 1,000 a minute).", 1_000, min: 1);
        var hostLog = new Option<string?>("--host-log") { Description = "writes only: append every line the benchmark's hosts print (at Information) to this file, with the time and the host's process id." };
        var bench = new Command("bench", "Measures and prints import speed, answer times, the daily run, signed Slack commands or Segment usage events through the host, over a large generated book (run with -c Release).") { part, accounts, minutes, wrk, peers, wholeLoad, hostLog, clicks };
        bench.SetAction((parse, _) => parse.GetValue(part) switch
        {
            "slack" => SlackBenchmark.RunAsync(Console.Out, parse.GetValue(accounts), parse.GetValue(wrk), parse.GetValue(peers)),
            "ingest" => IngestBenchmark.RunAsync(Console.Out, parse.GetValue(accounts), parse.GetValue(minutes)),
            "stripe" => Sync.StripeBenchmark.RunAsync(Console.Out, parse.GetValue(accounts)),
            "writes" => WritesBenchmark.RunAsync(Console.Out, parse.GetValue(accounts), parse.GetValue(wholeLoad), parse.GetValue(hostLog)),
            "postgres" => PostgresBenchmark.RunAsync(Console.Out, parse.GetValue(accounts), parse.GetValue(clicks)),
            var other => Task.FromResult(Benchmark.Run(Console.Out, other!, parse.GetValue(accounts))),
        });
        return bench;
    }
}
