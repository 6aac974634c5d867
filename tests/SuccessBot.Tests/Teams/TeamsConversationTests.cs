using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;
using SuccessBot.Teams;

namespace SuccessBot.Tests.Teams;

/// <summary>Conversations in Teams, through the real pipeline: tokens from local OpenID metadata, answers to a local fake connector.</summary>
public class TeamsConversationTests(TeamsBotFactory bot) : IClassFixture<TeamsBotFactory>
{
    private TeamsChat Person(string email, string? conversationType = "personal", string? conversationId = null)
    {
        var userId = "29:" + Guid.NewGuid().ToString("N");
        bot.Connector.Emails[userId] = email;
        return new TeamsChat(bot, userId, conversationType, conversationId);
    }

    private TeamsChannel Channel => bot.Services.GetServices<IChatChannel>().OfType<TeamsChannel>().Single();

    private string OwnerWithAnAccount(out Core.Domain.Account account)
    {
        account = bot.Demo.Accounts.First(a => a.CanceledOn is null && a.OwnerEmail == DemoGenerator.Csms[0]);
        return account.OwnerEmail;
    }

    [Fact]
    public async Task A_manager_mentions_the_bot_asks_for_churn_and_gets_an_adaptive_card()
    {
        var maria = Person(DemoGenerator.Manager);

        var response = await maria.Says("churn last month");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = Assert.Single(maria.Replies);
        Assert.StartsWith("Churn · ", answer.CardTitle);
        Assert.Equal("1.5", answer.Card.GetProperty("version").GetString());
        Assert.Equal(AdaptiveCards.ContentType, answer.Body!.Value.GetProperty("attachments")[0].GetProperty("contentType").GetString());
        Assert.Equal("message", answer.Body.Value.GetProperty("type").GetString());
        Assert.StartsWith("Bearer bot-token-", answer.Authorization);
    }

    [Fact]
    public async Task Someone_the_team_does_not_know_is_refused_and_sees_no_figures()
    {
        var stranger = Person("someone@elsewhere.example");

        await stranger.Says("churn last month");

        Assert.Equal("Who are you?", Assert.Single(stranger.CardsReceived).CardTitle);
    }

    [Fact]
    public async Task A_person_whose_email_the_connector_cannot_tell_is_not_taken_for_the_administrator()
    {
        var nobody = new TeamsChat(bot, "29:no-such-member");

        await nobody.Says("churn last month");

        Assert.Equal("Who are you?", Assert.Single(nobody.CardsReceived).CardTitle);
    }

