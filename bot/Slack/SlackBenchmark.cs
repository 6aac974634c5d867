using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SuccessBot.Demo;
using SuccessBot.Host;
using SuccessBot.Storage;

namespace SuccessBot.Slack;

/// <summary>
/// Issue 5's figure: a signed `/churn last month` posted to the real host over loopback, answered in the response,
/// with 100,000 accounts stored; p50 and p99 (target p99 under 100 ms). Slack's Web API is a local stand-in.
/// </summary>
public static class SlackBenchmark
{
    internal const string Secret = "benchmark-signing-secret", Team = "T0BARS";

    public static async Task<int> RunAsync(TextWriter output, int accounts, int wrkSeconds = 0, IReadOnlyList<string>? peers = null, int requests = 1000)
    {
        var folder = Directory.CreateTempSubdirectory("successbot-slack-bench-");
        try
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var clock = Stopwatch.StartNew();
            var book = DemoGenerator.Generate(seed: 7, today, accounts, usageDays: 1);
            var path = Path.Combine(folder.FullName, "bench.db");
            using (var store = new LiteDbStore(path))
            {
                store.Book.UpsertAccounts(book.Accounts, today);
                store.Book.UpsertMrrHistory(book.MrrChanges);
            }
            output.WriteLine($"Stored {book.Accounts.Count:N0} accounts with two years of MRR history in {clock.Elapsed.TotalSeconds:0.0} s.");

            await using var slack = await FakeWebApiAsync(new Dictionary<string, string> { ["UMGR"] = DemoGenerator.Manager });
            var api = slack.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            await using var bot = BotHost.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], new Dictionary<string, string?>
            {
                ["Storage:Path"] = path,
                ["Team:Managers:0"] = DemoGenerator.Manager,
                ["Slack:BotToken"] = "fake-bot-token-benchmark",
                ["Slack:SigningSecret"] = Secret,
                ["Slack:ApiBaseUrl"] = api + "/api/",
            });
            await bot.StartAsync();
            var url = bot.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(url) };

            // The host answers for days: measure it warm, after the start-up checks and the first compilations.
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed < TimeSpan.FromSeconds(5)) await PostAsync(http);
            var times = new double[requests];
            for (var i = 0; i < requests; i++)
            {
                clock.Restart();
                await PostAsync(http);
                times[i] = clock.Elapsed.TotalMilliseconds;
            }
            Array.Sort(times);
            output.WriteLine($"Signed /churn last month to answer over {book.Accounts.Count:N0} accounts ({requests} requests, one at a time, target p99 < 100 ms):");
            output.WriteLine($"  p50 {times[requests / 2],7:0.00} ms   p99 {times[(int)Math.Ceiling(requests * 0.99) - 1],7:0.00} ms   max {times[^1],7:0.00} ms");
            if (wrkSeconds > 0) await SideBySideAsync(output, [("SuccessBot", url.TrimEnd('/') + SlackEndpoints.Path), .. (peers ?? []).Select(p => (p, p))], wrkSeconds);
            await bot.StopAsync();
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // The body ../shared/bench/slack-latency.sh posts, so that SuccessBot and its peers answer the same request.
    private const string Body = "token=t&team_id=T0BARS&team_domain=bars&channel_id=C0BARS&channel_name=general&user_id=UMGR&user_name=manager&command=%2Fchurn&text=last+month&api_app_id=A0BARS&is_enterprise_install=false&response_url=http%3A%2F%2F127.0.0.1%3A5392%2Fresponse%2F1&trigger_id=1.2.3";

    /// <summary>
    /// One signed /churn under `wrk -t1 -c8` against each target in turn, after a 3-second warm-up of each (PERFORMANCE.md's method):
    /// SuccessBot, then the peers named (the Bolt-js app and the bare Kestrel endpoint of ../shared/bench, started with the same secret).
    /// </summary>
    private static async Task SideBySideAsync(TextWriter output, IReadOnlyList<(string Name, string Url)> targets, int seconds)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, $$"""
            wrk.method = "POST"
            wrk.body = "{{Body}}"
            wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
            wrk.headers["X-Slack-Request-Timestamp"] = "{{timestamp}}"
            wrk.headers["X-Slack-Signature"] = "{{SlackSignature.Sign(Secret, timestamp, Encoding.UTF8.GetBytes(Body))}}"
            """);
        output.WriteLine($"Signed /churn last month under wrk -t1 -c8, {seconds} s each after a 3 s warm-up, one after the other on this machine:");
        foreach (var (name, url) in targets)
        {
            await WrkAsync(script, url, 3);
            var report = await WrkAsync(script, url, seconds);
            string Line(string start) => report.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith(start, StringComparison.Ordinal))?.Trim() ?? "?";
            output.WriteLine($"  {name,-32} {Line("Requests/sec")}   p50 {Line("50%")}   p99 {Line("99%")}   {Line("Non-2xx")}");
        }
        File.Delete(script);
    }

    private static async Task<string> WrkAsync(string script, string url, int seconds)
    {
        var start = new ProcessStartInfo("wrk", ["-t1", "-c8", $"-d{seconds}s", "--latency", "-s", script, url]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start (apt-get install wrk).");
        var report = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        return report;
    }

    /// <summary>A form post to the Slack endpoint, signed with the benchmark's secret as Slack signs its requests.</summary>
    internal static HttpRequestMessage SignedPost(string body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, SlackEndpoints.Path) { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(Secret, timestamp, Encoding.UTF8.GetBytes(body)));
        return request;
    }

    private static async Task PostAsync(HttpClient http)
    {
        using var request = SignedPost(Body);
        using var response = await http.SendAsync(request);
        var answer = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || !answer.Contains("Churn", StringComparison.Ordinal))
            throw new InvalidOperationException($"The benchmark's slash command was not answered: {(int)response.StatusCode} {answer[..Math.Min(200, answer.Length)]}");
    }

    /// <summary>
    /// The Web API methods a slash command and a click need (auth.test, users.info for the people named; chat updates and
    /// ephemeral words are taken), answered at once; nobody is found by email, so nudges stay in the local chat.
    /// </summary>
    internal static async Task<WebApplication> FakeWebApiAsync(IReadOnlyDictionary<string, string> emailOf)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/api/auth.test", () => Results.Json(new { ok = true, team_id = Team, user_id = "UBOT" }));
        app.MapPost("/api/users.info", async (HttpRequest request) =>
        {
            var user = (await request.ReadFormAsync())["user"].ToString();
            return emailOf.TryGetValue(user, out var email)
                ? Results.Json(new { ok = true, user = new { id = user, team_id = Team, profile = new { email } } })
                : Results.Json(new { ok = false, error = "user_not_found" });
        });
        foreach (var method in new[] { "chat.update", "chat.postEphemeral", "chat.postMessage" })
            app.MapPost($"/api/{method}", () => Results.Json(new { ok = true, ts = "1.2" }));
        app.MapPost("/api/{method}", () => Results.Json(new { ok = false, error = "users_not_found" }));
        await app.StartAsync();
        return app;
    }
}
