using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;
using SuccessBot.Demo;
using SuccessBot.Teams;

namespace SuccessBot.Tests.Teams;

/// <summary>Every bad request the issue lists: a 4xx (or 200 for an ignored activity type), nothing stored, nothing sent, no crash.</summary>
public class TeamsBadInputTests(TeamsBotFactory bot) : IClassFixture<TeamsBotFactory>
{
    private readonly TeamsChat _maria = Manager(bot);

    private static TeamsChat Manager(TeamsBotFactory bot)
    {
        var userId = "29:" + Guid.NewGuid().ToString("N");
        bot.Connector.Emails[userId] = DemoGenerator.Manager;
        return new TeamsChat(bot, userId);
    }

    private JsonObject Question => _maria.Activity("message", new JsonObject { ["text"] = "churn last month" });

    private async Task RefusedWith(HttpStatusCode status, Task<HttpResponseMessage> request)
    {
        var response = await request;
        Assert.Equal(status, response.StatusCode);
        await NothingStoredOrSent();
    }

    private async Task NothingStoredOrSent()
    {
        Assert.Null(bot.Services.GetRequiredService<ConversationReferences>().FindByUserId(_maria.UserId));
        Assert.Empty(_maria.CardsReceived);
        // The host is still up and answering.
        Assert.Equal(HttpStatusCode.OK, (await bot.CreateClient().GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public Task No_token_is_401() => RefusedWith(HttpStatusCode.Unauthorized, _maria.Post(Question, noToken: true));

    [Fact]
    public Task A_token_that_is_not_a_JWT_is_401() => RefusedWith(HttpStatusCode.Unauthorized, _maria.Post(Question, token: "not-a-jwt"));

    [Fact]
    public Task An_expired_token_is_401() =>
        RefusedWith(HttpStatusCode.Unauthorized, _maria.Post(Question, bot.Keys.Token(TeamsBotFactory.AppId, bot.Connector.Url, expires: DateTime.UtcNow.AddMinutes(-6))));

    [Fact]
    public async Task A_token_expired_within_the_five_minutes_of_clock_skew_is_accepted()
    {
        var response = await _maria.Post(Question, bot.Keys.Token(TeamsBotFactory.AppId, bot.Connector.Url, expires: DateTime.UtcNow.AddMinutes(-4)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public Task A_token_for_another_bot_is_401() =>
        RefusedWith(HttpStatusCode.Unauthorized, _maria.Post(Question, bot.Keys.Token("11111111-2222-3333-4444-555555555555", bot.Connector.Url)));

    [Fact]
    public Task A_token_from_another_issuer_is_401() =>
        RefusedWith(HttpStatusCode.Unauthorized, _maria.Post(Question, bot.Keys.Token(TeamsBotFactory.AppId, bot.Connector.Url, issuer: "https://sts.windows.net/attacker/")));

    [Fact]
    public Task A_token_signed_by_an_unknown_key_is_401() =>
        RefusedWith(HttpStatusCode.Unauthorized, _maria.Post(Question, bot.Keys.Token(TeamsBotFactory.AppId, bot.Connector.Url, strangerKey: true)));

    [Fact]
    public Task A_token_for_another_serviceUrl_is_401() =>
        RefusedWith(HttpStatusCode.Unauthorized, _maria.Post(Question, bot.Keys.Token(TeamsBotFactory.AppId, "https://smba.trafficmanager.net/emea/")));

    [Fact]
    public async Task A_key_not_endorsed_for_the_activitys_channel_is_401()
    {
        var activity = Question;
        activity["channelId"] = "slack";

        await RefusedWith(HttpStatusCode.Unauthorized, _maria.Post(activity));
    }

    [Fact]
    public Task Malformed_JSON_with_a_good_token_is_400() =>
        RefusedWith(HttpStatusCode.BadRequest, _maria.PostRaw("{\"type\": \"message\", \"text\": ", bot.Keys.Token(TeamsBotFactory.AppId, bot.Connector.Url)));

    [Fact]
    public Task Malformed_JSON_without_a_token_is_401_before_it_is_read() =>
        RefusedWith(HttpStatusCode.Unauthorized, _maria.PostRaw("{\"type\": ", null));

    [Fact]
    public Task An_activity_without_a_type_is_400() => RefusedWith(HttpStatusCode.BadRequest, _maria.Post(new JsonObject { ["text"] = "churn" }));

    [Fact]
    public async Task An_unknown_activity_type_is_ignored_with_200()
    {
        var response = await _maria.Post(_maria.Activity("messageReaction", new JsonObject { ["reactionsAdded"] = new JsonArray { new JsonObject { ["type"] = "like" } } }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await NothingStoredOrSent();
    }

    [Fact]
    public Task An_Action_Execute_of_a_button_we_never_sent_is_400() =>
        RefusedWith(HttpStatusCode.BadRequest, _maria.Executes("nudge.delete-everything", new JsonObject
        {
            [AdaptiveCards.ActionKey] = "nudge.delete-everything", [AdaptiveCards.ValueKey] = "x",
        }));

    [Fact]
    public async Task An_Action_Execute_on_a_nudge_we_never_sent_is_400()
    {
        var response = await _maria.Executes("nudge.snooze", new JsonObject { [AdaptiveCards.ActionKey] = "nudge.snooze", [AdaptiveCards.ValueKey] = "no-such-nudge", ["nudge.snooze.days"] = "7" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/vnd.microsoft.error", (await TeamsChat.Json(response)).GetProperty("type").GetString());
        Assert.Empty(_maria.CardsReceived);
    }

    [Fact]
    public async Task An_Action_Submit_that_is_not_from_our_card_is_400()
    {
        var response = await _maria.Submits(new JsonObject { ["whatever"] = "1" }, "some-activity");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_maria.CardsReceived);
    }

    [Fact]
    public async Task A_field_of_the_wrong_type_is_400_naming_the_field_and_the_type()
    {
        var activity = Question;
        activity["from"] = "someone";

        var response = await _maria.Post(activity);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The JSON at /from must be an object.", (await TeamsChat.Json(response)).GetProperty("error").GetString());
        await NothingStoredOrSent();
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_415()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TeamsEndpoints.Path) { Content = new StringContent(Question.ToJsonString(), System.Text.Encoding.UTF8, "text/plain") };
        request.Headers.Authorization = new("Bearer", bot.Keys.Token(TeamsBotFactory.AppId, bot.Connector.Url));

        await RefusedWith(HttpStatusCode.UnsupportedMediaType, bot.CreateClient().SendAsync(request));
    }

    [Fact]
    public async Task An_invoke_we_do_not_handle_is_501()
    {
        var response = await _maria.Post(_maria.Activity("invoke", new JsonObject { ["name"] = "composeExtension/query", ["value"] = new JsonObject() }));

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
    }
}

/// <summary>With no Teams:AppId (the local emulator), requests without a token are answered, and replies carry no token.</summary>
public class TeamsEmulatorTests(EmulatorBotFactory bot) : IClassFixture<EmulatorBotFactory>
{
    [Fact]
    public async Task A_message_without_a_token_is_answered_through_the_connector()
    {
        var userId = "29:emulator-user";
        bot.Connector.Emails[userId] = DemoGenerator.Manager;
        var chat = new TeamsChat(bot, userId);
        var question = chat.Activity("message", new JsonObject { ["text"] = "renewals next 30 days" });

        var response = await chat.Post(question, noToken: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The asker is the demo's manager: the delivery round at start may bring them their nudges in this conversation
        // once it knows them (the message saved their conversation reference), so the answer is the reply to the question.
        var answer = Assert.Single(chat.RepliesTo(question));
        Assert.StartsWith("Renewals", answer.CardTitle);
        Assert.Null(answer.Authorization);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("::::")]
    [InlineData("ftp://localhost/")]
    [InlineData("/relative/path")]
    public async Task A_serviceUrl_that_is_not_an_http_url_is_400(string serviceUrl)
    {
        var chat = new TeamsChat(bot, "29:emulator-" + Guid.NewGuid().ToString("N"));
        var activity = chat.Activity("message", new JsonObject { ["text"] = "help", ["serviceUrl"] = serviceUrl });

        var response = await chat.Post(activity, noToken: true);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("serviceUrl", (await TeamsChat.Json(response)).GetProperty("error").GetString());
        Assert.Empty(chat.CardsReceived);
    }

    [Fact]
    public async Task A_chunked_body_over_256_KB_is_413_though_it_declares_no_length()
    {
        var chat = new TeamsChat(bot, "29:emulator-" + Guid.NewGuid().ToString("N"));
        var activity = chat.Activity("message", new JsonObject { ["text"] = "help", ["padding"] = new string('x', 400 * 1024) });
        var content = new StreamContent(new UnknownLength(System.Text.Encoding.UTF8.GetBytes(activity.ToJsonString())));
        content.Headers.ContentType = new("application/json");

        var response = await bot.CreateClient().PostAsync(TeamsEndpoints.Path, content);

        Assert.Null(content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(chat.CardsReceived);
    }

    /// <summary>A body whose length is not known in advance, as a chunked upload sends it.</summary>
    private sealed class UnknownLength(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
