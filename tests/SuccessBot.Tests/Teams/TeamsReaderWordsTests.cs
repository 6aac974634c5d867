using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;
using SuccessBot.Teams;

namespace SuccessBot.Tests.Teams;

/// <summary>What the Teams card adds of its own is in its reader's words: a required choice left empty, a click that changed nothing.</summary>
public class TeamsReaderWordsTests(TeamsBotFactory bot) : IClassFixture<TeamsBotFactory>
{
    private TeamsChat Person(string email)
    {
        var chat = new TeamsChat(bot, "29:" + Guid.NewGuid().ToString("N"));
        bot.Connector.Emails[chat.UserId] = email;
        return chat;
    }

    private static IEnumerable<JsonElement> All(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => [element, .. element.EnumerateObject().SelectMany(p => All(p.Value))],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(All),
        _ => [],
    };

    /// <summary>The card is written in the language the owner's chat last told; its required choices say what is missing in it too.</summary>
    [Theory]
    [InlineData(1, "de-DE", "Wählen Sie aus, für wie viele Tage.", "Wählen Sie die Art des Kontakts aus.", "Wählen Sie einen Kündigungsgrund aus.")]
    [InlineData(2, "ro-RO", "Alegeți pentru câte zile amânați.", "Alegeți tipul de contact.", "Alegeți un motiv de renunțare.")]
    [InlineData(3, "en-US", "Choose how many days to snooze.", "Choose the kind of touchpoint.", "Choose a churn reason.")]
    public async Task A_required_choice_left_empty_is_told_in_the_card_readers_language(int csm, string locale, string days, string kind, string reason)
    {
        var email = DemoGenerator.Csms[csm];
        var owner = Person(email);
        await owner.Post(owner.Activity("message", new JsonObject { ["text"] = "help", ["locale"] = locale }));
        var team = bot.Services.GetRequiredService<TeamSettings>();
        var account = bot.Demo.Accounts.First(a => a.CanceledOn is null && a.OwnerEmail == email);
        var key = $"renewal|{account.Id}|{Guid.NewGuid():N}";
        var title = $"Choices {locale} {key}";
        var card = new Reply(title) { Summary = "Renews soon.", Buttons = NudgeCards.Actions(team.ReaderOfMember(email), key) };
        bot.Services.GetRequiredService<INudgeLedger>().Add(NudgeRecord.From(new Nudge(key, NudgeRules.Renewal, account.Id, email, card), DateTimeOffset.UtcNow));

        await bot.Services.GetRequiredService<NudgeService>().DeliverDueAsync(CancellationToken.None);

        var sent = owner.CardsReceived.Last(c => c.Body!.Value.TryGetProperty("attachments", out _) && c.CardTitle == title).Card;
        var choices = All(sent).Where(e => e.TryGetProperty("type", out var type) && type.GetString() == "Input.ChoiceSet").ToArray();
        Assert.Equal([days, kind, reason], choices.Select(c => c.GetProperty("errorMessage").GetString()));
        Assert.All(choices, c => Assert.True(c.GetProperty("isRequired").GetBoolean()));
    }

    /// <summary>A click answered in place with neither a new card nor words of the core's own says so in the clicker's language.</summary>
    [Theory]
    [InlineData(4, "de-DE", "Es wurde nichts geändert.")]
    [InlineData(0, "en-US", "Nothing was changed.")]
    public async Task A_click_that_changes_no_card_says_so_in_the_clickers_language(int csm, string locale, string nothing)
    {
        var email = DemoGenerator.Csms[csm];
        var account = bot.Demo.Accounts.First(a => a.CanceledOn is null && a.OwnerEmail == email);
        var key = $"renewal|{account.Id}|{Guid.NewGuid():N}";
        // A card no roll-up lists, without a summary: opening it gives no card to show in place and nothing to say.
        bot.Services.GetRequiredService<INudgeLedger>().Add(NudgeRecord.From(new Nudge(key, NudgeRules.Renewal, account.Id, email, new Reply("Unlisted")), DateTimeOffset.UtcNow));
        var owner = Person(email);

        var clicked = await owner.Post(owner.Activity("invoke", new JsonObject
        {
            ["name"] = "adaptiveCard/action",
            ["locale"] = locale,
            ["value"] = new JsonObject
            {
                ["action"] = new JsonObject
                {
                    ["type"] = "Action.Execute", ["id"] = "action-id", ["verb"] = NudgeCards.Open,
                    ["data"] = new JsonObject { [AdaptiveCards.ActionKey] = NudgeCards.Open, [AdaptiveCards.ValueKey] = key },
                },
                ["trigger"] = "manual",
            },
        }));

        var body = await TeamsChat.Json(clicked);
        Assert.Equal("application/vnd.microsoft.activity.message", body.GetProperty("type").GetString());
        Assert.Equal(nothing, body.GetProperty("value").GetString());
    }

