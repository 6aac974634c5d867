using SuccessBot.Core.Audit;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;
using SuccessBot.Demo;
using SuccessBot.Host;
using SuccessBot.Teams;

namespace SuccessBot.Tests.Teams;

/// <summary>Every card the bot can send in Teams follows the Adaptive Card 1.5 rules, and every button on it comes back as something the bot acts on.</summary>
public class AdaptiveCardTests(TeamsBotFactory bot) : IClassFixture<TeamsBotFactory>
{
    private static void Valid(Reply reply)
    {
        var card = JsonSerializer.SerializeToElement(AdaptiveCards.Render(reply));
        var problems = AdaptiveCardRules.Problems(card);
        Assert.True(problems.Count == 0, $"\"{reply.Title}\" breaks the Adaptive Card rules:\n" + string.Join("\n", problems));
    }

    private IEnumerable<Reply> EveryAnswer()
    {
        var chat = bot.Services.GetRequiredService<ChatBot>();
        var account = bot.Demo.Accounts.First(a => a.CanceledOn is null);
        var questions = CommandLanguage.Commands.Select(c => c.Example)
            .Concat(["health " + account.Name, "health no-such-account", "churn 2099", "renewals next 90 days", "what is this", "", "churn last month share"]);
        var askers = new[] { DemoGenerator.Manager, account.OwnerEmail, account.ContactEmails.FirstOrDefault() ?? "contact@customer.example", "stranger@elsewhere.example" };
        return askers.SelectMany(asker => questions.Select(q => chat.Answer(new IncomingMessage(q, asker))));
    }

    [Fact]
    public void Every_answer_to_every_command_for_every_kind_of_asker_is_a_valid_card()
    {
        var answers = EveryAnswer().ToArray();

        Assert.Contains(answers, a => a.IsRefusal);
        Assert.Contains(answers, a => !a.IsRefusal && a.Sections.Count > 0);
        foreach (var answer in answers) Valid(answer);
    }

    [Fact]
    public void Every_nudge_the_checks_would_send_today_is_a_valid_card_with_working_buttons()
    {
        bot.Services.GetRequiredService<NudgeService>().Check(CheckKind.All);
        bot.Services.GetRequiredService<SurveyService>().SendDue(AuditEntry.Scheduler, AuditChannels.Scheduler);
        var nudges = bot.Services.GetRequiredService<INudgeLedger>().CreatedSince(DateTimeOffset.MinValue)
            .Select(n => new Nudge(n.Key, n.Rule, n.AccountId, n.Recipient, n.Card)).ToArray();
        var known = bot.Services.GetRequiredService<ActionRouter>().ActionIds;

        Assert.NotEmpty(nudges);
        foreach (var nudge in nudges)
        {
            Valid(nudge.Card);
            Valid(NudgeCards.Done(nudge.Card, "ana snoozed it for 14 days."));
            foreach (var button in nudge.Card.Buttons) Assert.Contains(button.ActionId, known);
        }
    }

    [Fact]
    public void A_russian_cards_choices_are_in_russian_and_send_back_the_canonical_value()
    {
        var russian = new Core.Language.Reader(SuccessBot.Settings.Texts, Core.Language.Languages.Match("ru")!);
        var card = JsonSerializer.SerializeToElement(AdaptiveCards.Render(new Reply("Nudge") { Buttons = NudgeCards.Actions(russian, "key-1") }));

        var reasons = card.GetProperty("actions")[2].GetProperty("card").GetProperty("body")[0].GetProperty("choices").EnumerateArray().ToArray();
        Assert.Equal(NudgeCards.ChurnReasons, reasons.Select(c => c.GetProperty("value").GetString()));
        Assert.Equal("урезали бюджет", reasons.Single(c => c.GetProperty("value").GetString() == "budget cuts").GetProperty("title").GetString());
        var kinds = card.GetProperty("actions")[1].GetProperty("card").GetProperty("body")[0].GetProperty("choices").EnumerateArray();
        Assert.Equal(["звонок", "письмо", "встреча"], kinds.Select(c => c.GetProperty("title").GetString()));
    }

    [Fact]
    public void A_card_with_questions_asks_them_on_the_card_and_sends_them_back_with_the_click()
    {
        var card = JsonSerializer.SerializeToElement(AdaptiveCards.Render(new Reply("Nudge") { Buttons = NudgeCards.Actions("key-1") }));

        var snooze = card.GetProperty("actions")[0];
        Assert.Equal("Action.ShowCard", snooze.GetProperty("type").GetString());
        var inputs = snooze.GetProperty("card").GetProperty("body");
        Assert.Equal("Input.ChoiceSet", inputs[0].GetProperty("type").GetString());
        Assert.True(inputs[0].GetProperty("isRequired").GetBoolean());
        Assert.Equal(NudgeCards.SnoozeDays, inputs[0].GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("value").GetString()));
        var execute = snooze.GetProperty("card").GetProperty("actions")[0];
        Assert.Equal("Action.Execute", execute.GetProperty("type").GetString());
        Assert.Equal("Action.Submit", execute.GetProperty("fallback").GetProperty("type").GetString());

        // What Teams sends back: the action's data with each input's answer under the input's id.
        using var submitted = JsonDocument.Parse($$"""{"{{AdaptiveCards.ActionKey}}":"nudge.snooze","{{AdaptiveCards.ValueKey}}":"key-1","nudge.snooze.days":"14","nudge.snooze.reason":"budget"}""");
        var click = AdaptiveCards.ReadClick(submitted.RootElement)!;
        Assert.Equal(("nudge.snooze", "key-1"), (click.ActionId, click.Value));
        Assert.Equal(new Dictionary<string, string> { ["days"] = "14", ["reason"] = "budget" }, click.Inputs);
    }

    [Fact]
    public void The_rules_catch_what_Teams_would_not_render()
    {
        using var bad = JsonDocument.Parse("""
            {"type":"AdaptiveCard","version":"1.6","body":[{"type":"TextBlock"},{"type":"Table"},{"type":"Input.Text","id":"a"},{"type":"Input.Text","id":"a"}],
             "actions":[{"type":"Action.Http","title":"x"},{"type":"Action.Execute","title":"go"},{"type":"Action.ShowCard","title":"more"}]}
            """);

        var problems = AdaptiveCardRules.Problems(bad.RootElement);

        Assert.Contains(problems, p => p.StartsWith("$.version"));
        Assert.Contains(problems, p => p.StartsWith("$.body[0].text"));
        Assert.Contains(problems, p => p.StartsWith("$.body[1].type"));
        Assert.Contains(problems, p => p.StartsWith("$.body[3].id"));
        Assert.Contains(problems, p => p.StartsWith("$.actions[0].type"));
        Assert.Contains(problems, p => p.StartsWith("$.actions[1].verb"));
        Assert.Contains(problems, p => p.StartsWith("$.actions[2].card"));
    }

    [Fact]
    public async Task The_welcome_card_sent_on_install_is_valid()
    {
        var userId = "29:" + Guid.NewGuid().ToString("N");
        bot.Connector.Emails[userId] = DemoGenerator.Manager;
        var chat = new TeamsChat(bot, userId);

        await chat.AddsTheBot();

        var problems = AdaptiveCardRules.Problems(Assert.Single(chat.Replies).Card);
        Assert.Empty(problems);
    }
}
