using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Demo;
using SuccessBot.LocalChat;

namespace SuccessBot.Tests.Web;

public class LocalChatApiTests(BotFactory factory) : IClassFixture<BotFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    private async Task<JsonElement> Say(string? who, string text)
    {
        var response = await _http.PostAsJsonAsync("/chat/messages", new { @as = who, text });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var messages = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal(text, messages[0].GetProperty("text").GetString());
        return messages[1].GetProperty("reply");
    }

    [Fact]
    public async Task The_page_is_served_at_the_root()
    {
        var page = await _http.GetStringAsync("/");

        Assert.Contains(">SuccessBot · local chat</title>", page);
    }

    [Fact]
    public async Task Healthz_reports_the_store()
    {
        var health = await _http.GetFromJsonAsync<JsonElement>("/healthz");

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("storage").GetProperty("readable").GetBoolean());
        Assert.Equal(factory.Demo.Accounts.Count, health.GetProperty("storage").GetProperty("accounts").GetInt32());
    }

    [Fact]
    public async Task A_manager_asks_for_churn_and_gets_a_card_with_a_percentage()
    {
        var reply = await Say(DemoGenerator.Manager, "churn last month");

        Assert.StartsWith("Churn · ", reply.GetProperty("title").GetString());
        Assert.Matches(@"^\d+\.\d% logo churn: \d+ of \d+ accounts", reply.GetProperty("summary").GetString());
        Assert.Contains(reply.GetProperty("facts").EnumerateArray(), f => f.GetProperty("label").GetString() == "MRR churned");
    }

    [Fact]
    public async Task People_to_chat_as_are_the_manager_the_csms_and_customer_contacts()
    {
        var people = await _http.GetFromJsonAsync<JsonElement>("/chat/people");

        Assert.Equal([DemoGenerator.Manager], people.GetProperty("managers").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(DemoGenerator.Csms.Order(), people.GetProperty("csms").EnumerateArray().Select(m => m.GetString()));
        Assert.NotEmpty(people.GetProperty("customers").EnumerateArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("<script>alert('x')</script>")]
    public async Task Empty_or_markup_messages_get_a_clear_reply(string text)
    {
        var reply = await Say(DemoGenerator.Manager, text);

        Assert.True(reply.GetProperty("isRefusal").GetBoolean());
        Assert.Contains("Try `churn last month`", reply.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Ten_thousand_characters_get_a_short_clear_reply_and_are_kept_cut()
    {
        var response = await _http.PostAsJsonAsync("/chat/messages", new { @as = DemoGenerator.Manager, text = new string('a', 10_000) });

        var messages = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("10,000 characters", messages[1].GetProperty("reply").GetProperty("summary").GetString());
        Assert.Equal(new string('a', 1_000) + "… (cut: 10,000 characters, the chat keeps 1,000)", messages[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task An_unknown_person_is_refused_with_a_reason_and_nothing_is_kept()
    {
        var response = await _http.PostAsJsonAsync("/chat/messages", new { @as = "nobody@nowhere.example", text = "churn last month" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("nobody@nowhere.example is not a manager, a CSM or a customer contact here, so the local chat does not talk to them.",
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.GetAsync("/chat/history?as=nobody@nowhere.example")).StatusCode);
        Assert.False(factory.Services.GetRequiredService<LocalChatHub>().Knows("nobody@nowhere.example"));
    }

    [Theory]
    [InlineData("{not json", 400, "not valid JSON")]
    [InlineData("null", 400, "empty")]
    [InlineData("{\"text\":\"churn\"}", 400, "Say who you are")]
    public async Task Bad_bodies_are_4xx_with_a_reason(string body, int status, string reason)
    {
        var response = await _http.PostAsync("/chat/messages", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(reason, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        var response = await _http.PostAsync("/chat/messages", new StringContent("as=x&text=y", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task A_body_over_64_kb_is_413()
    {
        var response = await _http.PostAsync("/chat/messages", new StringContent($"{{\"as\":\"x\",\"text\":\"{new string('a', 70_000)}\"}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task The_conversation_is_kept_for_the_page_to_reload()
    {
        const string who = "ana.silva@successbot.demo";
        await Say(who, "at-risk");

        var history = await _http.GetFromJsonAsync<JsonElement>($"/chat/history?as={who}");

        Assert.Contains(history.EnumerateArray(), m => m.GetProperty("text").GetString() == "at-risk");
    }

    [Theory]
    [InlineData("{\"as\":\"ana.silva@successbot.demo\",\"value\":\"x\"}", 400, "needs \"actionId\"")]
    [InlineData("{\"as\":\"ana.silva@successbot.demo\",\"actionId\":\"nudge.explode\",\"value\":\"x\"}", 400, "never sent a button")]
    [InlineData("{\"as\":\"ana.silva@successbot.demo\",\"actionId\":\"nudge.snooze\",\"value\":\"renewal|nope\"}", 400, "never sent this nudge")]
    [InlineData("{\"as\":\"maria.manager@successbot.demo\",\"actionId\":\"nps.score\",\"value\":\"0123|99\"}", 400, "no such survey")]
    [InlineData("{\"as\":\"ops@x.example\",\"actionId\":\"nps.score\",\"value\":\"0123|99\"}", 403, "ops@x.example is not a manager")]
    [InlineData("{\"as\":\"ana.silva@successbot.demo\",\"messageId\":\"not-mine\",\"actionId\":\"nudge.snooze\",\"value\":\"x\"}", 404, "no such message")]
    [InlineData("{\"actionId\":\"nudge.snooze\",\"value\":\"x\"}", 400, "Say who you are")]
    [InlineData("[1,2", 400, "The JSON body must be an object.")]
    public async Task Bad_clicks_are_4xx_with_a_reason(string body, int status, string reason)
    {
        var response = await _http.PostAsync("/chat/actions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(reason, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    /// <summary>The page's own words: the language picked on the page, else the browser's, else the team's (English).</summary>
    [Theory]
    [InlineData("de", "ru-RU", "Sie sind", "Sprache", "Versuchen Sie: churn last month · nps this quarter · renewals next 30 days · help")]
    [InlineData(null, "ru-RU,ru;q=0.9,en;q=0.5", "Вы", "Язык", "Попробуйте: churn last month · nps this quarter · renewals next 30 days · help")]
    [InlineData("pt-BR", null, "Você é", "Idioma", "Experimente: churn last month · nps this quarter · renewals next 30 days · help")]
    [InlineData(null, "fr-FR", "You are", "Language", "Try: churn last month · nps this quarter · renewals next 30 days · help")]
    public async Task The_pages_words_are_in_the_picked_language_else_the_browsers_else_english(string? language, string? acceptLanguage, string youAre, string languageLabel, string managerHint)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/chat/words" + (language is null ? "" : "?language=" + language));
        if (acceptLanguage is not null) request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);

        var response = await _http.SendAsync(request);
        var words = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((youAre, languageLabel, managerHint), (words!["YouAre"], words["Language"], words["HintManager"]));
        Assert.Equal(LocalChatEndpoints.PageWords.Order(), words.Keys.Order());
    }

    /// <summary>What the page shows before its words arrive is the English the endpoint gives: the two cannot drift apart.</summary>
    [Fact]
    public async Task The_pages_english_words_are_the_ones_written_in_the_page()
    {
        var words = await _http.GetFromJsonAsync<Dictionary<string, string>>("/chat/words?language=en");

        Assert.All(words!, word => Assert.Contains(word.Value, ChatPage.Html));
    }

    [Theory]
    [InlineData("de", null, "Diese Nachricht gibt es in Ihrer Unterhaltung nicht.")]
    [InlineData(null, "ru-RU", "Такого сообщения в вашем разговоре нет.")]
    [InlineData(null, null, "There is no such message in your conversation.")]
    public async Task A_click_on_a_message_not_in_your_conversation_is_refused_in_the_readers_language(string? language, string? acceptLanguage, string refusal)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/chat/actions")
        {
            Content = JsonContent.Create(new { @as = DemoGenerator.Csms[0], messageId = "not-mine", actionId = "nudge.snooze", value = "x", language }),
        };
        if (acceptLanguage is not null) request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);

        var response = await _http.SendAsync(request);

        Assert.Equal((HttpStatusCode.NotFound, refusal), (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()));
    }
}