    /// <summary>An answer that must stay private but cannot reach the asker's private chat is not posted; the note saying so is in the asker's language.</summary>
    [Theory]
    [InlineData("de-DE", "Keine private Nachricht möglich",
        "Ich konnte Ihnen die Antwort nicht in einem privaten Chat senden, daher steht sie auch hier nicht. Öffnen Sie einen Chat mit SuccessBot und fragen Sie dort.")]
    [InlineData("pt-BR", "Não foi possível falar com você em particular",
        "Não consegui enviar a resposta para você em um chat privado, por isso ela não foi publicada aqui. Abra um chat com o SuccessBot e pergunte lá.")]
    [InlineData("en-US", "Could not reach you privately",
        "I could not send you the answer in a private chat, so it is not posted here. Open a chat with SuccessBot and ask there.")]
    public async Task An_answer_that_cannot_reach_the_askers_private_chat_says_so_in_their_language(string locale, string title, string summary)
    {
        var userId = "29:" + Guid.NewGuid().ToString("N");
        bot.Connector.Emails[userId] = DemoGenerator.Manager;
        bot.Connector.Blocked[userId] = true;
        var maria = new TeamsChat(bot, userId, "channel", $"19:{Guid.NewGuid():N}@thread.tacv2;messageid=1");

        await maria.Post(maria.Activity("message", new JsonObject { ["text"] = "churn last month", ["locale"] = locale }));

        var note = Assert.Single(maria.CardsReceived);
        Assert.Equal(title, note.CardTitle);
        Assert.Contains(All(note.Card), e => e.TryGetProperty("text", out var text) && text.GetString() == summary);
    }

    /// <summary>Whoever adds the bot is welcomed in their language (the activity's locale, else the team's); the card shows the command in bold.</summary>
    [Theory]
    [InlineData("de-DE", "Hallo, ich bin SuccessBot", "Ich beantworte die Fragen Ihres Customer-Success-Teams (Churn, Retention, NPS, Verlängerungen, "
        + "Account-Health) mit genauen Zahlen und schreibe Ihnen hier, wenn ein Account Aufmerksamkeit braucht. Geben Sie einen Befehl ein, z. B. **churn last month**.")]
    [InlineData("ro-RO", "Bună ziua, sunt SuccessBot", "Răspund la întrebările echipei dumneavoastră de customer success (churn, retenție, NPS, reînnoiri, "
        + "sănătatea conturilor) cu cifre exacte și vă scriu aici când un cont are nevoie de atenție. Scrieți o comandă, de exemplu **churn last month**.")]
    [InlineData("en-US", "Hello, I'm SuccessBot", "I answer your customer success team's questions (churn, retention, NPS, renewals, account health) "
        + "with exact figures, and I message you here when an account needs attention. Type a command, e.g. **churn last month**.")]
    public async Task Adding_the_bot_welcomes_the_person_in_their_language(string locale, string title, string summary)
    {
        var person = Person($"welcome.{Guid.NewGuid():N}@successbot.demo");

        await person.Post(person.Activity("conversationUpdate", new JsonObject
        {
            ["membersAdded"] = new JsonArray { new JsonObject { ["id"] = TeamsChat.BotId }, new JsonObject { ["id"] = person.UserId } },
            ["locale"] = locale,
        }));

        var welcome = Assert.Single(person.CardsReceived);
        Assert.Equal(title, welcome.CardTitle);
        Assert.Contains(All(welcome.Card), e => e.TryGetProperty("text", out var text) && text.GetString() == summary);
    }
}
