using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using SuccessBot.Demo;
using SuccessBot.Storage;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests;

/// <summary>The built program, run as a person runs it: `import` and `ask` against a store named by Storage__Path or --store.</summary>
public class CommandLineTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private (int Exit, string Out, string Err) Run(params string[] args) => RunWith([], args);

    private (int Exit, string Out, string Err) RunWith(Dictionary<string, string> environment, params string[] args) => TheProgram.Run(_folder, environment, args);

    private Process Start(Dictionary<string, string> environment, params string[] args) => TheProgram.Start(_folder, environment, args);

    /// <summary>What a host printed up to the line that says where the local chat is, and that address.</summary>
    private static async Task<(List<string> Lines, string Url)> ReadUntilListening(Process process)
    {
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            lines.Add(line);
            if (line.Contains("Local chat: on at ")) return (lines, line[line.IndexOf("http", StringComparison.Ordinal)..].TrimEnd('/'));
        }
        Assert.Fail("the host stopped before it said where the local chat is: " + string.Join('\n', lines) + await process.StandardError.ReadToEndAsync());
        return default;
    }

    [Fact]
    public void Import_then_ask_answers_as_the_chat_would()
    {
        var month = DateTime.UtcNow.AddMonths(-1);
        var lastMonth = $"{month:yyyy-MM}-10";
        var accounts = _folder.File("accounts.csv", $"""
            account_id,name,owner_email,mrr,started_on,canceled_on,churn_reason
            a1,ACME Corp,ana@example.com,100,2024-01-01,{lastMonth},price
            a2,Globex,ana@example.com,100,2024-01-01,,
            a3,Initech,ben@example.com,100,2024-01-01,,
            a4,Umbrella,ben@example.com,100,2024-01-01,,
            """);

        var import = Run("import", "accounts", accounts);
        Assert.Equal(0, import.Exit);
        Assert.Contains("4 rows, 4 added, 0 updated", import.Out);

        var admin = Run("ask", "churn last month");
        Assert.Equal(0, admin.Exit);
        Assert.Contains("25.0% logo churn: 1 of 4 accounts", admin.Out);
        Assert.Contains("ACME Corp", admin.Out);

        var ben = Run("ask", "churn last month", "--as", "ben@example.com");
        Assert.Contains("0.0% logo churn: 0 of 2 accounts", ben.Out);

        var stranger = Run("ask", "churn last month", "--as", "who@example.com");
        Assert.Equal(0, stranger.Exit);
        Assert.Contains("don't know who@example.com", stranger.Out);
    }

    [Fact]
    public void Ask_prints_control_characters_from_data_as_escapes_on_lines_of_their_own()
    {
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        Assert.Equal(0, Run("import", "accounts", _folder.File("accounts.csv", "account_id,name,owner_email,mrr,started_on,contact_emails\na1,ACME Corp,ana@example.com,100,2024-01-01,ops@acme.example\n")).Exit);
        var nps = _folder.File("nps.csv", $"account_id,contact_email,score,comment,answered_at\na1,ops@acme.example,2,\"\u001b]0;pwned\u0007Slow\nFAKE LINE\",{today}\n");
        Assert.Equal(0, Run("import", "nps", nps).Exit);

        var answer = Run("ask", "nps this quarter");

        Assert.Equal(0, answer.Exit);
        Assert.Contains(@"\u001b]0;pwned\u0007Slow", answer.Out);
        Assert.DoesNotContain(answer.Out, c => c is '\u001b' or '\u0007');
        Assert.DoesNotContain(answer.Out.Split('\n'), line => line.StartsWith("FAKE LINE"));
    }

    [Fact]
    public void Ask_as_nobody_is_a_usage_error()
    {
        var result = Run("ask", "churn last month", "--as", "");

        Assert.Equal(2, result.Exit);
        Assert.Contains("--as needs the email", result.Err);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void A_bad_file_exits_non_zero_with_file_line_and_column()
    {
        var path = _folder.File("accounts.csv", "account_id,name,owner_email,mrr,started_on\na1,ACME,a@example.com,-3,2024-01-01\n");

        var result = Run("import", "accounts", path);

        Assert.Equal(1, result.Exit);
        Assert.Contains("Nothing was imported", result.Err);
        Assert.Contains("accounts.csv, line 2, column 4 (mrr): -3 is negative", result.Err);
    }

    [Fact]
    public void A_bad_setting_stops_the_program_with_the_key_and_the_reason()
    {
        var result = RunWith(new() { ["Team__TimeZone"] = "Mars/Olympus" }, "ask", "help");
        Assert.Equal(2, result.Exit);
        Assert.Contains("Configuration: Team:TimeZone \"Mars/Olympus\" is not a time zone", result.Err);
        var serve = RunWith(new() { ["Checks__Cron"] = "every morning" }, "serve", "--urls", "http://127.0.0.1:0");
        Assert.Equal(2, serve.Exit);
        Assert.Contains("Configuration: Checks:Cron \"every morning\" is not a Quartz cron expression", serve.Err);
    }

    [Fact]
    public async Task Serve_with_no_channel_configured_starts_says_which_are_off_and_serves_the_local_chat()
    {
        using var process = Start([], "serve", "--urls", "http://127.0.0.1:0");
        try
        {
            var (log, url) = await ReadUntilListening(process);
            var text = string.Join('\n', log);
            Assert.Contains("Slack: off (Slack:BotToken is not set)", text);
            Assert.Contains("Teams:", text);
            Assert.Contains("Usage events: off", text);
            using var http = new HttpClient();
            Assert.Contains("\"status\":\"ok\"", await http.GetStringAsync(url + "/healthz"));
            Assert.Contains("SuccessBot · local chat", await http.GetStringAsync(url + "/"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
        // SuccessBot's own lines, and no line per request (ASP.NET Core's are at Warning unless Logging:LogLevel says otherwise).
        var rest = await process.StandardOutput.ReadToEndAsync();
        Assert.DoesNotContain("Request starting", rest);
        Assert.DoesNotContain("Request finished", rest);
    }

    [Fact]
    public void Ask_prints_a_charts_numbers_and_writes_its_png_with_chart_file()
    {
        var accounts = _folder.File("accounts.csv", "account_id,name,owner_email,mrr,started_on,canceled_on\n"
            + "a1,ACME Corp,ana@example.com,100,2024-01-01,\na2,Globex,ana@example.com,100,2024-01-01,2025-06-10\na3,Initech,ana@example.com,100,2024-01-01,\n");
        Assert.Equal(0, Run("import", "accounts", accounts).Exit);
        var file = Path.Combine(_folder.Path, "charts", "churn.png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);

        var asked = Run("ask", "churn trend 2025", "--chart", file);
        var nps = Run("ask", "nps trend 2025", "--chart", file);
        var none = Run("ask", "churn last month", "--chart", Path.Combine(_folder.Path, "none.png"));

        Assert.Equal(0, asked.Exit);
        Assert.Contains("June 2025: logo churn 33.3% (1 of 3)", asked.Out);
        Assert.Contains($"Chart written to {file} (800 x 400 PNG): Monthly churn", asked.Out);
        using (var png = SkiaSharp.SKBitmap.Decode(file)) Assert.Equal((800, 400), (png.Width, png.Height));
        Assert.Equal(1, nps.Exit);
        Assert.Contains("No NPS answers in 2025", nps.Out);
        Assert.Equal(1, none.Exit);
        Assert.Contains("this answer has no chart", none.Err);
        Assert.False(File.Exists(Path.Combine(_folder.Path, "none.png")));
    }

    [Fact]
    public void Ask_check_and_import_work_on_the_store_named_by_store_and_a_missing_or_empty_store_is_said_with_where_it_looked()
    {
        var other = Path.Combine(_folder.Path, "other", "book.db");
        var nowhere = Run("ask", "churn last month", "--store", other);
        Assert.Equal(1, nowhere.Exit);
        Assert.Contains($"ask: there is no store at {other};", nowhere.Err);
        Assert.False(File.Exists(other));

        var accounts = _folder.File("accounts.csv", "account_id,name,owner_email,mrr,started_on\na1,ACME Corp,ana@example.com,100,2024-01-01\n");
        Assert.Equal(0, Run("import", "accounts", accounts, "--store", other).Exit);
        var asked = Run("ask", "health acme", "--store", other);
        Assert.Equal(0, asked.Exit);
        Assert.Contains("ACME Corp", asked.Out);
        var checkedOther = Run("check", "all", "--dry-run", "--store", other);
        Assert.Equal(0, checkedOther.Exit);
        Assert.Contains("Would send", checkedOther.Out);
        Assert.False(File.Exists(_folder.Store));

        new LiteDbStore(_folder.Store).Dispose();
        var empty = Run("ask", "churn last month");
        Assert.Equal(1, empty.Exit);
        Assert.Contains($"ask: the store {_folder.Store} is empty (no accounts)", empty.Err);
        Assert.Empty(empty.Out);
    }

    [Fact]
    public async Task Demo_prints_an_ask_line_for_its_file_that_answers_as_its_chat_does_and_a_second_demo_refuses_with_the_first_ones_url()
    {
        var demoPath = Path.Combine(_folder.Path, "demo", "demo.db");
        var environment = new Dictionary<string, string> { ["Demo__Path"] = demoPath };
        using var demo = Start(environment, "demo", "--urls", "http://127.0.0.1:0");
        try
        {
            var (lines, url) = await ReadUntilListening(demo);
            var askLine = Assert.Single(lines, l => l.StartsWith("Ask from a terminal"));
            Assert.EndsWith($"-- ask \"churn last month\" --store {demoPath} --as {DemoGenerator.Manager}", askLine);

            using var http = new HttpClient();
            var posted = await http.PostAsJsonAsync(url + "/chat/messages", new { @as = DemoGenerator.Manager, text = "health acme c" });
            var chat = (await posted.Content.ReadFromJsonAsync<JsonElement>())[1].GetProperty("reply");
            // Storage:Path and Team:Managers of this process name others: the demo's managers and plan seats come from beside its file.
            var asked = RunWith(environment, "ask", "health acme c", "--store", demoPath, "--as", DemoGenerator.Manager);
            Assert.Equal(0, asked.Exit);
            Assert.Contains(chat.GetProperty("summary").GetString()!, asked.Out);
            var components = chat.GetProperty("sections")[0].GetProperty("lines").EnumerateArray().Select(l => l.GetString()!).ToArray();
            Assert.Contains(components, l => l.StartsWith("users:"));
            Assert.All(components, line => Assert.Contains(line, asked.Out));

            var second = RunWith(environment, "demo", "--urls", "http://127.0.0.1:0");
            Assert.Equal(1, second.Exit);
            Assert.Contains($"demo: another demo is running on {demoPath}: open {url}.", second.Err);
            Assert.Contains("\"accounts\":300", await http.GetStringAsync(url + "/healthz"));
        }
        finally
        {
            demo.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task A_demo_killed_with_sigkill_leaves_its_note_behind_and_the_next_demo_on_the_file_starts_anyway()
    {
        var demoPath = Path.Combine(_folder.Path, "demo", "demo.db");
        var environment = new Dictionary<string, string> { ["Demo__Path"] = demoPath };
        using (var killed = Start(environment, "demo", "--urls", "http://127.0.0.1:0"))
        {
            await ReadUntilListening(killed);
            // SIGKILL: no handler runs, nothing is cleaned up.
            killed.Kill();
            await killed.WaitForExitAsync();
        }
        Assert.True(File.Exists(DemoLock.PathFor(demoPath)));

        using var next = Start(environment, "demo", "--urls", "http://127.0.0.1:0");
        try
        {
            var (_, url) = await ReadUntilListening(next);
            using var http = new HttpClient();
            Assert.Contains("\"accounts\":300", await http.GetStringAsync(url + "/healthz"));
        }
        finally
        {
            next.Kill(entireProcessTree: true);
        }
    }

    [Theory]
    [InlineData(new[] { "demo", "--seed", "abc" }, "--seed: \"abc\" is not a whole number.")]
    [InlineData(new[] { "bench", "import", "--accounts", "many" }, "--accounts: \"many\" is not a whole number of 1 or more.")]
    [InlineData(new[] { "ask" }, "See ask --help.")]
    [InlineData(new[] { "check", "everything" }, "See check --help.")]
    [InlineData(new[] { "import", "accounts" }, "See import accounts --help.")]
    [InlineData(new[] { "manifest", "slack", "--base-url", "http://bot.example.com" }, "Slack only sends to https URLs")]
    [InlineData(new[] { "manifest", "teams", "--base-url", "http://bot.example.com", "--app-id", "6f1c2a4e-0b7d-4c55-9a0e-3d2b1f8e7c60" }, "is not an https URL")]
    [InlineData(new[] { "manifest", "teams", "--base-url", "https://bot.example.com", "--app-id", "abc" }, "is not a Microsoft App ID")]
    [InlineData(new[] { "manifest", "teams", "--base-url", "https://bot.example.com" }, "give --app-id ID, or set Teams:AppId")]
    [InlineData(new[] { "help", "frobnicate" }, "help: \"frobnicate\" is not a verb")]
    public void A_usage_error_exits_2_and_says_what_is_wrong(string[] args, string message)
    {
        var result = Run(args);

        Assert.Equal(2, result.Exit);
        Assert.Contains(message, result.Err);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void Help_is_a_verb_too()
    {
        var all = Run("help");
        var ask = Run("help", "ask");
        var import = Run("help", "import", "accounts");

        Assert.Equal(0, all.Exit);
        Assert.Contains("Usage:", all.Out);
        Assert.Contains("manifest", all.Out);
        Assert.Equal(0, ask.Exit);
        Assert.Contains("--store", ask.Out);
        Assert.Equal(Run("import", "accounts", "--help").Out, import.Out);
    }

    [Fact]
    public void Manifest_teams_takes_the_app_id_on_the_command_line_and_slack_takes_http_only_in_socket_mode()
    {
        var teams = Run("manifest", "teams", "--app-id", "6f1c2a4e-0b7d-4c55-9a0e-3d2b1f8e7c60", "--base-url", "https://bot.contoso.com");
        var slack = Run("manifest", "slack", "--base-url", "http://localhost:5080", "--socket-mode");

        Assert.Equal(0, teams.Exit);
        using var zip = ZipFile.OpenRead(Path.Combine(_folder.Path, "successbot-teams.zip"));
        using var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open());
        Assert.Equal("6f1c2a4e-0b7d-4c55-9a0e-3d2b1f8e7c60", manifest.RootElement.GetProperty("id").GetString());
        Assert.Equal(0, slack.Exit);
        Assert.Contains("socket_mode_enabled: true", slack.Out);
    }

    [Fact]
    public void Serving_on_an_address_in_use_fails_with_exit_1_and_says_how_to_listen_elsewhere()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var result = Run("serve", "--urls", $"http://127.0.0.1:{port}");

        Assert.Equal(1, result.Exit);
        Assert.Contains($"Failed to bind to address http://127.0.0.1:{port}: address already in use.", result.Err);
        Assert.Contains("listen elsewhere with --urls", result.Err);
    }

    [Fact]
    public void Importing_a_file_that_does_not_exist_fails_with_its_name_and_no_line()
    {
        var result = Run("import", "accounts", "nope.csv");

        Assert.Equal(1, result.Exit);
        Assert.Contains($"  nope.csv: the file does not exist ({Path.Combine(_folder.Path, "nope.csv")})", result.Err);
    }

    [Fact]
    public void Check_dry_run_prints_the_nudges_it_would_send_and_records_nothing()
    {
        var renewal = DateTime.UtcNow.AddDays(20).ToString("yyyy-MM-dd");
        var accounts = _folder.File("accounts.csv", $"""
            account_id,name,owner_email,mrr,started_on,renewal_on,contact_emails
            a1,ACME Corp,ana@example.com,100,2024-01-01,{renewal},ops@acme.example
            """);
        Assert.Equal(0, Run("import", "accounts", accounts).Exit);

        var dry = Run("check", "all", "--dry-run");
        var again = Run("check", "all", "--dry-run");
        var real = Run("check", "renewals");
        var after = Run("check", "renewals", "--dry-run");

        Assert.Equal(0, dry.Exit);
        Assert.Contains("Would send", dry.Out);
        Assert.Contains("to ana@example.com: Renewal in 20 days · ACME Corp", dry.Out);
        Assert.Contains("Would send 1 NPS survey today:", dry.Out);
        Assert.Equal(dry.Out, again.Out);
        Assert.Contains("to ana@example.com: Renewal in 20 days · ACME Corp", real.Out);
        Assert.DoesNotContain("Renewal in 20 days", after.Out);
    }

    [Fact]
    public void Check_writes_each_card_in_its_recipients_language_and_its_own_lines_in_Team_Language()
    {
        var renewal = DateTime.UtcNow.AddDays(20).ToString("yyyy-MM-dd");
        var accounts = _folder.File("accounts.csv", $"""
            account_id,name,owner_email,mrr,started_on,renewal_on
            a1,ACME Corp,ana@example.com,100,2024-01-01,{renewal}
            a2,Globex,ben@example.com,100,2024-01-01,{renewal}
            """);
        Assert.Equal(0, Run("import", "accounts", accounts).Exit);
        // Ana's chat last told Brazilian Portuguese; Ben's and the manager's told nothing, so they read the team's language.
        using (var store = new LiteDbStore(_folder.Store)) store.MemberLanguages.Save("ana@example.com", "pt-BR");
        var german = new Dictionary<string, string> { ["Team__Language"] = "de" };

        var dry = RunWith(german, "check", "renewals", "--dry-run");
        var english = RunWith(german, "check", "renewals", "--dry-run", "--language", "en");
        var recorded = RunWith(german, "check", "renewals");

        Assert.Equal(0, dry.Exit);
        var lines = dry.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Heute würden 4 Karten gesendet (Probelauf: nichts wird erfasst oder gesendet):", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("  an ana@example.com: Renovação em 20 dias · ACME Corp: "));
        Assert.Contains(lines, l => l.StartsWith("  an ben@example.com: Verlängerung in 20 Tagen · Globex: "));
        Assert.Contains(lines, l => l.StartsWith("  an boss@example.com: Verlängerung gefährdet, in 20 Tagen · ACME Corp: "));
        Assert.StartsWith("Would send 4 nudges today (dry run: nothing recorded or sent):\n  to ", english.Out.ReplaceLineEndings("\n"));
        Assert.Contains("  to ana@example.com: Renovação em 20 dias · ACME Corp: ", english.Out);
        Assert.StartsWith("4 neue Karten erfasst; der Host stellt sie zu:", recorded.Out);
    }

    [Fact]
    public void An_nps_send_at_the_command_line_is_in_the_audit_log_that_audit_prints()
    {
        var accounts = _folder.File("accounts.csv", """
            account_id,name,owner_email,mrr,started_on,contact_emails
            a1,ACME Corp,ana@example.com,100,2024-01-01,cto@acme.example
            a2,Globex,ana@example.com,100,2024-01-01,ceo@globex.example
            """);
        Assert.Equal(0, Run("import", "accounts", accounts).Exit);
        Assert.Contains("Survey sent to 1 contact", Run("ask", "nps send acme corp").Out);

        var acme = Run("audit", "--account", "a1");
        var globex = Run("audit", "--account", "a2");
        var tomorrow = Run("audit", "--since", DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd"));
        var romanian = RunWith(new() { ["Team__Language"] = "ro" }, "audit", "--account", "a2");
        var bad = Run("audit", "--since", "yesterday");

        Assert.Equal(0, acme.Exit);
        var line = Assert.Single(acme.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith(" UTC  cli  administrator  nps send  a1  sent to=cto@acme.example; force=no", line.TrimEnd());
        Assert.Equal("No audit entries.", globex.Out.Trim());
        Assert.Equal("No audit entries.", tomorrow.Out.Trim());
        Assert.Equal("Nicio intrare în jurnalul de audit.", romanian.Out.Trim());
        Assert.Equal(2, bad.Exit);
        Assert.Contains("--since \"yesterday\" is not a date", bad.Err);
    }

    [Fact]
    public async Task The_scheduled_nps_campaign_is_in_the_audit_log_that_audit_prints_as_check_nps_is()
    {
        var accounts = _folder.File("accounts.csv", """
            account_id,name,owner_email,mrr,started_on,contact_emails
            a1,ACME Corp,ana@example.com,100,2024-01-01,cto@acme.example;cfo@acme.example
            a2,Globex,ana@example.com,100,2024-01-01,ceo@globex.example
            """);
        Assert.Equal(0, Run("import", "accounts", accounts).Exit);
        using (var host = Start(new() { ["Nps__MaxPerDay"] = "2" }, "serve", "--urls", "http://127.0.0.1:0"))
        {
            try
            {
                // The campaign runs once at start: today's quota of two goes to ACME's contacts (never asked, first by account id).
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
                while (await host.StandardOutput.ReadLineAsync(timeout.Token) is { } line && !line.Contains("NPS: 2 surveys sent.")) { }
            }
            finally
            {
                host.Kill(entireProcessTree: true);
            }
        }
        var byHand = Run("check", "nps");

        var audit = Run("audit");

        Assert.Contains("Sent 1 NPS survey (the host delivers it):", byHand.Out);
        // The host's start also records who the managers are; the surveys are the two other lines.
        var lines = audit.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).Where(l => l.Contains("nps send")).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.EndsWith(" UTC  scheduler  scheduler  nps send  a1  sent to=cfo@acme.example, cto@acme.example; force=no", lines[0]);
        Assert.EndsWith(" UTC  cli  administrator  nps send  a2  sent to=ceo@globex.example; force=no", lines[1]);
    }

    [Fact]
    public void Every_verb_has_help()
    {
        foreach (var verb in new[] { "import", "ask", "check", "demo", "manifest", "bench", "help", "audit", "backtest", "calibrate" })
        {
            var result = Run(verb, "--help");
            Assert.Equal(0, result.Exit);
            Assert.Contains("Usage:", result.Out);
        }
    }

    [Fact]
    public void Backtest_prints_the_replay_of_the_demo_history_and_calibrate_refuses_a_window_it_cannot_split()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        DemoStore.Create(_folder.Store, 42, today);

        var backtest = Run("backtest", "--months", "12", "--horizon", "90");
        var calibrate = Run("calibrate", "--months", "2");
        var bad = Run("backtest", "--horizon", "soon");

        Assert.Equal(0, backtest.Exit);
        Assert.StartsWith("Health accuracy · ", backtest.Out);
        Assert.Contains("90-day horizon · all accounts", backtest.Out);
        Assert.Contains("had the team followed the alerts", backtest.Out, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("  - falling usage (sessions down 30% in 4 weeks): recall ", backtest.Out);
        Assert.Contains("  - sessions fell 30% in 4 weeks: recall ", backtest.Out);
        // What it printed is saved beside the store, for a serving host's cards and `health accuracy`.
        var path = Path.GetFullPath(_folder.Store) + ".backtest.json";
        Assert.Contains($"Saved for the host's cards and `health accuracy`: {path}", backtest.Out);
        var (saved, ranOn) = Host.SavedBacktest.Read(path, out var whyNot) ?? throw new Xunit.Sdk.XunitException(whyNot);
        Assert.Equal(today, ranOn);
        Assert.Contains(Core.Backtest.BacktestAnswer.Line(new SuccessBot.Core.Language.Reader(SuccessBot.Settings.Texts, SuccessBot.Core.Language.Languages.English), saved[Core.Backtest.Signal.FallingUsage], new Core.Chat.TeamSettings { Texts = Settings.Texts }.Health, new Core.Nudges.CheckOptions()), backtest.Out);
        Assert.Equal(1, calibrate.Exit);
        Assert.Contains("calibrate: with a 90-day horizon, the 1 older month does not end before the newer ones start; replay more months (--months) or a shorter --horizon.", calibrate.Err);
        Assert.Equal(2, bad.Exit);
        Assert.Contains("--horizon: \"soon\" is not a whole number of 1 or more.", bad.Err);
    }

    [Fact]
    public void Backtest_and_calibrate_write_in_Team_Language_unless_language_names_another()
    {
        DemoStore.Create(_folder.Store, 42, DateOnly.FromDateTime(DateTime.UtcNow));
        var german = new Dictionary<string, string> { ["Team__Language"] = "de" };

        var backtest = RunWith(german, "backtest");
        var russian = RunWith(german, "backtest", "--language", "ru-RU");
        var calibrate = RunWith(german, "calibrate", "--months", "2");
        var unknown = RunWith(german, "backtest", "--language", "xx");

        Assert.Equal(0, backtest.Exit);
        var text = Language.Spaces.Plain(backtest.Out);
        Assert.Matches(@"^Health Accuracy · \d+ Monate von ", text);
        Assert.Contains("Horizont 90 Tage · alle Accounts", text);
        Assert.Contains("  - sinkende Nutzung (Sitzungen in 4 Wochen um 30 % gesunken): Recall ", text);
        var path = Path.GetFullPath(_folder.Store) + ".backtest.json";
        Assert.Contains($"Gespeichert für die Karten des Hosts und `health accuracy`: {path}", text);
        // Each rule's figures as `health accuracy` gives them to a German reader: "61 %", "0,8 Markierungen pro CSM und Woche".
        var (saved, _) = Host.SavedBacktest.Read(path, out var whyNot) ?? throw new Xunit.Sdk.XunitException(whyNot);
        var reader = new Core.Language.Reader(Settings.Texts, System.Globalization.CultureInfo.GetCultureInfo("de"));
        Assert.Contains(Language.Spaces.Plain(Core.Backtest.BacktestAnswer.Line(reader, saved[Core.Backtest.Signal.FallingUsage], new Core.Chat.TeamSettings { Texts = Settings.Texts }.Health, new Core.Nudges.CheckOptions())), text);
        Assert.Matches(@"\d,\d Markierungen pro CSM und Woche", text);
        Assert.DoesNotContain("recall", text);
        Assert.Matches(@"^Точность оценки здоровья · \d+ месяц", russian.Out);
        Assert.Contains("Сохранено для карточек хоста и `health accuracy`: ", russian.Out);
        Assert.Equal(1, calibrate.Exit);
        Assert.Contains("calibrate: bei einem Horizont von 90 Tagen endet der 1 ältere Monat nicht vor Beginn der neueren", calibrate.Err);
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("--language: \"xx\" is not a language SuccessBot is written in (en, pt-BR, pt-PT, de, ro, ru).", unknown.Err);
    }

    [Fact]
    public void Backtest_on_a_store_without_usage_says_there_is_nothing_to_replay()
    {
        var accounts = _folder.File("accounts.csv", """
            account_id,name,owner_email,mrr,started_on
            a1,ACME Corp,ana@example.com,100,2024-01-01
            """);
        Assert.Equal(0, Run("import", "accounts", accounts).Exit);

        var backtest = Run("backtest");
        var german = Run("backtest", "--language", "de");

        Assert.Equal(1, backtest.Exit);
        Assert.Contains("backtest: The book has no usage history to replay", backtest.Err);
        Assert.Equal(1, german.Exit);
        Assert.Contains("backtest: Es gibt noch keine Nutzungshistorie zum Nachspielen", german.Err);
    }

    [Fact]
    public void An_unknown_verb_exits_non_zero_and_names_it()
    {
        var result = Run("frobnicate");

        Assert.Equal(2, result.Exit);
        Assert.Contains("Unknown verb \"frobnicate\"", result.Err);
    }

    [Fact]
    public void A_word_a_verb_does_not_take_exits_non_zero_and_names_it_and_nothing_runs()
    {
        var check = Run("check", "renewals", "--dryrun");
        var ask = Run("ask", "churn last month", "--bogus");

        Assert.Equal(2, check.Exit);
        Assert.Contains("check: \"--dryrun\" is not something it takes", check.Err);
        Assert.DoesNotContain("nudge", check.Out);
        Assert.Equal(2, ask.Exit);
        Assert.Contains("ask: \"--bogus\" is not something it takes", ask.Err);
    }
}

/// <summary>The built program, started in a test's folder with its store and manager, as a person would run it.</summary>
public static class TheProgram
{
    /// <summary>Runs to the end (a minute at most) and gives back the exit code and what it printed.</summary>
    public static (int Exit, string Out, string Err) Run(TempFolder folder, Dictionary<string, string> environment, params string[] args)
    {
        using var process = Start(folder, environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the program did not finish within a minute");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The program started with the folder's store and manager (and <paramref name="environment"/> over them).</summary>
    public static Process Start(TempFolder folder, Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder.Path };
        start.ArgumentList.Add(typeof(SuccessBot.Cli.Verbs).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["Storage__Path"] = folder.Store;
        start.Environment["Team__Managers__0"] = "boss@example.com";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        return Process.Start(start)!;
    }
}
