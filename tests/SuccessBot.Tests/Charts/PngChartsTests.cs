using SkiaSharp;
using SuccessBot.Charts;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Tests.Charts;

/// <summary>The PNG a chat shows: it decodes, has the size asked, and is not blank (the series' colours are in its pixels).</summary>
public class PngChartsTests
{
    private static readonly SuccessBot.Core.Language.Reader English = new(SuccessBot.Settings.Texts, SuccessBot.Core.Language.Languages.English);

    private static readonly ChartTable NoTable = new("Numbers", ["Month"], []);

    private static Chart Churn() => new(ChartKind.Line, "Monthly churn", ["Jan '26", "Feb '26", "Mar '26", "Apr '26", "May '26", "Jun '26"],
        [new ChartSeries("Logo churn", [null, 0.02, 0.05, 0.03, 0.04, 0.01]), new ChartSeries("Gross MRR churn", [null, 0.01, 0.02, 0.06, 0.02, 0.02])], NoTable)
    {
        XAxis = "Month", YAxis = "Churned in the month", Unit = ChartUnit.Percent,
        Marks = [new ChartMark("average 3.0%", 0.03, 0)],
    };

    /// <summary>The share of the image's pixels within a small distance of <paramref name="hex"/>.</summary>
    private static double Share(SKBitmap bitmap, string hex)
    {
        var colour = SKColor.Parse(hex);
        var pixels = bitmap.Pixels;
        var near = pixels.Count(p => Math.Abs(p.Red - colour.Red) + Math.Abs(p.Green - colour.Green) + Math.Abs(p.Blue - colour.Blue) < 40);
        return (double)near / pixels.Length;
    }

    private static SKBitmap Decoded(byte[] png)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));
        return SKBitmap.Decode(png) ?? throw new Xunit.Sdk.XunitException("The PNG does not decode.");
    }

    [Fact]
    public void A_line_chart_decodes_at_800_by_400_with_both_lines_drawn_on_a_white_background()
    {
        using var bitmap = Decoded(PngCharts.Render(Churn()));

        Assert.Equal((800, 400), (bitmap.Width, bitmap.Height));
        Assert.True(Share(bitmap, PngCharts.Palette[0]) > 0.002, $"the first line's colour covers {Share(bitmap, PngCharts.Palette[0]):P2}");
        Assert.True(Share(bitmap, PngCharts.Palette[1]) > 0.002, $"the second line's colour covers {Share(bitmap, PngCharts.Palette[1]):P2}");
        var background = Share(bitmap, PngCharts.Background);
        Assert.InRange(background, 0.5, 0.98);
    }

    [Fact]
    public void The_size_asked_is_the_size_drawn()
    {
        using var small = Decoded(PngCharts.Render(Churn(), 480, 240));

        Assert.Equal((480, 240), (small.Width, small.Height));
        Assert.True(Share(small, PngCharts.Palette[0]) > 0.002);
    }

    [Fact]
    public void Stacked_bars_and_a_donut_draw_in_the_colours_of_their_tones()
    {
        var quarters = Trends.Buckets(new Core.Time.Period(new DateOnly(2026, 1, 1), new DateOnly(2027, 1, 1), "2026"), 3);
        var counts = new[] { new NpsCounts(30, 10, 8), new NpsCounts(25, 12, 15), new NpsCounts(40, 5, 3), new NpsCounts(20, 20, 20) };
        using var bars = Decoded(PngCharts.Render(TrendCharts.NpsMix(English, quarters, counts, 3)));
        using var donut = Decoded(PngCharts.Render(TrendCharts.Bands(English, new BandCounts(120, 60, 20), 1, 1, 1, new HealthOptions(), m => m.ToString(Format.Culture))));

        foreach (var tone in new[] { ChartTone.Good, ChartTone.Warning, ChartTone.Attention })
        {
            Assert.True(Share(bars, PngCharts.ColourOf(tone, 0)) > 0.01, $"{tone} in the bars");
            Assert.True(Share(donut, PngCharts.ColourOf(tone, 0)) > 0.003, $"{tone} in the donut");
        }
        Assert.True(Share(donut, PngCharts.ColourOf(ChartTone.Good, 0)) > Share(donut, PngCharts.ColourOf(ChartTone.Attention, 0)), "120 good accounts take more of the ring than 20 poor ones");
    }
}
