using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Audit;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;

namespace SuccessBot.Tests.Web;

/// <summary>An NPS survey answered in the local chat in the customer's language: their account's, the one they pick, their browser's.</summary>
public class LocalChatSurveyLanguageTests(BotFactory factory) : IClassFixture<BotFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    private async Task<(string Contact, JsonElement Survey)> SurveyOf(Func<Core.Domain.Account, bool> which)
    {
        var account = factory.Demo.Accounts.First(a => which(a) && a.CanceledOn is null && a.ContactEmails.Count > 0
            && a.StartedOn < BotFactory.Today.AddDays(-60) && a.LanguageOf(a.ContactEmails[0]) is null);
        var contact = account.ContactEmails[0];
        factory.Services.GetRequiredService<SurveyService>().SendTo(account, force: true, AuditEntry.Administrator, AuditChannels.Cli);
        await factory.Services.GetRequiredService<NudgeService>().DeliverDueAsync(CancellationToken.None);
        var history = await _http.GetFromJsonAsync<JsonElement>($"/chat/history?as={Uri.EscapeDataString(contact)}");
        return (contact, history.EnumerateArray().Last(m => m.TryGetProperty("reply", out var r) && r.ValueKind == JsonValueKind.Object
            && r.GetProperty("buttons").EnumerateArray().Any(b => b.GetProperty("actionId").GetString() == SurveyCards.Score)));
    }

    private async Task<JsonElement> Click(string contact, JsonElement message, string actionId, string value, object? inputs = null, string? language = null)
    {
        var response = await _http.PostAsJsonAsync("/chat/actions", new { @as = contact, messageId = message.GetProperty("id").GetString(), actionId, value, inputs, language });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages")[0].GetProperty("reply");
    }

    [Theory]
    [InlineData("de", "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen weiterempfehlen?", "0 = Sehr unwahrscheinlich · 10 = Sehr wahrscheinlich",
        "Danke! Ihre Antwort: 3", "Zu teuer", "Ihr Grund: „Zu teuer“")]
    [InlineData("ru", "Насколько вероятно, что вы порекомендуете нас другу или коллеге?", "0 = Совсем маловероятно · 10 = Очень вероятно",
        "Спасибо! Ваша оценка: 3", "Слишком дорого", "Ваша причина: «Слишком дорого»")]
    public async Task A_customer_answers_and_comments_in_their_account_language(string language, string question, string scale, string thanks, string words, string reason)
    {
        var (contact, survey) = await SurveyOf(a => a.Language == language);
        var card = survey.GetProperty("reply");
        Assert.Equal(question, card.GetProperty("title").GetString());
        Assert.Equal(scale, card.GetProperty("note").GetString());
        var three = card.GetProperty("buttons").EnumerateArray().Single(b => b.GetProperty("label").GetString() == "3").GetProperty("value").GetString()!;

        var answered = await Click(contact, survey, SurveyCards.Score, three);
        Assert.Equal(thanks, answered.GetProperty("title").GetString());
        var comment = answered.GetProperty("buttons")[0];
        var commented = await Click(contact, survey, SurveyCards.Comment, comment.GetProperty("value").GetString()!, new Dictionary<string, string> { ["comment"] = words });

        Assert.Equal(reason, commented.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task The_language_picked_in_the_chat_comes_before_the_account_language()
    {
        var (contact, survey) = await SurveyOf(a => a.Language == "ro");
        var card = survey.GetProperty("reply");
        Assert.Equal("Nu mă mai întrebați", card.GetProperty("buttons").EnumerateArray().Last().GetProperty("label").GetString());

        var optedOut = await Click(contact, survey, SurveyCards.OptOut, card.GetProperty("buttons").EnumerateArray().Last().GetProperty("value").GetString()!, language: "pt-PT");

        Assert.Equal("Inquérito encerrado", optedOut.GetProperty("title").GetString());
        Assert.Equal("Não voltará a receber estes inquéritos.", optedOut.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task A_browser_asking_for_Russian_reads_the_refusal_in_Russian()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/chat/actions")
        {
            Content = JsonContent.Create(new { @as = factory.Demo.Accounts.First(a => a.ContactEmails.Count > 0).ContactEmails[0], actionId = SurveyCards.Score, value = "0123|9" }),
        };
        request.Headers.AcceptLanguage.ParseAdd("fr-FR, ru;q=0.8, en;q=0.5");

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Такого опроса нет.", await response.Content.ReadAsStringAsync());
    }
}
