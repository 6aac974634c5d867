using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;
using SuccessBot.Slack;

namespace SuccessBot.Tests.Slack;

/// <summary>`POST /slack/events` through the real pipeline, signed as Slack signs, answered through the fake Web API.</summary>
public class SlackInboundTests(SlackHost host) : IClassFixture<SlackHost>
{
    private SlackBotFactory Bot => host.Bot;
    private FakeSlack Slack => host.Slack;

    private static async Task<JsonObject> Json(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    private static string Texts(JsonNode? blocks) => blocks?.ToJsonString() ?? "";

    /// <summary>What the asker sees of a slash command: its acknowledgement, or what followed it when answering took longer.</summary>
    private async Task<JsonObject> AnswerAsync(string command, string text, string user = FakeSlack.Manager)
    {
        var name = Guid.NewGuid().ToString("N");
        var ack = await Json(await Bot.PostFormAsync(SlackPayloads.SlashCommand(command, text, user: user, responseUrl: Slack.ResponseUrl(name))));
        return await Slack.AnswerOfAsync(ack, name);
    }

    [Fact]
    public async Task Url_verification_answers_the_challenge()
    {
        var response = await Bot.PostJsonAsync("""{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", (await Json(response))["challenge"]!.GetValue<string>());
    }

    [Fact]
    public async Task Requests_with_a_wrong_missing_or_stale_signature_are_refused_and_leave_nothing_behind()
    {
        var body = SlackPayloads.EventCallback("Ev-signature-1", SlackPayloads.DirectMessage("help"));
        var wrongSecret = await Bot.PostSignedAsync(body, "application/json", secret: "not-the-secret");
        var stale = await Bot.PostSignedAsync(body, "application/json", at: DateTimeOffset.UtcNow.AddMinutes(-6));
        var fromTheFuture = await Bot.PostSignedAsync(body, "application/json", at: DateTimeOffset.UtcNow.AddMinutes(6));
        var unsigned = await Bot.CreateClient().PostAsync(SlackEndpoints.Path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var tampered = await Bot.PostSignedAsync(body, "application/json", change: r => r.Content = new StringContent(body.Replace("help", "churn"), System.Text.Encoding.UTF8, "application/json"));

        Assert.All([wrongSecret, stale, fromTheFuture, unsigned, tampered], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        // The event id was not recorded: the same event, signed right, is handled as new.
        Assert.Equal(HttpStatusCode.OK, (await Bot.PostJsonAsync(body)).StatusCode);
        await Slack.WaitForAsync("chat.postMessage", c => c.Fields["channel"]?.GetValue<string>() == "D024BE91L");
    }

    [Fact]
    public async Task A_slash_command_answers_the_asker_only_within_the_request()
    {
        var response = await Bot.PostFormAsync(SlackPayloads.SlashCommand("/churn", "last month"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = await Json(response);
        Assert.Equal("ephemeral", message["response_type"]!.GetValue<string>());
        Assert.StartsWith("Churn", message["blocks"]![0]!["text"]!["text"]!.GetValue<string>());
        Assert.Contains("all accounts", message["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_slash_command_reaches_its_chat_command()
    {
        var atRisk = await AnswerAsync("/atrisk", "");
        var help = await AnswerAsync("/successbot", "help");
        var renewals = await AnswerAsync("/renewals", "next 30 days", user: FakeSlack.Csm);

        Assert.Contains("risk", atRisk["text"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("churn [PERIOD]", Texts(help["blocks"]));
        Assert.Contains("your accounts", renewals["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Share_posts_for_the_channel_but_never_in_a_channel_shared_with_another_organisation()
    {
        var shared = await Json(await Bot.PostFormAsync(SlackPayloads.SlashCommand("/churn", "last month share")));
        var external = await Json(await Bot.PostFormAsync(SlackPayloads.SlashCommand("/churn", "last month share", channel: FakeSlack.SharedChannel)));

        Assert.Equal("in_channel", shared["response_type"]!.GetValue<string>());
        Assert.Equal("ephemeral", external["response_type"]!.GetValue<string>());
        Assert.Contains(ChannelPrivacy.KeptFromOutsiders, Texts(external["blocks"]));
    }

    [Fact]
    public async Task An_app_mention_that_shares_in_a_channel_shared_with_another_organisation_stays_with_the_asker()
    {
        await Bot.PostJsonAsync(SlackPayloads.EventCallback("Ev-mention-external", SlackPayloads.AppMention("churn last month share", channel: "CEXTERNAL1"), externallyShared: true));

        var answer = await Slack.WaitForAsync("chat.postEphemeral", c => c.Fields["channel"]?.GetValue<string>() == "CEXTERNAL1");
        Assert.Equal(FakeSlack.Manager, answer.Fields["user"]!.GetValue<string>());
        Assert.Contains(ChannelPrivacy.KeptFromOutsiders, Texts(answer.Fields["blocks"]));
        Assert.DoesNotContain(Slack.Calls("chat.postMessage"), c => c.Fields["channel"]?.GetValue<string>() == "CEXTERNAL1");
    }

    [Fact]
    public async Task People_from_another_workspace_or_organisation_get_a_polite_refusal_and_no_data()
    {
        var guest = await Json(await Bot.PostFormAsync(SlackPayloads.SlashCommand("/churn", "last month share", user: FakeSlack.Guest)));
        var otherWorkspace = await Json(await Bot.PostFormAsync(SlackPayloads.SlashCommand("/churn", "last month", team: FakeSlack.OtherTeam)));
        var stranger = await Json(await Bot.PostFormAsync(SlackPayloads.SlashCommand("/churn", "last month", user: FakeSlack.Stranger)));

        foreach (var answer in new[] { guest, otherWorkspace })
        {
            Assert.Equal("ephemeral", answer["response_type"]!.GetValue<string>());
            Assert.StartsWith("Not available here", answer["text"]!.GetValue<string>());
            Assert.DoesNotContain("MRR", Texts(answer["blocks"]));
        }
        Assert.DoesNotContain("Churn", stranger["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_app_mention_is_acknowledged_at_once_answered_after_and_a_retry_does_nothing_again()
    {
        var body = SlackPayloads.EventCallback("Ev-mention-1", SlackPayloads.AppMention("nps this quarter", channel: "CMENTION1"));

        var first = await Bot.PostJsonAsync(body);
        var retry = await Bot.PostJsonAsync(body, r => { r.Headers.Add("X-Slack-Retry-Num", "1"); r.Headers.Add("X-Slack-Retry-Reason", "http_timeout"); });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var answer = await Slack.WaitForAsync("chat.postEphemeral", c => c.Fields["channel"]?.GetValue<string>() == "CMENTION1");
        Assert.Equal(FakeSlack.Manager, answer.Fields["user"]!.GetValue<string>());
        Assert.Contains("NPS", answer.Fields["text"]!.GetValue<string>());

        // A later event in the same channel is answered; by then the retry would have been too.
        await Bot.PostJsonAsync(SlackPayloads.EventCallback("Ev-mention-2", SlackPayloads.AppMention("help", channel: "CMENTION1")));
        await Slack.WaitForAsync("chat.postEphemeral", c => c.Fields["channel"]?.GetValue<string>() == "CMENTION1" && !c.Fields["text"]!.GetValue<string>().Contains("NPS"));
        Assert.Single(Slack.Calls("chat.postEphemeral"), c => c.Fields["channel"]?.GetValue<string>() == "CMENTION1" && c.Fields["text"]!.GetValue<string>().Contains("NPS"));
    }

    [Fact]
    public async Task An_app_mention_that_shares_replies_in_the_thread()
    {
        await Bot.PostJsonAsync(SlackPayloads.EventCallback("Ev-mention-share", SlackPayloads.AppMention("churn last month share", channel: "CTHREAD1")));

        var post = await Slack.WaitForAsync("chat.postMessage", c => c.Fields["channel"]?.GetValue<string>() == "CTHREAD1");
        Assert.Equal("1515449522.000016", post.Fields["thread_ts"]!.GetValue<string>());
        Assert.Equal("Bearer fake-bot-token", post.Authorization);
    }

    [Fact]
    public async Task A_direct_message_is_answered_in_the_conversation_and_the_bots_own_messages_are_not()
    {
        var own = SlackPayloads.DirectMessage("churn last month");
        own["bot_id"] = "B0001";
        own["channel"] = "DBOTSELF";
        Assert.Equal(HttpStatusCode.OK, (await Bot.PostJsonAsync(SlackPayloads.EventCallback("Ev-dm-own", own))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Bot.PostJsonAsync(SlackPayloads.EventCallback("Ev-dm-1", SlackPayloads.DirectMessage("renewals next 30 days")))).StatusCode);

        var answer = await Slack.WaitForAsync("chat.postMessage", c => c.Fields["channel"]?.GetValue<string>() == "D024BE91L" && c.Fields["text"]!.GetValue<string>().StartsWith("Renewals"));
        Assert.NotNull(answer.Fields["blocks"]);
        Assert.DoesNotContain(Slack.Calls("chat.postMessage"), c => c.Fields["channel"]?.GetValue<string>() == "DBOTSELF");
    }

    [Fact]
    public async Task Opening_the_app_home_publishes_the_home_tab()
    {
        await Bot.PostJsonAsync(SlackPayloads.EventCallback("Ev-home-1", SlackPayloads.AppHomeOpened(FakeSlack.Csm)));

        var publish = await Slack.WaitForAsync("views.publish", c => c.Fields["user_id"]?.GetValue<string>() == FakeSlack.Csm);
        Assert.Equal("home", publish.Fields["view"]!["type"]!.GetValue<string>());
        Assert.InRange(publish.Fields["view"]!["blocks"]!.AsArray().Count, 3, BlockKit.SurfaceBlocks);
        Assert.Contains(DemoGenerator.Csms[0], Texts(publish.Fields["view"]));
    }

    [Fact]
    public async Task A_nudge_button_asks_its_questions_in_a_modal_then_acts_and_replaces_the_card()
    {
        var key = NewNudge("modal");
        var button = NudgeCards.Actions(key).Single(b => b.ActionId == NudgeCards.LogTouchpoint);

        var click = await Bot.PostFormAsync([new("payload", SlackPayloads.BlockActions(button.ActionId, new ButtonValue(key, button.Inputs).Encode(), messageTs: "1700000000.000001"))]);
        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var open = await Slack.WaitForAsync("views.open", c => c.Fields["view"]!["private_metadata"]!.GetValue<string>().Contains(key));
        Assert.Equal("12466734323.1395872398", open.Fields["trigger_id"]!.GetValue<string>());
        var metadata = open.Fields["view"]!["private_metadata"]!.GetValue<string>();
        Assert.Equal(["kind", "note"], open.Fields["view"]!["blocks"]!.AsArray().Select(b => b!["block_id"]!.GetValue<string>()));

        var submit = await Bot.PostFormAsync([new("payload", SlackPayloads.ViewSubmission(metadata, SlackPayloads.Values(("kind", "call", true), ("note", "Talked budget", false))))]);
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        Assert.Equal("", await submit.Content.ReadAsStringAsync());

        var update = await Slack.WaitForAsync("chat.update", c => c.Fields["ts"]?.GetValue<string>() == "1700000000.000001");
        Assert.Equal("D0001", update.Fields["channel"]!.GetValue<string>());
        Assert.DoesNotContain("\"actions\"", Texts(update.Fields["blocks"]));
        Assert.Contains($"{DemoGenerator.Manager} logged a call", Texts(update.Fields["blocks"]));
        Assert.Equal("logged a call", Ledger.Find(key)!.Action![..13]);
    }

    [Fact]
    public async Task A_modal_without_its_required_answer_shows_the_problem_and_does_nothing()
    {
        var key = NewNudge("required");
        var metadata = new ClickOrigin(NudgeCards.MarkChurned, key, "D0001", "1700000000.000002", false, null).Encode();

        var response = await Bot.PostFormAsync([new("payload", SlackPayloads.ViewSubmission(metadata, SlackPayloads.Values(("note", "no reason given", false))))]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.Equal("errors", body["response_action"]!.GetValue<string>());
        Assert.Contains("churn reason", body["errors"]!["note"]!.GetValue<string>());
        Assert.Null(Ledger.Find(key)!.Action);
    }

    [Theory]
    [InlineData("application/json", """{"token":"x","type":"event_callback","event_id":"Ev-unknown","event":{"type":"reaction_added","user":"U1"}}""", 400)]
    [InlineData("application/json", """{"type":"something_new"}""", 400)]
    [InlineData("application/json", """{"type":"event_callback","event": """, 400)]
    [InlineData("application/json", """[1,2,3]""", 400)]
    [InlineData("application/x-www-form-urlencoded", "%%%this=is&not=a%form", 400)]
    [InlineData("application/x-www-form-urlencoded", "payload=%7Bnot%20json", 400)]
    [InlineData("application/x-www-form-urlencoded", "payload=%5B%5D", 400)]
    [InlineData("application/x-www-form-urlencoded", "payload=%7B%22type%22%3A%22block_actions%22%2C%22user%22%3A%7B%22id%22%3A%22UMANAGER%22%7D%2C%22actions%22%3A%5B%7B%22action_id%22%3A%22delete.everything%22%2C%22value%22%3A%22x%22%7D%5D%7D", 400)]
    [InlineData("application/x-www-form-urlencoded", "payload=%7B%22type%22%3A%22message_action%22%2C%22user%22%3A%7B%22id%22%3A%22UMANAGER%22%7D%7D", 400)]
    [InlineData("application/x-www-form-urlencoded", "command=%2Fdelete&team_id=T0001&user_id=UMANAGER&channel_id=C1", 400)]
    [InlineData("text/plain", "hello", 415)]
    public async Task Bad_input_gets_a_4xx_and_no_crash(string contentType, string body, int status)
    {
        var response = await Bot.PostSignedAsync(body, contentType);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains("error", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_button_value_or_nudge_that_was_never_sent_gets_a_400()
    {
        var forged = await Bot.PostFormAsync([new("payload", SlackPayloads.BlockActions(NudgeCards.Snooze, "not-our-json"))]);
        var noSuchNudge = await Bot.PostFormAsync([new("payload", SlackPayloads.BlockActions(NudgeCards.Snooze, new ButtonValue("no-such-nudge", []).Encode()))]);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noSuchNudge.StatusCode);
    }

    [Fact]
    public async Task A_body_over_one_megabyte_gets_a_413()
    {
        var response = await Bot.PostSignedAsync("payload=" + new string('a', SlackEndpoints.MaxBodyBytes), "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Slacks_unsigned_ssl_check_gets_a_plain_200()
    {
        var response = await Bot.CreateClient().PostAsync(SlackEndpoints.Path, new StringContent("ssl_check=1&token=abc", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Every_slash_command_in_the_manifest_has_a_handler_and_every_handler_a_manifest_entry()
    {
        var manifest = File.ReadAllText(Path.Combine(RepoRoot.Path, SlackManifest.RepositoryPath));
        var inManifest = System.Text.RegularExpressions.Regex.Matches(manifest, "- command: \"(/[a-z]+)\"").Select(m => m.Groups[1].Value).Order().ToArray();
        var handled = Bot.Services.GetRequiredService<SlackRoutes>().Commands.Keys.Order().ToArray();

        Assert.Equal(handled, inManifest);
        Assert.Contains("/atrisk", handled);
        Assert.Contains("/successbot", handled);
        Assert.Equal(SlackManifest.Yaml(SlackManifest.SampleBaseUrl, socketMode: false), manifest);
    }

    private INudgeLedger Ledger => Bot.Services.GetRequiredService<INudgeLedger>();

    /// <summary>A nudge in the ledger, to a CSM, as the checks would have recorded it.</summary>
    private string NewNudge(string name)
    {
        var account = Bot.Services.GetRequiredService<IBookSource>().Current.Accounts.First(a => a.CanceledOn is null);
        var key = $"test|{name}|{Guid.NewGuid():N}";
        Ledger.Add(NudgeRecord.From(new Nudge(key, NudgeRules.Renewal, account.Id, account.OwnerEmail, new Reply($"Renewal · {account.Name}") { Buttons = NudgeCards.Actions(key) }), DateTimeOffset.UtcNow));
        return key;
    }
}
