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
    }

    [Fact]
    public void Every_verb_has_help()
    {
        foreach (var verb in new[] { "import", "ask", "bench" })
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
}
