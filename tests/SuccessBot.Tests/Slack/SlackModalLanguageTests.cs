using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Language;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;
using SuccessBot.Slack;

namespace SuccessBot.Tests.Slack;

/// <summary>A nudge's modal in the CSM's language, while what it stores stays the canonical choice every reader and report reads.</summary>
public class SlackModalLanguageTests(SlackHost host) : IClassFixture<SlackHost>
{
    [Fact]
    public async Task A_german_csm_chooses_a_churn_reason_in_german_and_the_canonical_reason_is_stored()
    {
        const string user = "UDEMODAL";
        var csm = DemoGenerator.Csms[2];
        host.Slack.Users[user] = (FakeSlack.Team, csm);
        host.Slack.Locales[user] = "de-DE";
        var services = host.Bot.Services;
        var account = services.GetRequiredService<IBookSource>().Current.Accounts.First(a => a.CanceledOn is null && a.OwnerEmail == csm);
        var key = $"test|modal-de|{Guid.NewGuid():N}";
        var german = new Reader(SuccessBot.Settings.Texts, Languages.Match("de")!);
        services.GetRequiredService<INudgeLedger>().Add(NudgeRecord.From(new Nudge(key, NudgeRules.Renewal, account.Id, csm,
            new Reply($"Verlängerung · {account.Name}") { Buttons = NudgeCards.Actions(german, key) }), DateTimeOffset.UtcNow));
        var button = NudgeCards.Actions(german, key).Single(b => b.ActionId == NudgeCards.MarkChurned);

        await host.Bot.PostFormAsync([new("payload", SlackPayloads.BlockActions(button.ActionId, new ButtonValue(key, button.Inputs, button.Submit, button.Cancel).Encode(), user, "D" + user, "1700000001.000001"))]);

        var modal = (await host.Slack.WaitForAsync("views.open", c => c.Fields["view"]!["private_metadata"]!.GetValue<string>().Contains(key))).Fields["view"]!;
        var options = modal["blocks"]!.AsArray().Single(b => b!["block_id"]!.GetValue<string>() == "reason")!["element"]!["options"]!.AsArray();
        Assert.Equal(["Preis", "fehlende Funktion", "zum Wettbewerber gewechselt", "geringe Nutzung", "Budgetkürzungen", "Fürsprecher hat das Unternehmen verlassen", "übernommen", "Sonstiges"],
            options.Select(o => o!["text"]!["text"]!.GetValue<string>()));
        Assert.Equal(NudgeCards.ChurnReasons, options.Select(o => o!["value"]!.GetValue<string>()));

        var chosen = options.Single(o => o!["value"]!.GetValue<string>() == "budget cuts")!;
        var values = new JsonObject { ["reason"] = new JsonObject { ["value"] = new JsonObject { ["type"] = "static_select", ["selected_option"] = chosen.DeepClone() } } };
        Assert.Equal(HttpStatusCode.OK, (await host.Bot.PostFormAsync([new("payload", SlackPayloads.ViewSubmission(modal["private_metadata"]!.GetValue<string>(), values, user))])).StatusCode);

        var done = await host.Slack.WaitForAsync("chat.update", c => c.Fields["ts"]?.GetValue<string>() == "1700000001.000001");
        Assert.Contains("Budgetkürzungen", Readable(done.Fields["blocks"]!));
        await WaitUntil(() => services.GetRequiredService<IBookSource>().Current.Accounts.Single(a => a.Id == account.Id).ChurnReason is not null);
        Assert.Equal("budget cuts", services.GetRequiredService<IBookSource>().Current.Accounts.Single(a => a.Id == account.Id).ChurnReason);

        await host.Bot.PostJsonAsync(SlackPayloads.EventCallback($"Ev-churn-{key}", SlackPayloads.DirectMessage($"health {account.Name}")));
        var answer = await host.Slack.WaitForAsync("chat.postMessage", c => c.Fields["channel"]?.GetValue<string>() == "D024BE91L" && Readable(c.Fields).Contains(account.Name) && Readable(c.Fields).Contains("budget cuts"));
        Assert.DoesNotContain("Budgetkürzungen", Readable(answer.Fields));
    }

    private static async Task WaitUntil(Func<bool> done)
    {
        for (var i = 0; i < 100 && !done(); i++) await Task.Delay(50);
    }

    /// <summary>A payload's JSON with its letters as they are, not escaped (Cyrillic, „quotes“).</summary>
    private static string Readable(JsonNode node) =>
        node.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
