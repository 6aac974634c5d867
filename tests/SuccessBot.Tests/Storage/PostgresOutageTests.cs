using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;
using SuccessBot.Import;
using SuccessBot.Slack;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;
using SuccessBot.Tests.Slack;

namespace SuccessBot.Tests.Storage;

/// <summary>
/// The database lost while a host serves (its network cut): answers keep coming from the read model, writes are refused with
/// 503 and `Retry-After` (Slack: "try again in a minute") and leave nothing behind, and once it is back everything resumes.
/// </summary>
public sealed class PostgresOutageTests : IAsyncLifetime
{
    private static readonly string Csm = DemoGenerator.Csms[0];
    private readonly TempFolder _folder = new();
    private FakeSlack _slack = null!;
    private DatabaseLine _line = null!;
    private StoreHost _host = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlack.StartAsync();
        var connection = PostgresServer.Require().CreateDatabase();
        using (var store = new SuccessBot.Storage.Postgres.PostgresStore(connection))
        {
            var accounts = _folder.File("accounts.csv", "account_id,name,owner_email,mrr,started_on,renewal_on\n"
                + string.Join('\n', Enumerable.Range(1, 6).Select(i => $"a{i},Account {i},{Csm},{100 * i},2024-01-01,{DateTime.UtcNow.AddDays(10 * i):yyyy-MM-dd}")));
            Importers.ImportAccounts(store.Book, accounts, DateOnly.FromDateTime(DateTime.UtcNow));
        }
        _line = new DatabaseLine(connection);
        _host = StoreHost.OnPostgres(_line.Connection, ("Slack:BotToken", "fake-bot-token"), ("Slack:ApiBaseUrl", _slack.ApiBaseUrl),
            ("Slack:SigningSecret", SlackBotFactory.SigningSecret), ("Storage:RetryMaxSeconds", "1"));
        _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        _line.Dispose();
        await _slack.DisposeAsync();
        _folder.Dispose();
    }

    private INudgeLedger Ledger => _host.Services.GetRequiredService<INudgeLedger>();

    private string NewNudge()
    {
        var account = _host.Services.GetRequiredService<IBookSource>().Current.Accounts.First();
        var key = $"test|outage|{Guid.NewGuid():N}";
        Ledger.Add(NudgeRecord.From(new Nudge(key, NudgeRules.Renewal, account.Id, Csm, new Reply($"Renewal · {account.Name}") { Buttons = NudgeCards.Actions(key) }), DateTimeOffset.UtcNow));
        return key;
    }

    private Task<HttpResponseMessage> Snooze(string key) => _host.CreateClient().PostAsJsonAsync("/chat/actions",
        new { @as = Csm, actionId = NudgeCards.Snooze, value = key, inputs = new Dictionary<string, string> { ["days"] = "7" } });

    private Task<HttpResponseMessage> SnoozeInSlack(string key)
    {
        var metadata = new ClickOrigin(NudgeCards.Snooze, key, "D0001", "1700000000.000003", false, null).Encode();
        return Signed("payload=" + Uri.EscapeDataString(SlackPayloads.ViewSubmission(metadata, SlackPayloads.Values(("days", "7", true)), user: FakeSlack.Csm)), "application/x-www-form-urlencoded");
    }

    /// <summary>The host's warnings and errors, for a failure's message.</summary>
    private string Said() => string.Join('\n', _host.Log.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(e => $"{e.Category} {e.Message} {e.Exception?.Message}"));

    private async Task<HttpStatusCode> Health() => (await _host.CreateClient().GetAsync("/healthz")).StatusCode;

    [SkippableFact]
    public async Task With_the_database_cut_answers_come_from_the_read_model_writes_get_503_and_try_again_and_all_resumes_when_it_is_back()
    {
        var (key, slackKey) = (NewNudge(), NewNudge());
        var renewals = (await _host.Ask("renewals next 90 days")).ToString();
        Assert.Contains("Account 6", renewals);

        _line.Cut();

        // Answers: from the book this host holds, the same as before, and a question not asked before too.
        Assert.Equal(renewals, (await _host.Ask("renewals next 90 days")).ToString());
        Assert.StartsWith("Health", (await _host.Ask("health Account 3")).GetProperty("title").GetString());
        // A click in the local chat: 503, when to try again, and why.
        var click = await Snooze(key);
        Assert.True(click.StatusCode == HttpStatusCode.ServiceUnavailable, $"{click.StatusCode} {await click.Content.ReadAsStringAsync()}\n{Said()}");
        Assert.Equal(TimeSpan.FromSeconds(60), click.Headers.RetryAfter?.Delta);
        Assert.Contains("cannot reach its database just now, so nothing was changed", (await click.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        // The same click in Slack's modal: the modal stays open and says to try again in a minute.
        var slackClick = await SnoozeInSlack(slackKey);
        Assert.Equal(HttpStatusCode.OK, slackClick.StatusCode);
        var modal = JsonNode.Parse(await slackClick.Content.ReadAsStringAsync())!;
        Assert.Equal("errors", modal["response_action"]!.GetValue<string>());
        Assert.Contains("try this again in a minute", modal["errors"]!["days"]!.GetValue<string>());
        // Anything else that writes (here a Slack event, whose id is kept) is a 503 with the reason, not a 500.
        var mention = await SignedJson(SlackPayloads.EventCallback("Ev-outage-1", SlackPayloads.AppMention("at-risk")));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(60)), (mention.StatusCode, mention.Headers.RetryAfter?.Delta));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await Health());

        _line.Mend();

        // Back without a restart: nothing of the refused clicks was written, and the same clicks now act.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await Health() != HttpStatusCode.OK && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
        Assert.Equal(HttpStatusCode.OK, await Health());
        Assert.Null(Ledger.Find(key)!.Action);
        Assert.Null(Ledger.Find(slackKey)!.Action);
        var again = await Snooze(key);
        Assert.True(again.StatusCode == HttpStatusCode.OK, $"{again.StatusCode} {await again.Content.ReadAsStringAsync()}\n{Said()}");
        Assert.StartsWith("snoozed", Ledger.Find(key)!.Action);
        Assert.Equal(HttpStatusCode.OK, (await SnoozeInSlack(slackKey)).StatusCode);
        Assert.StartsWith("snoozed", Ledger.Find(slackKey)!.Action);
        Assert.Equal(HttpStatusCode.OK, (await SignedJson(SlackPayloads.EventCallback("Ev-outage-1", SlackPayloads.AppMention("at-risk")))).StatusCode);
    }

    private Task<HttpResponseMessage> SignedJson(string body) => Signed(body, "application/json");

    /// <summary>A body posted to the Slack endpoint signed as Slack signs it.</summary>
    private Task<HttpResponseMessage> Signed(string body, string contentType)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, SlackEndpoints.Path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(SlackBotFactory.SigningSecret, timestamp, Encoding.UTF8.GetBytes(body)));
        return _host.CreateClient().SendAsync(request);
    }
}
