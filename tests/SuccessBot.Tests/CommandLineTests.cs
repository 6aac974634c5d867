using System.Diagnostics;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests;

/// <summary>The built program, run as a person runs it: `import` and `ask` against a store named by Storage__Path.</summary>
public class CommandLineTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private (int Exit, string Out, string Err) Run(params string[] args) => RunWith([], args);

    private (int Exit, string Out, string Err) RunWith(Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder.Path };
        start.ArgumentList.Add(typeof(SuccessBot.Cli.Verbs).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["Storage__Path"] = _folder.Store;
        start.Environment["Team__Managers__0"] = "boss@example.com";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the program did not finish within a minute");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
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
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder.Path };
        foreach (var a in new[] { typeof(SuccessBot.Cli.Verbs).Assembly.Location, "serve", "--urls", "http://127.0.0.1:0" }) start.ArgumentList.Add(a);
        start.Environment["Storage__Path"] = _folder.Store;
        using var process = Process.Start(start)!;
        try
        {
            var log = new List<string>();
            string? url = null;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (url is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                log.Add(line);
                if (line.Contains("Local chat: on at ")) url = line[(line.IndexOf("http", StringComparison.Ordinal))..].TrimEnd('/');
            }
            var text = string.Join('\n', log);
            Assert.NotNull(url);
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
        Assert.Contains("Would send 1 NPS survey(s) today:", dry.Out);
        Assert.Equal(dry.Out, again.Out);
        Assert.Contains("to ana@example.com: Renewal in 20 days · ACME Corp", real.Out);
        Assert.DoesNotContain("Renewal in 20 days", after.Out);
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
        var bad = Run("audit", "--since", "yesterday");

        Assert.Equal(0, acme.Exit);
        var line = Assert.Single(acme.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith(" UTC  cli  administrator  nps send  a1  sent to=cto@acme.example; force=no", line.TrimEnd());
        Assert.Equal("No audit entries.", globex.Out.Trim());
        Assert.Equal("No audit entries.", tomorrow.Out.Trim());
        Assert.Equal(2, bad.Exit);
        Assert.Contains("--since \"yesterday\" is not a date", bad.Err);
    }

    [Fact]
    public void Every_verb_has_help()
    {
        foreach (var verb in new[] { "import", "ask", "bench", "audit" })
        {
            var result = Run(verb, "--help");
            Assert.Equal(0, result.Exit);
            Assert.Contains("Usage:", result.Out);
        }
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
