using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Audit;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;
using SuccessBot.Teams;

namespace SuccessBot.Tests.Teams;

/// <summary>An NPS survey answered in Teams in the customer's language: the account's, or their Teams client's locale before it.</summary>
public class TeamsSurveyLanguageTests(TeamsBotFactory bot) : IClassFixture<TeamsBotFactory>
{
    [Theory]
    [InlineData("de", "de-DE", "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen weiterempfehlen?", "Nicht mehr fragen", "Danke! Ihre Antwort: 9",
        "Was ist der wichtigste Grund für Ihre Bewertung? (optional: schreiben Sie ihn hier oder nutzen Sie die Schaltfläche)")]
    [InlineData("ru", "ru-RU", "Насколько вероятно, что вы порекомендуете нас другу или коллеге?", "Больше не спрашивать", "Спасибо! Ваша оценка: 9",
        "Какова главная причина вашей оценки? (необязательно: напишите здесь или нажмите кнопку)")]
    public async Task A_customer_answers_a_survey_in_their_language(string language, string locale, string question, string optOut, string thanks, string prompt)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var account = bot.Demo.Accounts.First(a => a.Language == language && a.CanceledOn is null && a.ContactEmails.Count > 0
            && a.StartedOn < today.AddDays(-60) && a.LanguageOf(a.ContactEmails[0]) is null);
        var contact = account.ContactEmails[0];
        var chat = new TeamsChat(bot, $"29:survey-{language}");
        bot.Connector.Emails[chat.UserId] = contact;
        await chat.Post(chat.Activity("message", new JsonObject { ["text"] = "help", ["locale"] = locale }));

        bot.Services.GetRequiredService<SurveyService>().SendTo(account, force: true, AuditEntry.Administrator, AuditChannels.Cli);
        await bot.Services.GetRequiredService<NudgeService>().DeliverDueAsync(CancellationToken.None);

        var survey = bot.Connector.Posted().Last(c => c.Body!.Value.TryGetProperty("attachments", out _) && c.CardTitle == question);
        var actions = survey.Card.GetProperty("body").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "ActionSet")
            .SelectMany(set => set.GetProperty("actions").EnumerateArray()).ToArray();
        Assert.Equal(optOut, actions.Last().GetProperty("title").GetString());
        var nine = actions.Single(a => a.GetProperty("title").GetString() == "9").GetProperty("data");
        var clicked = await chat.Post(chat.Activity("invoke", new JsonObject
        {
            ["name"] = "adaptiveCard/action",
            ["locale"] = locale,
            ["value"] = new JsonObject
            {
                ["action"] = new JsonObject { ["type"] = "Action.Execute", ["id"] = "action-id", ["verb"] = SurveyCards.Score, ["data"] = JsonNode.Parse(nine.GetRawText()) },
                ["trigger"] = "manual",
            },
        }));

        var card = (await TeamsChat.Json(clicked)).GetProperty("value").GetProperty("body");
        Assert.Equal(thanks, card[0].GetProperty("text").GetString());
        Assert.Contains(card.EnumerateArray(), b => b.GetProperty("text").GetString() == prompt);
    }
}
