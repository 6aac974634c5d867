using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Backtest;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;
using SuccessBot.Host;
using SuccessBot.Slack;
using SuccessBot.Storage;
using SuccessBot.Teams;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Slack;
using SuccessBot.Tests.Teams;
using SuccessBot.Tests.Web;

namespace SuccessBot.Tests.Nudges;

/// <summary>A host that has a backtest to quote, and a renewal in poor health its checks find: the card the owner gets.</summary>
public static class CardWithRecord
{
    public const string AccountId = "at-risk-1";

    /// <summary>Keeps a planted backtest in the host, stores an unused account renewing in 10 days, runs the renewal check, and returns the owner's card of the day.</summary>
    public static NudgeRecord RecordedIn(IServiceProvider services)
    {
        services.GetRequiredService<BacktestMemory>().Keep(PlantedBacktest.Report());
        var today = services.GetRequiredService<TeamSettings>().Today(DateTimeOffset.UtcNow);
        services.GetRequiredService<LiteDbStore>().Book.UpsertAccounts(
            [new Account { Id = AccountId, Name = "At Risk Co", OwnerEmail = DemoGenerator.Csms[0], Mrr = 900, StartedOn = today.AddYears(-2), RenewalOn = today.AddDays(10) }], today);
        services.GetRequiredService<BookReadModel>().Refresh();

        services.GetRequiredService<NudgeService>().Check(CheckKind.Renewals);

        return services.GetRequiredService<INudgeLedger>().AboutAccount(AccountId)
            .Single(n => n.Rule == NudgeRules.Day && string.Equals(n.Recipient, DemoGenerator.Csms[0], StringComparison.OrdinalIgnoreCase));
    }

    public static void QuotesTheRenewalRisk(Reply card) =>
        Assert.Equal(PlantedBacktest.Quarter, Assert.Single(card.Facts, f => f.Label == "Renewal at risk").Value);
}

public class TeamsRecordCardTests(TeamsBotFactory bot) : IClassFixture<TeamsBotFactory>
{
    [Fact]
    public void A_card_quoting_its_rules_record_is_a_valid_adaptive_card_before_and_after_it_is_handled()
    {
        var card = CardWithRecord.RecordedIn(bot.Services).Card;

        CardWithRecord.QuotesTheRenewalRisk(card);
        foreach (var reply in new[] { card, NudgeCards.Done(card, "ana snoozed it for 14 days.") })
        {
            var problems = AdaptiveCardRules.Problems(JsonSerializer.SerializeToElement(AdaptiveCards.Render(reply)));
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
        Assert.Contains(PlantedBacktest.Quarter, JsonSerializer.Serialize(AdaptiveCards.Render(card)));
    }
}

public class SlackRecordCardTests(SlackHost host) : IClassFixture<SlackHost>
{
    [Fact]
    public void A_card_quoting_its_rules_record_stays_inside_block_kits_limits_and_shows_it_in_a_field()
    {
        var card = CardWithRecord.RecordedIn(host.Bot.Services).Card;

        var blocks = BlockKit.Message(card)["blocks"]!.AsArray();

        CardWithRecord.QuotesTheRenewalRisk(card);
        BlockKitLimits.Check(blocks);
        var fields = blocks.Where(b => b!["fields"] is not null).SelectMany(b => b!["fields"]!.AsArray()).Select(f => f!["text"]!.GetValue<string>());
        Assert.Contains($"*Renewal at risk*\n{PlantedBacktest.Quarter}", fields);
    }
}

public class LocalRecordCardTests(BotFactory factory) : IClassFixture<BotFactory>
{
    [Fact]
    public async Task A_card_quoting_its_rules_record_reaches_the_local_chat_with_the_record_as_plain_text()
    {
        var recorded = CardWithRecord.RecordedIn(factory.Services);
        await factory.Services.GetRequiredService<NudgeService>().DeliverDueAsync(CancellationToken.None);

        var history = await factory.CreateClient().GetFromJsonAsync<JsonElement>($"/chat/history?as={DemoGenerator.Csms[0]}");

        CardWithRecord.QuotesTheRenewalRisk(recorded.Card);
        var card = history.EnumerateArray().Select(m => m.GetProperty("reply")).Last(r => r.ValueKind == JsonValueKind.Object && r.GetProperty("title").GetString() == recorded.Card.Title);
        var fact = card.GetProperty("facts").EnumerateArray().Single(f => f.GetProperty("label").GetString() == "Renewal at risk");
        Assert.Equal(PlantedBacktest.Quarter, fact.GetProperty("value").GetString());
    }
}
