using SuccessBot.Tests.Builders;
using Microsoft.Extensions.Time.Testing;
using SuccessBot.Cli;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;
using SuccessBot.Storage;
using SuccessBot.Tests.Import;
using Xunit.Abstractions;

namespace SuccessBot.Tests.Nudges;

/// <summary>The demo's first start, counted from the ledger: a readable morning for each CSM.</summary>
public sealed class DemoFirstStartTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_demos_first_start_gives_each_csm_one_card_an_account_within_the_budget_and_one_roll_up()
    {
        var today = new DateOnly(2026, 11, 25);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        var demo = DemoStore.Create(_folder.Store, 42, today);
        using var store = new LiteDbStore(_folder.Store);
        var team = new TeamSettings { Texts = SuccessBot.Settings.Texts, CoreFeatures = DemoGenerator.CoreFeatures, Managers = [demo.Manager], Health = new HealthOptions { PlanSeats = DemoGenerator.PlanSeats } };
        var channel = new RecordingChannel();
        var options = new CheckOptions();
        var nudges = store.Nudges(new StaticBookSource(store.Book.LoadBook()), team, options, clock, [channel]);

        var summary = nudges.Check(CheckKind.All);
        await nudges.DeliverDueAsync(CancellationToken.None);
        await nudges.DeliverDueAsync(CancellationToken.None);

        var sent = store.Ledger.AllNudges().Where(n => n.Status == DeliveryStatus.Sent).ToArray();
        output.WriteLine($"{summary.Decided} reasons decided, {summary.Recorded} cards recorded.");
        foreach (var person in demo.Csms.Append(demo.Manager))
        {
            var cards = sent.Where(n => n.Recipient == person && NudgeRules.IsCard(n.Rule)).ToArray();
            var rollUp = sent.SingleOrDefault(n => n.Recipient == person && n.Rule == NudgeRules.RollUp);
            output.WriteLine($"{person}: {cards.Length} cards ({cards.Count(c => c.Card.Title.StartsWith("Renewal"))} renewals), " +
                $"roll-up: {rollUp?.Card.Title ?? "none"}");
            Assert.InRange(cards.Length, 0, options.MaxNudgesPerDay);
            Assert.Equal(cards.Length, cards.Select(c => c.AccountId).Distinct().Count());
            Assert.Equal(channel.Sent.Count(s => s.To == person), cards.Length + (rollUp is null ? 0 : 1));
        }
        Assert.Equal(demo.Csms.Count, demo.Csms.Count(c => sent.Any(n => n.Recipient == c && NudgeRules.IsCard(n.Rule))));
        Assert.DoesNotContain(sent, n => n.Card.Summary?.Contains("fell from good") == true);
        // A renewal card in good health comes only in the nearest window.
        Assert.DoesNotContain(store.Ledger.AllNudges(), n => n.Rule == NudgeRules.Renewal && n.Card.Summary!.Contains("in good health") && !n.Key.EndsWith($"|{options.GoodHealthRenewalWindow}|{n.Recipient}"));
    }
}
