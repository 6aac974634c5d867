using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SkiaSharp;
using SuccessBot.Demo;

namespace SuccessBot.Tests.Web;

/// <summary>The local chat's charts: the reply carries each chart's description and numbers, and the host draws its PNG for the one conversation it belongs to.</summary>
public class LocalChatChartTests(BotFactory factory) : IClassFixture<BotFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    private async Task<JsonElement> Say(string who, string text)
    {
        var response = await _http.PostAsJsonAsync("/chat/messages", new { @as = who, text });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>())[1];
    }

    private static string Url(JsonElement message, int index, string who) =>
        $"/chat/charts/{message.GetProperty("id").GetString()}/{index}?as={Uri.EscapeDataString(who)}";

    [Fact]
    public async Task A_chart_in_the_reply_is_served_as_an_800_by_400_png_with_its_numbers_in_the_reply()
    {
        var message = await Say(DemoGenerator.Manager, "nps trend");
        var charts = message.GetProperty("reply").GetProperty("charts");

        Assert.Equal(2, charts.GetArrayLength());
        Assert.Equal("Quarter by quarter", charts[0].GetProperty("table").GetProperty("heading").GetString());
        Assert.Equal(4, charts[0].GetProperty("table").GetProperty("rows").GetArrayLength());
        for (var i = 0; i < 2; i++)
        {
            var response = await _http.GetAsync(Url(message, i, DemoGenerator.Manager));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            using var png = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal((800, 400), (png.Width, png.Height));
        }
    }

    [Fact]
    public async Task A_chart_is_only_for_the_conversation_it_is_in_and_one_that_is_not_there_is_a_404()
    {
        var message = await Say(DemoGenerator.Manager, "churn trend");
        var csm = DemoGenerator.Csms[0];
        await Say(csm, "help");

        var someoneElse = await _http.GetAsync(Url(message, 0, csm));
        var noSuchChart = await _http.GetAsync(Url(message, 1, DemoGenerator.Manager));
        var noSuchMessage = await _http.GetAsync($"/chat/charts/nope/0?as={Uri.EscapeDataString(DemoGenerator.Manager)}");
        var stranger = await _http.GetAsync(Url(message, 0, "stranger@elsewhere.example"));

        Assert.Equal(HttpStatusCode.NotFound, someoneElse.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noSuchChart.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noSuchMessage.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
        Assert.Contains("no such chart", await someoneElse.Content.ReadAsStringAsync());
        var inGerman = await _http.GetAsync(Url(message, 1, DemoGenerator.Manager) + "&language=de");
        Assert.Equal((HttpStatusCode.NotFound, "Dieses Diagramm gibt es in Ihrer Unterhaltung nicht."),
            (inGerman.StatusCode, (await inGerman.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()));
    }
}
