using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Domain;
using SuccessBot.Demo;
using SuccessBot.Host;
using SuccessBot.Storage;
using SuccessBot.Tests.Slack;
using SuccessBot.Tests.Teams;

namespace SuccessBot.Tests.Web;

/// <summary>A name as a CSV import or Segment traits can bring it, with markup each channel would act on.</summary>
public static class HostileAccount
{
    public const string Name = "Evil <!channel> <@U0LAN0Z89> <http://evil.example|click> & [click](http://evil.example) *bold*";

    /// <summary>Stores the account and has the host's read model see it.</summary>
    public static void StoreIn(IServiceProvider services)
    {
        services.GetRequiredService<LiteDbStore>().Book.UpsertAccounts(
            [new Account { Id = "evil-1", Name = Name, OwnerEmail = DemoGenerator.Csms[0], Mrr = 100, StartedOn = new DateOnly(2024, 1, 1) }],
            DateOnly.FromDateTime(DateTime.UtcNow));
        services.GetRequiredService<BookReadModel>().Refresh();
    }
}

public class SlackEscapingTests(SlackHost host) : IClassFixture<SlackHost>
{
    [Fact]
    public async Task A_name_with_mentions_and_links_reaches_slack_escaped_in_the_text_and_every_mrkdwn_field()
    {
        HostileAccount.StoreIn(host.Bot.Services);

        var response = await host.Bot.PostFormAsync(SlackPayloads.SlashCommand("/health", "Evil", responseUrl: host.Slack.ResponseUrl("escaping")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = await host.Slack.AnswerOfAsync(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), "escaping");
        var mrkdwn = Mrkdwn(message["blocks"]).Append(message["text"]!.GetValue<string>()).ToArray();
        Assert.Contains(mrkdwn, t => t.Contains("&lt;!channel&gt; &lt;@U0LAN0Z89&gt; &lt;http://evil.example|click&gt; &amp;"));
        Assert.All(mrkdwn, t => Assert.DoesNotContain("<!channel>", t));
        Assert.All(mrkdwn, t => Assert.DoesNotContain("<@U0LAN0Z89>", t));
        Assert.All(mrkdwn, t => Assert.DoesNotContain("<http://", t));
        Assert.StartsWith("Health", message["text"]!.GetValue<string>());
    }

    private static IEnumerable<string> Mrkdwn(JsonNode? node) => node switch
    {
        JsonObject o when o["type"]?.GetValue<string>() == "mrkdwn" => [o["text"]!.GetValue<string>()],
        JsonObject o => o.SelectMany(p => Mrkdwn(p.Value)),
        JsonArray a => a.SelectMany(Mrkdwn),
        _ => [],
    };
}

public class TeamsEscapingTests(TeamsBotFactory bot) : IClassFixture<TeamsBotFactory>
{
    [Fact]
    public async Task A_name_with_a_markdown_link_reaches_teams_as_text_not_a_link()
    {
        HostileAccount.StoreIn(bot.Services);
        var userId = "29:" + Guid.NewGuid().ToString("N");
        bot.Connector.Emails[userId] = DemoGenerator.Manager;
        var chat = new TeamsChat(bot, userId);

        var response = await chat.Post(chat.Activity("message", new JsonObject { ["text"] = "health Evil" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var texts = Texts(Assert.Single(chat.Replies).Card).ToArray();
        Assert.StartsWith("Health", texts[0]);
        Assert.Contains(texts, t => t.Contains(@"\[click\]\(http://evil.example) \*bold\*"));
        Assert.All(texts, t => Assert.DoesNotContain("[click](", t));
        Assert.All(texts, t => Assert.DoesNotContain(" *bold*", t));
    }

    /// <summary>Every TextBlock text and fact of the card: what Teams reads as markdown.</summary>
    private static IEnumerable<string> Texts(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p =>
            p.Name is "text" or "title" or "value" && p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()!] : Texts(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Texts),
        _ => [],
    };
}