    [Fact]
    public async Task The_bot_token_is_asked_for_once_and_reused_until_it_expires()
    {
        var maria = Person(DemoGenerator.Manager);

        await maria.Says("nps this quarter");
        var first = maria.Replies;
        await maria.Says("renewals next 30 days");

        Assert.Single(bot.Connector.Calls, c => c.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.Single(first);
        Assert.Single(maria.Replies);
    }

    [Fact]
    public async Task Installing_the_bot_welcomes_the_person_and_lets_nudges_reach_them_later()
    {
        var csm = OwnerWithAnAccount(out _);
        var ana = Person(csm);

        Assert.Equal(HttpStatusCode.OK, (await ana.Installs()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ana.AddsTheBot()).StatusCode);

        // The start-up checks' nudges for Ana may reach her as soon as she is reachable: the welcome is the one card of its kind.
        Assert.Single(ana.CardsReceived, c => c.CardTitle == "Hello, I'm SuccessBot");
        var stored = bot.Services.GetRequiredService<ConversationReferences>().FindByEmail(csm)!;
        Assert.Equal(ana.ConversationId, stored.ConversationId);
        Assert.Equal(TeamsBotFactory.TenantId, stored.TenantId);
        Assert.Equal(bot.Connector.Url, stored.ServiceUrl);
        Assert.True(await Channel.CanReachAsync(csm.ToUpperInvariant(), default));

        var delivery = await Channel.SendAsync(csm, new Reply("Renewal in 30 days · ACME") { Summary = "Test nudge." }, default);

        Assert.True(delivery.Delivered);
        Assert.Equal("Renewal in 30 days · ACME", ana.CardsReceived.Last().CardTitle);
        Assert.StartsWith(ana.ConversationId + "|activity-", delivery.MessageRef);
    }

    [Fact]
    public async Task Nobody_without_a_stored_conversation_can_be_reached()
    {
        Assert.False(await Channel.CanReachAsync("never.in.teams@example.com", default));
        Assert.True((await Channel.SendAsync("never.in.teams@example.com", new Reply("x"), default)).Unreachable);
    }

    [Fact]
    public async Task A_person_met_only_in_a_team_channel_gets_a_one_to_one_chat_created_for_the_nudge()
    {
        var maria = Person(DemoGenerator.Manager, conversationType: "channel", conversationId: "19:general@thread.tacv2;messageid=1");
        var email = $"channel.only.{Guid.NewGuid():N}@successbot.demo";
        bot.Connector.Emails[maria.UserId] = email;

        await maria.Says("help share");
        var delivery = await Channel.SendAsync(email, new Reply("Nudge"), default);

        Assert.True(delivery.Delivered);
        var created = Assert.Single(bot.Connector.Calls, c => c.Method == "POST" && c.Path == "/v3/conversations" && c.Body!.Value.GetProperty("members")[0].GetProperty("id").GetString() == maria.UserId);
        Assert.Equal(TeamsChat.BotId, created.Body!.Value.GetProperty("bot").GetProperty("id").GetString());
        Assert.Equal(TeamsBotFactory.TenantId, created.Body.Value.GetProperty("channelData").GetProperty("tenant").GetProperty("id").GetString());
        var conversation = delivery.MessageRef![..delivery.MessageRef!.LastIndexOf('|')];
        Assert.Equal("Nudge", Assert.Single(bot.Connector.Posted(conversation)).CardTitle);
    }

    private string PrivateChatOf(TeamsChat person) =>
        bot.Services.GetRequiredService<ConversationReferences>().FindByUserId(person.UserId)!.ConversationId!;

    [Fact]
    public async Task In_a_team_channel_team_figures_go_to_the_asker_in_a_private_chat_and_the_channel_gets_a_note()
    {
        var maria = Person(DemoGenerator.Manager, conversationType: "channel", conversationId: $"19:{Guid.NewGuid():N}@thread.tacv2;messageid=1");

        await maria.Says("churn last month");

        var note = Assert.Single(maria.CardsReceived);
        Assert.Equal(ChannelPrivacy.SentPrivately.Title, note.CardTitle);
        Assert.Contains("to post it here", note.Card.GetRawText());
        Assert.Single(bot.Connector.Calls, c => c.Method == "POST" && c.Path == "/v3/conversations" && c.Body!.Value.GetProperty("members")[0].GetProperty("id").GetString() == maria.UserId);
        // The start-up checks' nudges for the manager may arrive in the same private chat: the answer is the one churn card.
        Assert.Single(bot.Connector.Posted(PrivateChatOf(maria)), c => c.CardTitle.StartsWith("Churn · ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Shared_in_a_team_channel_the_answer_is_posted_there()
    {
        var maria = Person(DemoGenerator.Manager, conversationType: "channel", conversationId: $"19:{Guid.NewGuid():N}@thread.tacv2;messageid=1");

        await maria.Says("churn last month share");

        Assert.StartsWith("Churn · ", Assert.Single(maria.CardsReceived).CardTitle);
        Assert.DoesNotContain(bot.Connector.Calls, c => c.Method == "POST" && c.Path == "/v3/conversations" && c.Body!.Value.GetProperty("members")[0].GetProperty("id").GetString() == maria.UserId);
    }

    [Theory]
    [InlineData("guest")]
    [InlineData("other tenant")]
    public async Task A_conversation_with_people_from_outside_never_gets_the_answer_even_when_shared(string outsider)
    {
        var chat = $"19:{Guid.NewGuid():N}@thread.v2";
        var maria = Person(DemoGenerator.Manager, conversationType: "groupChat", conversationId: chat);
        bot.Connector.Rosters[chat] =
        [
            new { id = maria.UserId, tenantId = TeamsBotFactory.TenantId, userRole = "user" },
            outsider == "guest" ? new { id = "29:guest", tenantId = TeamsBotFactory.TenantId, userRole = "guest" } : new { id = "29:partner", tenantId = "0b9e6d51-partner-tenant", userRole = "user" },
        ];

        await maria.Says("churn last month share");

        var inChat = Assert.Single(maria.CardsReceived);
        Assert.DoesNotContain("Churn", inChat.CardTitle);
        Assert.Contains("outside your organisation", inChat.Card.GetRawText());
        var answer = Assert.Single(bot.Connector.Posted(PrivateChatOf(maria)), c => c.CardTitle.StartsWith("Churn · ", StringComparison.Ordinal));
        Assert.Contains(ChannelPrivacy.KeptFromOutsiders, answer.Card.GetRawText());
    }

    [Fact]
    public async Task A_group_chat_s_members_are_read_once_for_several_shared_answers_and_again_when_someone_joins()
    {
        var chat = $"19:{Guid.NewGuid():N}@thread.v2";
        var maria = Person(DemoGenerator.Manager, conversationType: "groupChat", conversationId: chat);
        var colleague = new { id = maria.UserId, tenantId = TeamsBotFactory.TenantId, userRole = "user" };
        bot.Connector.Rosters[chat] = [colleague];
        int RosterReads() => bot.Connector.Calls.Count(c => c.Method == "GET" && c.Path.EndsWith("/pagedmembers", StringComparison.Ordinal) && c.Path.Contains(chat));

        await maria.Says("churn last month share");
        await maria.Says("retention share");

        Assert.Equal(1, RosterReads());
        Assert.Equal(2, maria.CardsReceived.Length);
        Assert.All(maria.CardsReceived, c => Assert.DoesNotContain("outside your organisation", c.Card.GetRawText()));

        bot.Connector.Rosters[chat] = [colleague, new { id = "29:guest", tenantId = TeamsBotFactory.TenantId, userRole = "guest" }];
        await maria.Post(maria.Activity("conversationUpdate", new JsonObject { ["membersAdded"] = new JsonArray { new JsonObject { ["id"] = "29:guest" } } }));
        await maria.Says("churn last month share");

        Assert.Equal(2, RosterReads());
        Assert.Contains("outside your organisation", maria.CardsReceived.Last().Card.GetRawText());
    }

    [Fact]
    public async Task A_429_waits_for_Retry_After_and_the_card_arrives_once()
    {
        var csm = $"busy.{Guid.NewGuid():N}@successbot.demo";
        var person = Person(csm);
        await person.Installs();
        bot.Connector.FailNext(429);

        var delivery = await Channel.SendAsync(csm, new Reply("After a 429"), default);

        Assert.True(delivery.Delivered);
        var tries = bot.Connector.Calls.Where(c => c.Method == "POST" && c.Path.StartsWith($"/v3/conversations/{person.ConversationId}/")).ToArray();
        Assert.Equal(2, tries.Length);
        Assert.Equal("After a 429", tries[1].CardTitle);
    }

    [Fact]
    public async Task A_connector_that_stays_down_fails_the_delivery_so_the_ledger_tries_again_later()
    {
        var csm = $"down.{Guid.NewGuid():N}@successbot.demo";
        await Person(csm).Installs();
        bot.Connector.FailNext(503, 503, 503, 503, 503);

        var delivery = await Channel.SendAsync(csm, new Reply("While down"), default);

        Assert.False(delivery.Delivered);
        Assert.False(delivery.Unreachable);
        Assert.Contains("503", delivery.Error);
    }

    [Fact]
    public async Task A_person_who_blocked_the_bot_is_unreachable_in_teams()
    {
        var csm = $"blocked.{Guid.NewGuid():N}@successbot.demo";
        await Person(csm).Installs();
        bot.Connector.FailNext(403);

        var delivery = await Channel.SendAsync(csm, new Reply("Blocked"), default);

        Assert.True(delivery.Unreachable);
    }

    private string RecordNudgeFor(string csm, Core.Domain.Account account)
    {
        var key = $"renewal|{account.Id}|{Guid.NewGuid():N}";
        var card = new Reply($"Renewal in 30 days · {account.Name}") { Summary = "Renews soon.", Buttons = NudgeCards.Actions(key) };
        Assert.True(bot.Services.GetRequiredService<INudgeLedger>().Add(NudgeRecord.From(new Nudge(key, NudgeRules.Renewal, account.Id, csm, card), DateTimeOffset.UtcNow)));
        return key;
    }

    [Fact]
    public async Task Snoozing_with_Action_Execute_answers_with_the_card_updated_so_it_cannot_be_used_twice()
    {
        var csm = OwnerWithAnAccount(out var account);
        var ana = Person(csm);
        var key = RecordNudgeFor(csm, account);
        var data = new JsonObject { [AdaptiveCards.ActionKey] = NudgeCards.Snooze, [AdaptiveCards.ValueKey] = key, ["nudge.snooze.days"] = "14", ["nudge.snooze.reason"] = "waiting for budget" };

        var first = await ana.Executes(NudgeCards.Snooze, data);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = await TeamsChat.Json(first);
        Assert.Equal(200, body.GetProperty("statusCode").GetInt32());
        Assert.Equal(AdaptiveCards.ContentType, body.GetProperty("type").GetString());
        var card = body.GetProperty("value");
        Assert.False(card.TryGetProperty("actions", out _));
        Assert.Contains("snoozed", card.GetProperty("body").EnumerateArray().Last().GetProperty("text").GetString());
        Assert.DoesNotContain(ana.CardsReceived, c => c.CardTitle.StartsWith("Done"));   // the card says it all

        var second = await TeamsChat.Json(await ana.Executes(NudgeCards.Snooze, data));

        Assert.False(second.GetProperty("value").TryGetProperty("actions", out _));
        Assert.Equal("Already handled", ana.CardsReceived.Last().CardTitle);
    }

    [Fact]
    public async Task A_snooze_in_Teams_is_in_the_audit_log_once_with_who_the_channel_the_account_and_the_values()
    {
        var csm = OwnerWithAnAccount(out var account);
        var ana = Person(csm);
        var key = RecordNudgeFor(csm, account);
        var data = new JsonObject { [AdaptiveCards.ActionKey] = NudgeCards.Snooze, [AdaptiveCards.ValueKey] = key, ["nudge.snooze.days"] = "30", ["nudge.snooze.reason"] = "on holiday" };

        await ana.Executes(NudgeCards.Snooze, data);
        await ana.Executes(NudgeCards.Snooze, data);

        var entry = Assert.Single(bot.Services.GetRequiredService<IAuditLog>().AuditEntries(account.Id), e => e.Values.GetValueOrDefault("nudge") == key);
        Assert.Equal((csm, AuditChannels.Teams, NudgeCards.Snooze), (entry.Who, entry.Channel, entry.Action));
        Assert.Equal(("30", "on holiday"), (entry.Values["days"], entry.Values["reason"]));
        Assert.Contains("snoozed", entry.Values["done"]);
    }

    [Fact]
    public async Task Logging_a_touchpoint_with_Action_Submit_replaces_the_clicked_card_and_confirms()
    {
        var csm = OwnerWithAnAccount(out var account);
        var ana = Person(csm);
        var key = RecordNudgeFor(csm, account);

        var response = await ana.Submits(new JsonObject
        {
            [AdaptiveCards.ActionKey] = NudgeCards.LogTouchpoint, [AdaptiveCards.ValueKey] = key, ["nudge.touchpoint.kind"] = "call", ["nudge.touchpoint.note"] = "QBR booked",
        }, cardActivityId: "activity-with-the-nudge");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var update = Assert.Single(bot.Connector.Calls, c => c.Method == "PUT" && c.Path == $"/v3/conversations/{ana.ConversationId}/activities/activity-with-the-nudge");
        Assert.False(update.Card.TryGetProperty("actions", out _));
        Assert.Contains("QBR booked", update.Card.GetRawText());
        Assert.DoesNotContain(ana.CardsReceived, c => c.CardTitle.StartsWith("Done"));
    }

    [Fact]
    public async Task The_localTimezone_of_a_persons_activity_is_kept_with_their_conversation_for_quiet_hours()
    {
        var csm = OwnerWithAnAccount(out _);
        var ana = Person(csm);

        await ana.Post(ana.Activity("message", new JsonObject { ["text"] = "help", ["localTimezone"] = "Asia/Tokyo" }));
        await ana.Post(ana.Activity("message", new JsonObject { ["text"] = "help" }));   // a later activity without one keeps it

        Assert.Equal("Asia/Tokyo", bot.Services.GetRequiredService<ConversationReferences>().FindByEmail(csm)!.TimeZone);
        Assert.Equal("Asia/Tokyo", (await Channel.TimeZoneOfAsync(csm, default))?.Id);
        Assert.Null(await Channel.TimeZoneOfAsync("nobody.in.teams@successbot.demo", default));
    }

    [Fact]
    public async Task A_click_on_someone_elses_nudge_leaves_the_card_and_says_why()
    {
        var csm = OwnerWithAnAccount(out var account);
        var key = RecordNudgeFor(csm, account);
        var other = Person(DemoGenerator.Csms[1]);

        var body = await TeamsChat.Json(await other.Executes(NudgeCards.Snooze, new JsonObject { [AdaptiveCards.ActionKey] = NudgeCards.Snooze, [AdaptiveCards.ValueKey] = key, ["nudge.snooze.days"] = "7" }));

        Assert.Equal("application/vnd.microsoft.activity.message", body.GetProperty("type").GetString());
        Assert.Contains(csm, body.GetProperty("value").GetString());
    }
}
