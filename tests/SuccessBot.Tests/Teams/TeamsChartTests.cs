using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using SuccessBot.Core.Chat;
using SuccessBot.Demo;

namespace SuccessBot.Tests.Teams;

/// <summary>Charts in Teams through the real pipeline: Teams' own chart elements from the figures, a PNG data URI for clients without charts.</summary>
public class TeamsChartTests(TeamsBotFactory bot) : IClassFixture<TeamsBotFactory>
{
    private TeamsChat Person(string email)
    {
        var userId = "29:" + Guid.NewGuid().ToString("N");
        bot.Connector.Emails[userId] = email;
        return new TeamsChat(bot, userId);
    }

    private static IEnumerable<JsonElement> Elements(JsonElement card, string type) =>
        card.GetProperty("body").EnumerateArray().Where(e => e.GetProperty("type").GetString() == type);

    private async Task<JsonElement> CardFor(string question)
    {
        var maria = Person(DemoGenerator.Manager);
        Assert.Equal(HttpStatusCode.OK, (await maria.Says(question)).StatusCode);
        var card = Assert.Single(maria.Replies).Card;
        var problems = AdaptiveCardRules.Problems(card);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        return card;
    }

    [Fact]
    public async Task The_churn_trend_is_a_chart_line_of_the_monthly_figures_with_the_png_as_its_fallback()
    {
        var card = await CardFor("churn trend");
        var expected = bot.Services.GetRequiredService<ChatBot>().Answer(new IncomingMessage("churn trend", DemoGenerator.Manager)).Charts[0];

        var line = Assert.Single(Elements(card, "Chart.Line"));
        var logo = line.GetProperty("data")[0];
        Assert.Equal("Logo churn", logo.GetProperty("legend").GetString());
        Assert.Equal(expected.Series[0].Values.OfType<double>().Select(v => Math.Round(v * 100, 1)), logo.GetProperty("values").EnumerateArray().Select(v => v.GetProperty("y").GetDouble()));
        Assert.Equal(expected.Labels.Where((_, i) => expected.Series[0].Values[i] is not null), logo.GetProperty("values").EnumerateArray().Select(v => v.GetProperty("x").GetString()));
        var fallback = line.GetProperty("fallback");
        Assert.Equal("Image", fallback.GetProperty("type").GetString());
        using var png = SKBitmap.Decode(Convert.FromBase64String(fallback.GetProperty("url").GetString()!["data:image/png;base64,".Length..]));
        Assert.InRange(png.Width, 320, 800);
        Assert.Equal(png.Width / 2, png.Height, 1.0);
        Assert.Contains("Month by month", card.GetRawText());
    }

    [Fact]
    public async Task The_nps_trend_draws_the_score_and_the_mix_as_stacked_bars_and_at_risk_a_donut_of_the_bands()
    {
        var nps = await CardFor("nps trend");
        var atRisk = await CardFor("at-risk");

        Assert.Single(Elements(nps, "Chart.Line"));
        var bars = Assert.Single(Elements(nps, "Chart.VerticalBar.Grouped"));
        Assert.True(bars.GetProperty("stacked").GetBoolean());
        Assert.Equal(["Detractors (0-6)", "Passives (7-8)", "Promoters (9-10)"], bars.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("legend").GetString()));
        var donut = Assert.Single(Elements(atRisk, "Chart.Donut"));
        Assert.Equal(["good", "warning", "attention"], donut.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("color").GetString()));
        var active = bot.Demo.Accounts.Count(a => a.IsActiveOn(Web.BotFactory.Today));
        Assert.Equal(active, donut.GetProperty("data").EnumerateArray().Sum(d => d.GetProperty("value").GetInt32()));
    }

    [Fact]
    public void A_card_too_full_for_a_picture_keeps_the_text_fallback_and_stays_within_teams_size()
    {
        var reply = bot.Services.GetRequiredService<ChatBot>().Answer(new IncomingMessage("nps trend", DemoGenerator.Manager));
        // Four charts on one card: the pictures cannot all fit in 28 KB, so the last ones keep their text.
        var crowded = reply with { Charts = [.. reply.Charts, .. reply.Charts] };

        var card = JsonSerializer.SerializeToElement(SuccessBot.Teams.AdaptiveCards.Render(crowded));

        Assert.Empty(AdaptiveCardRules.Problems(card));
        var fallbacks = card.GetProperty("body").EnumerateArray().Where(e => e.GetProperty("type").GetString()!.StartsWith("Chart.")).Select(e => e.GetProperty("fallback").GetProperty("type").GetString()).ToArray();
        Assert.Equal(4, fallbacks.Length);
        Assert.Contains("Image", fallbacks);
        Assert.Contains("TextBlock", fallbacks);
    }
}
