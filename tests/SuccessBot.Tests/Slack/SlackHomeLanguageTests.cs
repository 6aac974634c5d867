using System.Text.Json.Nodes;
using SuccessBot.Demo;

namespace SuccessBot.Tests.Slack;

/// <summary>The Home tab, and who may not see it, in the Slack user's language.</summary>
public class SlackHomeLanguageTests(SlackHost host) : IClassFixture<SlackHost>
{
    [Theory]
    [InlineData("URUCSM", "ru-RU", "Вы вошли как {email}. Спрашивайте слеш-командой (`/churn прошлый месяц`), в личном сообщении или упомянув меня.", "Команды SuccessBot")]
    [InlineData("UDECSM", "de-DE", "Angemeldet als {email}. Fragen Sie per Slash-Befehl (`/churn letzten Monat`), per Direktnachricht oder indem Sie mich erwähnen.", "SuccessBot-Befehle")]
    public async Task A_csm_opening_the_home_tab_reads_it_in_their_Slack_language(string user, string locale, string signedIn, string help)
    {
        var email = DemoGenerator.Csms[locale.StartsWith("ru", StringComparison.Ordinal) ? 1 : 2];
        host.Slack.Users[user] = (FakeSlack.Team, email);
        host.Slack.Locales[user] = locale;

        await host.Bot.PostJsonAsync(SlackPayloads.EventCallback($"Ev-home-{user}", SlackPayloads.AppHomeOpened(user)));

        var home = Readable((await host.Slack.WaitForAsync("views.publish", c => c.Fields["user_id"]?.GetValue<string>() == user)).Fields["view"]!);
        Assert.Contains(signedIn.Replace("{email}", email), home);
        Assert.Contains(help, home);
    }

    [Fact]
    public async Task A_guest_from_another_organisation_is_refused_in_their_Slack_language()
    {
        const string user = "UGASTDE";
        host.Slack.Users[user] = (FakeSlack.OtherTeam, "gast@elsewhere.example");
        host.Slack.Locales[user] = "de-AT";

        await host.Bot.PostJsonAsync(SlackPayloads.EventCallback("Ev-home-guest-de", SlackPayloads.AppHomeOpened(user)));

        var home = Readable((await host.Slack.WaitForAsync("views.publish", c => c.Fields["user_id"]?.GetValue<string>() == user)).Fields["view"]!);
        Assert.Contains("Hier nicht verfügbar", home);
        Assert.Contains("Gäste aus einer anderen Organisation sehen keine Account-Daten.", home);
    }

    /// <summary>A payload's JSON with its letters as they are, not escaped (Cyrillic, „quotes“).</summary>
    private static string Readable(JsonNode node) =>
        node.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
