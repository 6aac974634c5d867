using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SuccessBot.Demo;
using SuccessBot.Tests.Ingest;
using SuccessBot.Tests.Slack;
using SuccessBot.Tests.Teams;
using SuccessBot.Web;
using static SuccessBot.Tests.Ingest.SegmentPayloads;

namespace SuccessBot.Tests.Web;

/// <summary>A lone surrogate escape, what a browser's JSON.stringify makes of a cut emoji: read as U+FFFD at every endpoint.</summary>
public static class LoneSurrogate
{
    public const string Placeholder = "LONE-SURROGATE";

    /// <summary>The JSON of <paramref name="node"/> with each placeholder written as `\ud83d`, the first half of 😀 alone.</summary>
    public static string Json(JsonNode node) => node.ToJsonString().Replace(Placeholder, "\\ud83d", StringComparison.Ordinal);
}

public class JsonInputTests
{
    [Theory]
    [InlineData("""["\ud83d"]""", """["\ufffd"]""")]
    [InlineData("""["\udE00 and \uD83D\uDE00"]""", """["\ufffd and \uD83D\uDE00"]""")]
    [InlineData("""["\\ud83d", "\ud83d\ud83d"]""", """["\\ud83d", "\ufffd\ufffd"]""")]
    [InlineData("""{"\ud800x": 1}""", """{"\ufffdx": 1}""")]
    public void Lone_surrogate_escapes_become_the_replacement_character_and_pairs_and_escaped_backslashes_stay(string sent, string read)
    {
        var bytes = Encoding.UTF8.GetBytes(sent);

        JsonInput.ReplaceLoneSurrogates(bytes);

        Assert.Equal(read, Encoding.UTF8.GetString(bytes));
    }

    [Theory]
    [InlineData("""{"type":"message","from":"someone"}""", "The JSON at /from must be an object.")]
    [InlineData("""{"type":"message","membersAdded":[{"id":"a"},"b"]}""", "The JSON at /membersAdded/1 must be an object.")]
    [InlineData("""{"type":"message","from":{"id":5}}""", "The JSON at /from/id must be a string, not a number.")]
    [InlineData("""{"type":"message","timestamp":"yesterday"}""", "The JSON at /timestamp must be an ISO 8601 date and time string.")]
    [InlineData("""{"type":"message","entities":{}}""", "The JSON at /entities must be an array.")]
    [InlineData("""{"type":["message"]}""", "The JSON at /type must be a string, not an array.")]
    [InlineData("{\"type\":\"message\",\"text\":\"a\"", "The body is not valid JSON: Expected depth to be zero at the end of the JSON payload; There is an open JSON object or array that should be closed.")]
    [InlineData("\"just a string\"", "The JSON body must be an object.")]
    public void A_body_that_cannot_be_read_names_where_and_what_was_expected(string json, string problem)
    {
        var e = Assert.Throws<JsonException>(() => JsonInput.Deserialize<SuccessBot.Teams.Activity>(Encoding.UTF8.GetBytes(json), SuccessBot.Teams.Activity.Json));

        Assert.Equal(problem, e.Message);
    }

    [Fact]
    public void Nesting_10000_deep_is_refused_by_name()
    {
        var deep = Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000));

        Assert.Null(JsonInput.Parse(deep, out var problem));
        Assert.Equal("The body is nested more than 64 levels deep.", problem);
    }
}

public class LoneSurrogateIngestTests(IngestFactory host) : IClassFixture<IngestFactory>
{
    [Fact]
    public async Task A_group_call_with_a_cut_emoji_in_a_name_is_stored_with_the_replacement_character()
    {
        var account = "acct-" + Guid.NewGuid().ToString("N")[..8];
        var group = Group("user-" + account, account, $"Smile {LoneSurrogate.Placeholder}Co");

        var response = await host.Segment().PostAsync("/v1/group", new StringContent(LoneSurrogate.Json(group), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Smile \uFFFDCo", host.Book.Find(account)!.Name);
    }

    [Fact]
    public async Task A_write_key_in_the_body_with_a_lone_surrogate_is_a_wrong_key_not_a_crash()
    {
        var track = Track("user-x", "Report Created");
        track["writeKey"] = IngestFactory.WriteKey + LoneSurrogate.Placeholder;

        var response = await host.CreateClient().PostAsync("/v1/track", new StringContent(LoneSurrogate.Json(track), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("writeKey", (await BodyOf(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_batch_holding_an_event_with_a_lone_surrogate_is_accepted_whole()
    {
        var account = "acct-" + Guid.NewGuid().ToString("N")[..8];
        var user = "user-" + account;
        var batch = Batch(Group(user, account, "Batch Co"), Track(user, $"Clicked {LoneSurrogate.Placeholder}"), Track(user, "Report Created"));

        var response = await host.Segment().PostAsync("/v1/batch", new StringContent(LoneSurrogate.Json(batch), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await BodyOf(response)).TryGetProperty("rejected", out _));
        Assert.Contains("Clicked \uFFFD", host.UsageToday(account)!.Value.Features);
    }
}

public class LoneSurrogateSlackTests(SlackHost host) : IClassFixture<SlackHost>
{
    [Fact]
    public async Task A_challenge_with_a_lone_surrogate_is_answered()
    {
        var body = LoneSurrogate.Json(new JsonObject { ["type"] = "url_verification", ["challenge"] = $"abc{LoneSurrogate.Placeholder}", ["token"] = "t" });

        var response = await host.Bot.PostJsonAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("abc\uFFFD", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["challenge"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_mention_with_a_cut_emoji_is_answered()
    {
        var mention = SlackPayloads.AppMention($"help {LoneSurrogate.Placeholder}", channel: "CSURROGATE");
        var body = LoneSurrogate.Json(JsonNode.Parse(SlackPayloads.EventCallback("Ev-surrogate-1", mention))!);

        var response = await host.Bot.PostJsonAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await host.Slack.WaitForAsync("chat.postEphemeral", c => c.Fields["channel"]?.GetValue<string>() == "CSURROGATE");
    }
}

public class LoneSurrogateTeamsTests(TeamsBotFactory bot) : IClassFixture<TeamsBotFactory>
{
    [Fact]
    public async Task A_message_with_a_cut_emoji_is_answered()
    {
        var userId = "29:" + Guid.NewGuid().ToString("N");
        bot.Connector.Emails[userId] = DemoGenerator.Manager;
        var chat = new TeamsChat(bot, userId);
        var activity = chat.Activity("message", new JsonObject { ["text"] = $"help {LoneSurrogate.Placeholder}" });

        var response = await chat.PostRaw(LoneSurrogate.Json(activity), bot.Keys.Token(TeamsBotFactory.AppId, bot.Connector.Url));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(chat.CardsReceived);
    }
}

public class LoneSurrogateLocalChatTests(BotFactory factory) : IClassFixture<BotFactory>
{
    [Fact]
    public async Task A_chat_message_with_a_cut_emoji_is_answered()
    {
        var body = LoneSurrogate.Json(new JsonObject { ["as"] = DemoGenerator.Manager, ["text"] = $"help {LoneSurrogate.Placeholder}" });
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await factory.CreateClient().PostAsync("/chat/messages", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("help \uFFFD", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0].GetProperty("text").GetString());
    }
}
