using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Slack;

namespace SuccessBot.Tests.Slack;

/// <summary>The Slack channel and Web API client against the fake Slack: rate limits, Slack's errors, and what is never retried.</summary>
public class SlackOutboundTests(SlackHost host) : IClassFixture<SlackHost>
{
    private const string Email = "outbound.test@successbot.demo";
    private static readonly string Direct = "D" + FakeSlack.Outbound;
    private FakeSlack Slack => host.Slack;

    private IChatChannel Channel => host.Bot.Services.GetServices<IChatChannel>().First();

    private static Func<JsonObject, bool> To(string channel) => fields => fields["channel"]?.GetValue<string>() == channel;

    private static Reply Card(string title) => new(title) { Summary = "Renewal in 12 days", Buttons = NudgeCards.Actions("key-" + title) };

    [Fact]
    public void Slack_comes_before_the_local_chat_among_the_channels()
    {
        Assert.Equal(["slack", "teams", "local"], host.Bot.Services.GetServices<IChatChannel>().Select(c => c.Name));
    }

    [Fact]
    public async Task A_nudge_goes_as_a_direct_message_with_its_buttons_and_can_be_updated()
    {
        var delivery = await Channel.SendAsync(Email, Card("sent"), CancellationToken.None);

        Assert.True(delivery.Delivered, delivery.Error);
        var post = Slack.Calls("chat.postMessage").Single(c => c.Fields["text"]!.GetValue<string>().StartsWith("sent"));
        Assert.Equal(Direct, post.Fields["channel"]!.GetValue<string>());
        Assert.Contains(NudgeCards.Snooze, post.Fields["blocks"]!.ToJsonString());
        Assert.StartsWith($"{Direct}|", delivery.MessageRef);

        await Channel.UpdateAsync(Email, delivery.MessageRef!, NudgeCards.Done(Card("sent"), "done by someone"), CancellationToken.None);
        var update = Slack.Calls("chat.update").Single(u => u.Fields["ts"]!.GetValue<string>() == delivery.MessageRef!.Split('|')[1]);
        Assert.Equal(Direct, update.Fields["channel"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_contact_slack_does_not_know_is_reached_in_their_accounts_shared_channel()
    {
        const string contact = "buyer@shared-customer.example";
        var store = host.Bot.Services.GetRequiredService<SuccessBot.Storage.LiteDbStore>();
        store.Book.UpsertAccounts([new SuccessBot.Core.Domain.Account
        {
            Id = "shared-1", Name = "Shared Customer", OwnerEmail = "ana.silva@successbot.demo", Mrr = 100, StartedOn = new DateOnly(2025, 1, 1),
            ContactEmails = [contact], SlackChannelId = "CSHARED1",
        }], SuccessBot.Tests.Web.BotFactory.Today);
        host.Bot.Services.GetRequiredService<SuccessBot.Host.BookReadModel>().Refresh();

        Assert.True(await Channel.CanReachAsync(contact, CancellationToken.None));
        var delivery = await Channel.SendAsync(contact, Card("survey"), CancellationToken.None);

        Assert.True(delivery.Delivered, delivery.Error);
        var post = Slack.Calls("chat.postMessage").Single(c => c.Fields["channel"]!.GetValue<string>() == "CSHARED1");
        Assert.StartsWith($"For {contact}: survey", post.Fields["text"]!.GetValue<string>());
        Assert.False(await Channel.CanReachAsync("nobody@nowhere.example", CancellationToken.None));
    }

    [Fact]
    public async Task A_429_waits_for_Retry_After_and_the_post_is_sent_once()
    {
        Slack.Script("chat.postMessage", f => To(Direct)(f) && f["text"]!.GetValue<string>().StartsWith("limited"), () => FakeSlack.TooManyRequests(1));

        var delivery = await Channel.SendAsync(Email, Card("limited"), CancellationToken.None);

        Assert.True(delivery.Delivered, delivery.Error);
        Assert.Equal(2, Slack.Calls("chat.postMessage").Count(c => c.Fields["text"]!.GetValue<string>().StartsWith("limited")));
    }

    [Fact]
    public async Task A_server_error_is_not_retried_and_the_ledger_is_told_it_failed()
    {
        Slack.Script("chat.postMessage", f => f["text"]!.GetValue<string>().StartsWith("down"), () => Results.StatusCode(503));

        var delivery = await Channel.SendAsync(Email, Card("down"), CancellationToken.None);

        Assert.False(delivery.Delivered);
        Assert.False(delivery.Unreachable);
        Assert.Equal("slack: chat.postMessage: http_503", delivery.Error);
        Assert.Single(Slack.Calls("chat.postMessage"), c => c.Fields["text"]!.GetValue<string>().StartsWith("down"));
    }

    [Fact]
    public async Task Slacks_ok_false_becomes_a_typed_error_with_the_method_and_the_code()
    {
        Slack.Script("chat.postMessage", f => f["text"]!.GetValue<string>().StartsWith("refused"), () => FakeSlack.NotOk("channel_not_found"));

        var delivery = await Channel.SendAsync(Email, Card("refused"), CancellationToken.None);
        var api = host.Bot.Services.GetRequiredService<SlackApi>();
        Slack.Script("views.publish", _ => true, () => FakeSlack.NotOk("invalid_blocks"));
        var error = await Assert.ThrowsAsync<SlackApiException>(() => api.PublishHomeAsync("U1", new JsonObject { ["type"] = "home" }, CancellationToken.None));

        Assert.Equal("slack: chat.postMessage: channel_not_found", delivery.Error);
        Assert.Equal(("views.publish", "invalid_blocks", false), (error.Method, error.Error, error.Transient));
    }

    [Fact]
    public async Task A_persons_time_zone_is_the_tz_Slack_gives_their_user_for_quiet_hours()
    {
        Assert.Equal("Asia/Tokyo", (await Channel.TimeZoneOfAsync("tokyo.csm@successbot.demo", CancellationToken.None))?.Id);
        Assert.Null(await Channel.TimeZoneOfAsync(Email, CancellationToken.None));   // a user without a `tz`
        Assert.Null(await Channel.TimeZoneOfAsync("not.in.slack.either@successbot.demo", CancellationToken.None));
        Assert.Contains(Slack.Calls("users.info"), c => c.Fields["user"]!.GetValue<string>() == FakeSlack.InTokyo);
    }

    [Fact]
    public async Task Someone_Slack_does_not_know_is_unreachable_and_lookups_are_cached()
    {
        const string unknown = "not.in.slack@successbot.demo";

        Assert.False(await Channel.CanReachAsync(unknown, CancellationToken.None));
        Assert.False(await Channel.CanReachAsync(unknown, CancellationToken.None));
        var delivery = await Channel.SendAsync(unknown, Card("nobody"), CancellationToken.None);

        Assert.True(delivery.Unreachable);
        Assert.Single(Slack.Calls("users.lookupByEmail"), c => c.Fields["email"]!.GetValue<string>() == unknown);
    }

    [Fact]
    public async Task A_slow_answer_is_acknowledged_and_follows_through_response_url()
    {
        // users.info for this person is slower than the answer budget: the ack goes first.
        Slack.Users["USLOW"] = (FakeSlack.Team, SuccessBot.Demo.DemoGenerator.Manager);
        Slack.Script("users.info", f => f["user"]?.GetValue<string>() == "USLOW", () => new Delayed(ChatSlashCommandBudget() + TimeSpan.FromSeconds(1)));

        var response = await host.Bot.PostFormAsync(SlackPayloads.SlashCommand("/churn", "last month", user: "USLOW", responseUrl: Slack.ResponseUrl("slow")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Working on it", await response.Content.ReadAsStringAsync());
        var later = await Slack.WaitForAsync("response_url");
        Assert.Equal("ephemeral", later.Fields["response_type"]!.GetValue<string>());
        Assert.StartsWith("Churn", later.Fields["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task When_Slack_cannot_say_who_asks_the_answer_is_a_refusal_not_an_error()
    {
        Slack.Users["UFAILING"] = (FakeSlack.Team, SuccessBot.Demo.DemoGenerator.Manager);
        Slack.Script("users.info", f => f["user"]?.GetValue<string>() == "UFAILING", () => FakeSlack.NotOk("fatal_error"));

        var response = await host.Bot.PostFormAsync(SlackPayloads.SlashCommand("/churn", "last month", user: "UFAILING"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("users.info: fatal_error", text);
        Assert.DoesNotContain("MRR", text);
    }

    private static TimeSpan ChatSlashCommandBudget() => SuccessBot.Slack.Handlers.ChatSlashCommand.AnswerBudget;

    /// <summary>Slack's users.info answer, late.</summary>
    private sealed class Delayed(TimeSpan wait) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            await Task.Delay(wait);
            await Results.Json(new { ok = true, user = new { id = "USLOW", team_id = FakeSlack.Team, profile = new { email = SuccessBot.Demo.DemoGenerator.Manager } } }).ExecuteAsync(http);
        }
    }
}
