using System.Diagnostics;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;
using SuccessBot.Storage.Postgres;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;
using SuccessBot.Tests.Slack;

namespace SuccessBot.Tests.Storage;

/// <summary>Two real host processes delivering from one PostgreSQL: the one killed (-9) in the middle of its round leaves its cards to the other, each sent once.</summary>
public sealed class PostgresKillTests
{
    private const string Marker = "Kill test card";
    private static readonly string Csm = DemoGenerator.Csms[0];

    [SkippableFact]
    public async Task A_host_killed_during_delivery_leaves_its_cards_to_the_other_host_which_sends_each_once()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        using var folder = new TempFolder();
        await using var slack = await FakeSlack.StartAsync();
        // The first card posted never gets its answer: the host that sent it is killed while it waits, its other cards still leased to it.
        slack.Script("chat.postMessage", fields => fields.ToJsonString().Contains(Marker), () => new Hanging());
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var one = Started(Host(connection, folder, "first", slack), "first", said);
        using var two = Started(Host(connection, folder, "second", slack), "second", said);
        try
        {
            var waitedForBoth = Stopwatch.StartNew();
            while (said.Count(l => l.Contains("Application started")) < 2 && waitedForBoth.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
            // Eight cards due while both deliver every half second: the first round to come takes them.
            var now = DateTimeOffset.UtcNow;
            using (var store = new PostgresStore(connection))
                store.Ledger.Record(Enumerable.Range(1, 8).Select(i => new NudgeRecord
                {
                    Key = $"renewal|kill{i}|test", Rule = NudgeRules.Renewal, AccountId = $"kill{i}", Recipient = Csm,
                    Card = new Reply($"{Marker} {i}"), CreatedAt = now.AddMinutes(-i), NextAttemptAt = now.AddMinutes(-1),
                }).ToArray(), [], [], []);
            var waitedForTheFirst = Stopwatch.StartNew();
            FakeCall? first = null;
            while ((first = slack.Calls("chat.postMessage").FirstOrDefault(c => c.Fields.ToJsonString().Contains(Marker))) is null && waitedForTheFirst.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
            var hung = first ?? throw new Xunit.Sdk.XunitException("No card was posted:\n" + string.Join('\n', said));
            var (killed, survivor) = hung.Authorization == "Bearer token-first" ? (one, "second") : (two, "first");
            killed.Kill();
            await killed.WaitForExitAsync();
            // What the killed host still held: the survivor, running all along, must leave it until the lease runs out.
            var leasedUntil = LeasedUntil(connection);
            Assert.NotEmpty(leasedUntil);

            var waited = Stopwatch.StartNew();
            while (Posted(slack, hung).Length < 8 && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
            var posted = Posted(slack, hung);
            Assert.True(posted.Length >= 8, string.Join('\n', said));
            Assert.Equal(Enumerable.Range(1, 8).Select(i => $"{Marker} {i}").Order(), posted.Order());
            Assert.All(slack.Calls("chat.postMessage").Where(c => c != hung && c.Fields.ToJsonString().Contains(Marker)), c => Assert.Equal($"Bearer token-{survivor}", c.Authorization));
            using var ledger = new PostgresStore(connection);
            Assert.All(Enumerable.Range(1, 8), i => Assert.Equal(DeliveryStatus.Sent, ledger.Ledger.Find($"renewal|kill{i}|test")!.Status));
            foreach (var (key, until) in leasedUntil)
            {
                var sent = ledger.Ledger.Find(key)!;
                Assert.True(sent.SentAt >= until, $"{key} was sent at {sent.SentAt:O}, while the killed host's lease held it until {until:O}");
            }
        }
        finally
        {
            foreach (var host in new[] { one, two }.Where(h => !h.HasExited)) host.Kill();
        }
    }

    /// <summary>Until when each pending card is leased to the host that took it.</summary>
    private static Dictionary<string, DateTimeOffset> LeasedUntil(string connection)
    {
        using var db = new Npgsql.NpgsqlConnection(connection);
        db.Open();
        using var query = new Npgsql.NpgsqlCommand("SELECT id, claimed_until FROM nudges WHERE status = 'Pending' AND claimed_until IS NOT NULL", db);
        using var rows = query.ExecuteReader();
        var leased = new Dictionary<string, DateTimeOffset>();
        while (rows.Read()) leased[rows.GetString(0)] = new DateTimeOffset(DateTime.SpecifyKind(rows.GetDateTime(1), DateTimeKind.Utc));
        return leased;
    }

    /// <summary>A host process whose output is kept (and read, so that it never blocks on a full pipe).</summary>
    private static Process Started(ProcessStartInfo start, string name, System.Collections.Concurrent.ConcurrentQueue<string> said)
    {
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => { if (line.Data is { } text) said.Enqueue($"{name}: {text}"); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is { } text) said.Enqueue($"{name}! {text}"); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Slack taking the call and never answering it (until the caller goes away).</summary>
    private sealed class Hanging : Microsoft.AspNetCore.Http.IResult
    {
        public async Task ExecuteAsync(Microsoft.AspNetCore.Http.HttpContext http)
        {
            try { await Task.Delay(TimeSpan.FromMinutes(2), http.RequestAborted); }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>The cards posted and answered (every call but the one left hanging), by their title.</summary>
    private static string[] Posted(FakeSlack slack, FakeCall hung) => slack.Calls("chat.postMessage").Where(c => !ReferenceEquals(c, hung))
        .Select(c => c.Fields.ToJsonString()).Where(j => j.Contains(Marker))
        .Select(j => System.Text.RegularExpressions.Regex.Match(j, Marker + @" \d+").Value).ToArray();

    private static ProcessStartInfo Host(string connection, TempFolder folder, string name, FakeSlack slack)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(SuccessBot.Cli.Verbs).Assembly.Location);
        foreach (var arg in new[] { "serve", "--urls", "http://127.0.0.1:0" }) start.ArgumentList.Add(arg);
        start.Environment["Storage__Provider"] = "postgres";
        start.Environment["ConnectionStrings__SuccessBot"] = connection;
        start.Environment["Storage__Path"] = Path.Combine(folder.Path, name, "successbot.db");
        start.Environment["Storage__DeliveryLeaseSeconds"] = "6";
        start.Environment["Checks__DeliverySeconds"] = "0.5";
        start.Environment["Checks__QuietHours"] = "off";
        start.Environment["Checks__MaxNudgesPerDay"] = "100";
        start.Environment["Nps__MaxPerDay"] = "0";
        start.Environment["Team__Managers__0"] = DemoGenerator.Manager;
        start.Environment["Slack__BotToken"] = "token-" + name;
        start.Environment["Slack__ApiBaseUrl"] = slack.ApiBaseUrl;
        start.Environment["Slack__SigningSecret"] = SlackBotFactory.SigningSecret;
        return start;
    }
}
