using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;

namespace SuccessBot.Tests.Slack;

/// <summary>An NPS survey answered in a Slack DM in the customer's language, from the score to the comment's modal.</summary>
public class SlackSurveyLanguageTests(SlackHost host) : IClassFixture<SlackHost>
{
    [Theory]
    [InlineData("de", "UDEUTSCH", "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen weiterempfehlen?", "Nicht mehr fragen", "Danke! Ihre Antwort: 9",
        "Kommentar hinzufügen", "Senden", "Abbrechen", "Ihr Grund: „Schneller Support“")]
    [InlineData("ru", "URUSSKIY", "Насколько вероятно, что вы порекомендуете нас другу или коллеге?", "Больше не спрашивать", "Спасибо! Ваша оценка: 9",
        "Добавить комментарий", "Отправить", "Отмена", "Ваша причина: «Быстрая поддержка»")]
    public async Task A_customer_answers_a_survey_and_comments_in_their_language(string language, string user, string question, string optOut, string thanks,
        string addComment, string send, string cancel, string reason)
    {
        var services = host.Bot.Services;
        var today = SuccessBot.Tests.Web.BotFactory.Today;
        var candidates = services.GetRequiredService<IBookSource>().Current.Accounts.Where(a => a.Language == language && a.CanceledOn is null
            && a.ContactEmails.Count > 0 && a.StartedOn < today.AddDays(-60) && a.LanguageOf(a.ContactEmails[0]) is null);
        Core.Domain.Account account = null!;
        foreach (var candidate in candidates)
        {
            // The contact is this Slack user only (the workspace's lookup by email answers the first user with it).
            var email = candidate.ContactEmails[0];
            foreach (var other in host.Slack.Users.Where(u => string.Equals(u.Value.Email, email, StringComparison.OrdinalIgnoreCase)).Select(u => u.Key).ToArray())
                host.Slack.Users.Remove(other);
            host.Slack.Users[user] = (FakeSlack.Team, email);
            // A contact the host looked up before (the surveys at its start) is remembered as it was then, for 15 minutes.
            if (!host.Slack.AllCalls.Any(c => c.Method == "users.lookupByEmail" && string.Equals(c.Fields["email"]?.GetValue<string>(), email, StringComparison.OrdinalIgnoreCase)))
            {
                account = candidate;
                break;
            }
        }
        Assert.NotNull(account);
        services.GetRequiredService<SurveyService>().SendTo(account, force: true, AuditEntry.Administrator, AuditChannels.Cli);
        await services.GetRequiredService<NudgeService>().DeliverDueAsync(CancellationToken.None);

        // The host's own delivery job may have taken the survey first: wait for the post, whoever made it.
        var survey = await host.Slack.WaitForAsync("chat.postMessage", c => c.Fields["channel"]!.GetValue<string>() == "D" + user);
        Assert.StartsWith(question, survey.Fields["text"]!.GetValue<string>());
        var buttons = ((JsonArray)survey.Fields["blocks"]!).SelectMany(b => b!["elements"] as JsonArray ?? []).ToArray();
        Assert.Equal(optOut, buttons.Last()!["text"]!["text"]!.GetValue<string>());
        var nine = buttons.Single(e => e!["action_id"]?.GetValue<string>() == SurveyCards.Score && e["text"]!["text"]!.GetValue<string>() == "9")!;
        Assert.Equal(HttpStatusCode.OK, (await host.Bot.PostFormAsync([new("payload", SlackPayloads.BlockActions(SurveyCards.Score, nine["value"]!.GetValue<string>(), user, "D" + user, "1764000001.000001"))])).StatusCode);

        var thanked = await host.Slack.WaitForAsync("chat.update", c => c.Fields["channel"]!.GetValue<string>() == "D" + user && c.Fields["text"]!.GetValue<string>().StartsWith(thanks));
        var comment = ((JsonArray)thanked.Fields["blocks"]!).SelectMany(b => b!["elements"] as JsonArray ?? []).Single(e => e!["action_id"]?.GetValue<string>() == SurveyCards.Comment)!;
        Assert.Equal(addComment, comment["text"]!["text"]!.GetValue<string>());
        await host.Bot.PostFormAsync([new("payload", SlackPayloads.BlockActions(SurveyCards.Comment, comment["value"]!.GetValue<string>(), user, "D" + user, "1764000001.000001"))]);
        var modal = (await host.Slack.WaitForAsync("views.open", c => c.Fields["view"]!["submit"]!["text"]!.GetValue<string>() == send)).Fields["view"]!;
        Assert.Equal(cancel, modal["close"]!["text"]!.GetValue<string>());

        var words = reason[(reason.IndexOfAny(['„', '«']) + 1)..^1];
        await host.Bot.PostFormAsync([new("payload", SlackPayloads.ViewSubmission(modal["private_metadata"]!.GetValue<string>(), SlackPayloads.Values(("comment", words, false)), user))]);
        var commented = await host.Slack.WaitForAsync("chat.update", c => c.Fields["channel"]!.GetValue<string>() == "D" + user && Readable(c.Fields["blocks"]!).Contains(words));
        Assert.Contains(reason, Readable(commented.Fields["blocks"]!));
    }

    [Fact]
    public async Task Someone_clicking_a_survey_that_is_not_theirs_reads_the_refusal_in_their_Slack_locale()
    {
        const string user = "UROMANA";
        var services = host.Bot.Services;
        var account = services.GetRequiredService<IBookSource>().Current.Accounts.First(a => a.Language is null && a.CanceledOn is null && a.ContactEmails.Count > 0);
        host.Slack.Users[user] = (FakeSlack.Team, "cititor@elsewhere.example");
        host.Slack.Locales[user] = "ro-RO";
        var (sent, _) = services.GetRequiredService<SurveyService>().SendTo(account, force: true, AuditEntry.Administrator, AuditChannels.Cli);
        var id = services.GetRequiredService<INudgeLedger>().CreatedSince(DateTimeOffset.UtcNow.AddMinutes(-5)).Last(n => n.Rule == SurveyService.Rule && n.Recipient == sent[0]).Key.Split('|')[1];

        await host.Bot.PostFormAsync([new("payload", SlackPayloads.BlockActions(SurveyCards.Score, new SuccessBot.Slack.ButtonValue($"{id}|9", []).Encode(), user, "D" + user, "1764000002.000001"))]);

        var said = await host.Slack.WaitForAsync("chat.postEphemeral", c => c.Fields["user"]?.GetValue<string>() == user);
        Assert.Contains("Acest sondaj a fost trimis altcuiva; doar acea persoană îl poate completa.",
            Readable(said.Fields));
    }

    /// <summary>A payload's JSON with its letters as they are, not escaped (Cyrillic, „quotes“).</summary>
    private static string Readable(JsonNode node) =>
        node.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
