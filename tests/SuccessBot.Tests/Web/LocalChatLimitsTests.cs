using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Surveys;
using SuccessBot.LocalChat;

namespace SuccessBot.Tests.Web;

/// <summary>
/// What the local chat keeps in memory, through its API: nothing for made-up people, at most `LocalChat:MaxPeople`
/// conversations, 200 messages each. The people are customer contacts with no survey waiting and Teams is
/// configured, so that no nudge or survey lands in these conversations while the test counts.
/// </summary>
public class LocalChatLimitsTests
{
    private static BotFactory Chat(int maxPeople) => new(new Dictionary<string, string?>
    {
        ["LocalChat:MaxPeople"] = maxPeople.ToString(CultureInfo.InvariantCulture),
        ["Teams:AppId"] = "00000000-0000-0000-0000-000000000001",
        ["Nps:MaxPerDay"] = "0",
    });

    private static string[] QuietContacts(BotFactory factory, int count)
    {
        var surveyed = factory.Services.GetRequiredService<ISurveyStore>().LastSurveyed();
        return factory.Demo.Accounts.SelectMany(a => a.ContactEmails).Where(c => !surveyed.ContainsKey(c.ToLowerInvariant()))
            .Distinct(StringComparer.OrdinalIgnoreCase).Take(count).ToArray();
    }

    private static Task<HttpResponseMessage> Say(HttpClient http, string who, string text) =>
        http.PostAsJsonAsync("/chat/messages", new { @as = who, text });

    /// <summary>What the person typed, and "(card)" for each of the bot's answers.</summary>
    private static async Task<string[]> History(HttpClient http, string who) =>
        (await http.GetFromJsonAsync<JsonElement>($"/chat/history?as={who}")).EnumerateArray().Select(m => m.GetProperty("text").GetString() ?? "(card)").ToArray();

    /// <summary>An open page: the event stream, once the hub has registered it.</summary>
    private static async Task<HttpResponseMessage> OpenPage(HttpClient http, string who)
    {
        var response = await http.GetAsync($"/chat/events?as={who}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), leaveOpen: true);
        Assert.Equal(": listening", await reader.ReadLineAsync());
        return response;
    }

    [Fact]
    public async Task A_thousand_made_up_identities_are_refused_and_nothing_is_kept_for_them()
    {
        using var factory = Chat(maxPeople: 1_000);
        var http = factory.CreateClient();
        var hub = factory.Services.GetRequiredService<LocalChatHub>();
        var before = hub.People;

        for (var i = 0; i < 1_000; i++)
        {
            var response = await Say(http, $"visitor{i}@made-up.example", "help");
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        var page = await http.GetAsync("/chat/events?as=visitor1@made-up.example", HttpCompletionOption.ResponseHeadersRead);
        var click = await http.PostAsJsonAsync("/chat/actions", new { @as = "visitor2@made-up.example", actionId = "nps.stop", value = "x" });

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, click.StatusCode);
        Assert.Equal(before, hub.People);
        Assert.DoesNotContain(Enumerable.Range(0, 1_000), i => hub.Knows($"visitor{i}@made-up.example"));
    }

    [Fact]
    public async Task The_least_recently_used_conversation_makes_room_for_a_new_person()
    {
        using var factory = Chat(maxPeople: 3);
        var http = factory.CreateClient();
        var people = QuietContacts(factory, 4);
        var (first, second, third, fourth) = (people[0], people[1], people[2], people[3]);
        await Say(http, first, "help");
        await Say(http, second, "help");
        await Say(http, third, "help");
        await Say(http, first, "help again");

        var newcomer = await Say(http, fourth, "help");

        Assert.Equal(HttpStatusCode.OK, newcomer.StatusCode);
        Assert.Equal(3, factory.Services.GetRequiredService<LocalChatHub>().People);
        Assert.Empty(await History(http, second));
        Assert.Equal(["help", "(card)", "help again", "(card)"], await History(http, first));
        Assert.Equal(["help", "(card)"], await History(http, fourth));
    }

    [Fact]
    public async Task An_open_page_keeps_its_conversation_and_a_chat_full_of_open_pages_refuses_a_newcomer()
    {
        using var factory = Chat(maxPeople: 2);
        var http = factory.CreateClient();
        var people = QuietContacts(factory, 4);
        await Say(http, people[0], "help");
        using var firstPage = await OpenPage(http, people[0]);
        await Say(http, people[1], "help");

        await Say(http, people[2], "help");

        Assert.Equal(["help", "(card)"], await History(http, people[0]));
        Assert.Empty(await History(http, people[1]));
        using var secondPage = await OpenPage(http, people[2]);
        var refused = await Say(http, people[3], "help");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("The local chat is full: it keeps 2 conversations and each has an open page. Try again when one closes.",
            (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        var inGerman = await http.PostAsJsonAsync("/chat/messages", new { @as = people[3], text = "help", language = "de" });
        Assert.Equal("Der lokale Chat ist voll: Er führt 2 Unterhaltungen, und jede hat eine offene Seite. Bitte versuchen Sie es erneut, wenn eine geschlossen wird.",
            (await inGerman.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(2, factory.Services.GetRequiredService<LocalChatHub>().People);
    }

    [Fact]
    public async Task A_conversation_keeps_its_last_200_messages()
    {
        using var factory = Chat(maxPeople: 10);
        var http = factory.CreateClient();
        var who = QuietContacts(factory, 1)[0];

        for (var i = 0; i <= 100; i++) Assert.Equal(HttpStatusCode.OK, (await Say(http, who, $"message {i}")).StatusCode);

        var history = await History(http, who);
        Assert.Equal(LocalChatHub.KeptMessages, history.Length);
        Assert.Equal("message 1", history[0]);
        Assert.Equal("message 100", history[^2]);
        Assert.DoesNotContain("message 0", history);
    }
}
