using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Backtest;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;
using SuccessBot.Host;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Web;

namespace SuccessBot.Tests.Backtest;

/// <summary>The `backtest` verb's figures saved beside the store, and a host over a book larger than it replays in chat.</summary>
public class SavedBacktestTests
{
    private static readonly DateOnly RanOn = new(2026, 11, 30);
    private static readonly SuccessBot.Core.Language.Reader English = new(SuccessBot.Settings.Texts, SuccessBot.Core.Language.Languages.English);

    private static async Task<JsonElement> AskAsManager(BotFactory host, string text)
    {
        var response = await host.CreateClient().PostAsJsonAsync("/chat/messages", new { @as = DemoGenerator.Manager, text });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>())[1].GetProperty("reply");
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var waited = 0; !condition() && waited < 100; waited++) await Task.Delay(100);
        Assert.True(condition());
    }

    [Fact]
    public void A_saved_backtest_reads_back_as_the_same_answer()
    {
        var path = Path.Combine(Path.GetTempPath(), $"successbot-{Guid.NewGuid():N}.backtest.json");
        try
        {
            var report = PlantedBacktest.Report();
            SavedBacktest.Write(path, report, RanOn);

            var (read, ranOn) = SavedBacktest.Read(path, out var whyNot) ?? throw new Xunit.Sdk.XunitException(whyNot);

            var team = new TeamSettings { Texts = SuccessBot.Settings.Texts };
            Assert.Equal(RanOn, ranOn);
            Assert.Equal(PlainText.Render(BacktestAnswer.Of(English, report, team, new CheckOptions())), PlainText.Render(BacktestAnswer.Of(English, read, team, new CheckOptions())));
            File.WriteAllText(path, """{"format":1,"ranOn":"2026-11-30","report":{"window":{"months":[],"horizonDays":90},"signals":[]}}""");
            Assert.Null(SavedBacktest.Read(path, out whyNot));
            Assert.Equal("it lacks some of the rules' figures", whyNot);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task Health_accuracy_over_a_large_book_answers_from_the_verbs_saved_figures_and_cards_quote_them()
    {
        // The demo's 300 accounts are more than this host replays itself.
        using var host = new BotFactory(new Dictionary<string, string?> { ["Backtest:MaxAccountsInChat"] = "100" });
        var memory = host.Services.GetRequiredService<BacktestMemory>();
        var files = host.Services.GetRequiredService<StoreFiles>();
        File.Delete(files.Backtest);

        var before = await AskAsManager(host, "health accuracy");
        SavedBacktest.Write(files.Backtest, PlantedBacktest.Report(), RanOn);
        await Until(() => memory.SavedOn == RanOn);
        var after = await AskAsManager(host, "health accuracy");
        File.WriteAllText(files.Backtest, "{ not json");
        await Until(() => host.Log.Lines.Any(l => l.StartsWith($"The saved backtest {files.Backtest} is not used: it cannot be read", StringComparison.Ordinal)));
        var kept = await AskAsManager(host, "health accuracy");

        Assert.Equal("Health accuracy · run it at the command line", before.GetProperty("title").GetString());
        Assert.Contains("`backtest --months 12 --horizon 90` on the server reads the same store, prints the same figures and saves them here.", before.GetProperty("note").GetString());
        Assert.Equal("Health accuracy · 12 months from Oct 2025 to Sep 2026 · 90-day horizon · all accounts", after.GetProperty("title").GetString());
        // The saved figures, not a replay of the demo's own 300 accounts.
        Assert.Equal(BacktestAnswer.Of(English, PlantedBacktest.Report(), new TeamSettings { Texts = SuccessBot.Settings.Texts }, new CheckOptions()).Summary, after.GetProperty("summary").GetString());
        Assert.Contains("of the 36 accounts that cancelled", after.GetProperty("summary").GetString());
        Assert.StartsWith("From the `backtest` run on 2026-11-30 (a book of more than 100 accounts is not replayed inside the chat host;", after.GetProperty("note").GetString());
        // A damaged file leaves the last good figures in use.
        Assert.Equal(after.GetProperty("summary").GetString(), kept.GetProperty("summary").GetString());
        Assert.Equal(PlantedBacktest.Quarter, Assert.Single(memory.Records.Facts(English, [Signal.RenewalRisk])).Value);
    }
}
