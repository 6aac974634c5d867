using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Language;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;

namespace SuccessBot.Tests.Slack;

/// <summary>What Slack's side adds to an answer or a card is in its reader's words: the slash command's ack, a rerouted card's note, the cuts of a card read back from the ledger.</summary>
public class SlackReaderWordsTests(SlackHost host) : IClassFixture<SlackHost>
{
    private FakeSlack Slack => host.Slack;
    private IServiceProvider Services => host.Bot.Services;
    private TeamSettings Team => Services.GetRequiredService<TeamSettings>();

    /// <summary>Who asks is known before the answer is (here the channel's sharing is slow to tell): their Slack language, else the one their chat last told.</summary>
    [Theory]
    [InlineData("UWORKDE", 1, "de-DE", null, "Einen Moment, die Antwort kommt gleich…")]
    [InlineData("UWORKKEPT", 2, null, "ru", "Минутку, уже готовлю ответ…")]
    [InlineData("UWORKEN", 3, "en-US", null, "Working on it…")]
    public async Task A_slow_slash_command_is_acknowledged_in_the_askers_language(string user, int csm, string? slackLocale, string? toldBefore, string ack)
    {
        var email = DemoGenerator.Csms[csm];
        Slack.Users[user] = (FakeSlack.Team, email);
        if (slackLocale is not null) Slack.Locales[user] = slackLocale;
        Team.Members.Remember(email, toldBefore);
        var channel = "CSLOW" + user;
        Slack.Script("conversations.info", f => f["channel"]?.GetValue<string>() == channel, () => new Late(SuccessBot.Slack.Handlers.ChatSlashCommand.AnswerBudget + TimeSpan.FromSeconds(1)));

        var response = await host.Bot.PostFormAsync(SlackPayloads.SlashCommand("/churn", "last month share", user: user, channel: channel, responseUrl: Slack.ResponseUrl(user)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(ack, body["text"]!.GetValue<string>());
        Assert.Null(body["blocks"]);
        await Slack.WaitForAsync("response_url", c => c.Path == "/respond/" + user);
    }

    /// <summary>The card stays in its recipient's words; why a manager has it is in the manager's (the language their chat last told).</summary>
    [Theory]
    [InlineData("de", "Sie erhalten diesen Hinweis, weil SuccessBot {0} in keinem Chat erreichen kann.")]
    [InlineData("en", "Sent to you because {0} has no chat identity SuccessBot can reach.")]
    public async Task A_nudge_nobody_reaches_goes_to_the_managers_with_why_in_each_managers_language(string language, string note)
    {
        var ledger = Services.GetRequiredService<INudgeLedger>();
        var nobody = $"nobody.{Guid.NewGuid():N}@example.com";
        Team.Members.Remember(DemoGenerator.Manager, language);
        // A digest, not an account's card: the manager's day of cards may be used up already (the rest go into a roll-up).
        ledger.Add(NudgeRecord.From(new Nudge($"reroute-words|{nobody}", NudgeRules.Digest, "", nobody, new Reply($"Rerouted {nobody}")), DateTimeOffset.UtcNow));

        await Services.GetRequiredService<NudgeService>().DeliverDueAsync(CancellationToken.None);
        await Services.GetRequiredService<NudgeService>().DeliverDueAsync(CancellationToken.None);

        var posted = await Slack.WaitForAsync("chat.postMessage", c => c.Fields["text"]?.GetValue<string>() == $"Rerouted {nobody}");
        var blocks = posted.Fields["blocks"]!.AsArray();
        Assert.Equal(string.Format(note, nobody), blocks.Single(b => b!["type"]!.GetValue<string>() == "context")!["elements"]![0]!["text"]!.GetValue<string>());
    }

    /// <summary>A card is kept in the ledger with the language it is written in, so a list Slack cuts to its 3,000 characters is counted in its reader's words when it is sent.</summary>
    [Theory]
    [InlineData("de", "… und 5 weitere")]
    [InlineData("ru", "… и ещё 5 строк")]
    [InlineData("en", "… and 5 more")]
    public async Task A_card_sent_from_the_ledger_is_cut_in_its_readers_words(string language, string cut)
    {
        var ledger = Services.GetRequiredService<INudgeLedger>();
        var title = $"Digest {language} {Guid.NewGuid():N}";
        // 29 lines of 98 characters fit in a section's 3,000 with room for the cut line.
        var card = new Reply(title) { Sections = [new ReplySection("H", Enumerable.Range(1, 34).Select(_ => new string('x', 98)).ToArray())] }
            .CutIn(Team.ReaderIn(Languages.Match(language)!));
        ledger.Add(NudgeRecord.From(new Nudge($"digest|words|{title}", NudgeRules.Digest, "", DemoGenerator.Csms[0], card), DateTimeOffset.UtcNow));

        await Services.GetRequiredService<NudgeService>().DeliverDueAsync(CancellationToken.None);

        var posted = await Slack.WaitForAsync("chat.postMessage", c => c.Fields["text"]?.GetValue<string>() == title);
        var section = posted.Fields["blocks"]!.AsArray()[1]!["text"]!["text"]!.GetValue<string>();
        Assert.EndsWith("\n" + cut, section);
    }

    /// <summary>A click answers with a card read back from the ledger (the roll-up a listed card is opened from), cut in its reader's words too.</summary>
    [Theory]
    [InlineData("de", "… und 5 weitere")]
    [InlineData("en", "… and 5 more")]
    public async Task A_card_a_click_reads_back_from_the_ledger_is_cut_in_its_readers_words(string language, string cut)
    {
        var ledger = Services.GetRequiredService<INudgeLedger>();
        var csm = DemoGenerator.Csms[0];
        var account = Services.GetRequiredService<IBookSource>().Current.Accounts.First(a => a.OwnerEmail == csm);
        var id = Guid.NewGuid().ToString("N");
        var rollUpKey = $"{NudgeRules.RollUp}|{id}|{csm}";
        var rollUp = new Reply($"Roll-up {id}") { Sections = [new ReplySection("H", Enumerable.Range(1, 34).Select(_ => new string('x', 98)).ToArray())] }
            .CutIn(Team.ReaderIn(Languages.Match(language)!));
        ledger.Add(NudgeRecord.From(new Nudge(rollUpKey, NudgeRules.RollUp, "", csm, rollUp), DateTimeOffset.UtcNow) with { Status = DeliveryStatus.Sent });
        var listedKey = $"renewal|{account.Id}|{id}";
        ledger.Add(NudgeRecord.From(new Nudge(listedKey, NudgeRules.Renewal, account.Id, csm, new Reply($"Listed {id}")), DateTimeOffset.UtcNow) with { Status = DeliveryStatus.Listed, MessageRef = rollUpKey });
        var ts = $"1700000001.{Random.Shared.Next(100000, 999999)}";

        var click = await host.Bot.PostFormAsync([new("payload", SlackPayloads.BlockActions(NudgeCards.Open, new SuccessBot.Slack.ButtonValue(listedKey, []).Encode(), user: FakeSlack.Csm, messageTs: ts))]);

        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var updated = await Slack.WaitForAsync("chat.update", c => c.Fields["ts"]?.GetValue<string>() == ts);
        Assert.EndsWith("\n" + cut, updated.Fields["blocks"]!.AsArray()[1]!["text"]!["text"]!.GetValue<string>());
    }

    /// <summary>Slack's answer, late.</summary>
    private sealed class Late(TimeSpan wait) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            await Task.Delay(wait);
            await Results.Json(new { ok = true, channel = new { id = "C", is_ext_shared = false } }).ExecuteAsync(http);
        }
    }
}
