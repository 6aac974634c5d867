using SuccessBot.Core.Audit;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;
using SuccessBot.Host;
using SuccessBot.Storage;

namespace SuccessBot.Tests.Slack;

/// <summary>An NPS survey in a Slack DM: one click records one answer, however often Slack retries or the person clicks.</summary>
public class SlackSurveyTests(SlackHost host) : IClassFixture<SlackHost>
{
    private const string Customer = "UCUSTOMER";

    [Fact]
    public async Task A_customer_answers_in_a_dm_a_double_click_records_one_answer_and_a_forwarded_click_is_refused()
    {
        var services = host.Bot.Services;
        var book = services.GetRequiredService<IBookSource>().Current;
        var account = book.Accounts.First(a => a.CanceledOn is null && a.ContactEmails.Count > 0 && a.StartedOn < BotFactoryToday.AddDays(-60));
        var contact = account.ContactEmails[0];
        host.Slack.Users[Customer] = (FakeSlack.Team, contact);
        services.GetRequiredService<SurveyService>().SendTo(account, force: true, AuditEntry.Administrator, AuditChannels.Cli);
        await services.GetRequiredService<NudgeService>().DeliverDueAsync(CancellationToken.None);

        var survey = host.Slack.Calls("chat.postMessage").Last(c => c.Fields["channel"]!.GetValue<string>() == "D" + Customer);
        var nine = ((JsonArray)survey.Fields["blocks"]!).SelectMany(b => b!["elements"] as JsonArray ?? [])
            .Single(e => e!["action_id"]?.GetValue<string>() == SurveyCards.Score && e["text"]!["text"]!.GetValue<string>() == "9")!;
        var click = SlackPayloads.BlockActions(SurveyCards.Score, nine["value"]!.GetValue<string>(), Customer, "D" + Customer, "1764000000.000001");

        var first = await host.Bot.PostFormAsync([new("payload", click)]);
        var again = await host.Bot.PostFormAsync([new("payload", click)]);
        var forwarded = await host.Bot.PostFormAsync([new("payload", SlackPayloads.BlockActions(SurveyCards.Score, nine["value"]!.GetValue<string>(), FakeSlack.Manager))]);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        var answers = services.GetRequiredService<LiteDbStore>().Book.LoadBook().NpsOf(account.Id).Where(a => a.ContactEmail == contact && a.AnsweredAt > DateTimeOffset.UtcNow.AddMinutes(-5)).ToArray();
        Assert.Equal(9, Assert.Single(answers).Score);
        var update = await host.Slack.WaitForAsync("chat.update", c => c.Fields["text"]!.GetValue<string>().StartsWith("Thanks, you answered 9"));
        Assert.Equal("D" + Customer, update.Fields["channel"]!.GetValue<string>());
        Assert.Contains(services.GetRequiredService<LiteDbStore>().Surveys.RefusedSurveyClicks(), r => r.Clicker is not null && r.Clicker != contact);
    }

    private static DateOnly BotFactoryToday => SuccessBot.Tests.Web.BotFactory.Today;
}
