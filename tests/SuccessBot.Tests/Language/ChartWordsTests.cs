using SuccessBot.Charts;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Language;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Tests.Language;

/// <summary>The words a PNG chart writes (title, axis titles, legend, ticks) are the reader's, read from the plot it draws.</summary>
public class ChartWordsTests
{
    private static Reader In(string language) => new(SuccessBot.Settings.Texts, Languages.Match(language)!);

    private static readonly IReadOnlyList<Core.Time.Period> EightQuarters =
        Trends.Buckets(new Core.Time.Period(new DateOnly(2025, 1, 1), new DateOnly(2027, 1, 1), "2025-2026"), 3);

    private static readonly NpsCounts[] Counts = [.. Enumerable.Range(0, 8).Select(i => new NpsCounts(30 + i, 10, 8 + i))];

    [Fact]
    public void A_german_nps_chart_writes_its_title_axes_legend_and_ticks_in_german()
    {
        var words = PngCharts.Words(TrendCharts.NpsScores(In("de"), EightQuarters, Counts, 3));

        Assert.Equal(["NPS nach Quartal", "Quartal (darunter: Antworten)", "NPS (-100 bis 100)"], words.Take(3));
        Assert.DoesNotContain(words, w => w.Contains("under each", StringComparison.Ordinal));
    }

    [Fact]
    public void A_russian_mix_chart_names_its_series_in_russian_and_a_portuguese_donut_writes_its_numbers_the_portuguese_way()
    {
        var mix = PngCharts.Words(TrendCharts.NpsMix(In("ru"), EightQuarters, Counts, 3));
        var chartRu = TrendCharts.NpsMix(In("ru"), EightQuarters, Counts, 3);
        Assert.Equal(chartRu.Series.Select(s => s.Name), mix.Where(w => chartRu.Series.Any(s => s.Name == w)));
        Assert.All(chartRu.Series, s => Assert.Matches("[а-я]", s.Name));
        Assert.Contains(chartRu.XAxis, mix);

        var donut = PngCharts.Words(TrendCharts.Bands(In("pt-BR"), new BandCounts(1200, 60, 20), 1, 1, 1, new HealthOptions(), m => m.ToString()));
        Assert.Contains(donut, w => w.EndsWith(": 1.200", StringComparison.Ordinal));
    }

    /// <summary>No answer draws a donut part without a value today; a chart that has one writes "none" in its reader's words.</summary>
    [Theory]
    [InlineData("de", "Gut: keine")]
    [InlineData("ru", "Хорошее: нет")]
    [InlineData("en", "Good: none")]
    public void A_missing_value_in_a_donuts_legend_is_written_in_the_readers_words(string language, string legend)
    {
        var bands = TrendCharts.Bands(In(language), new BandCounts(1200, 60, 20), 1, 1, 1, new HealthOptions(), m => m.ToString());
        var missingGood = bands with { Series = [bands.Series[0] with { Values = [null, 60, 20] }] };

        Assert.Contains(legend, PngCharts.Words(missingGood));
    }

    [Fact]
    public void English_charts_keep_the_english_figures()
    {
        var words = PngCharts.Words(TrendCharts.NpsScores(In("en"), EightQuarters, Counts, 3));

        Assert.Equal(["NPS by quarter", "Quarter (under each: answers)"], words.Take(2));
    }
}
