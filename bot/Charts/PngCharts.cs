using ScottPlot;
using SkiaSharp;
using SuccessBot.Core.Chat;
using Chart = SuccessBot.Core.Chat.Chart;

namespace SuccessBot.Charts;

/// <summary>
/// Draws the core's <see cref="Chart"/> as a PNG with ScottPlot on SkiaSharp: sized for chat (800 x 400 reads on a phone),
/// with its title, axis labels, legend and the labels the core wrote (months and weeks already in the team's time zone).
/// </summary>
public static class PngCharts
{
    public const int Width = 800, Height = 400;

    /// <summary>The colours of series without a tone, in order; tests look for them in the pixels.</summary>
    public static readonly string[] Palette = ["#2F6FDE", "#E07B39", "#7A4FBF", "#1C9A8C"];

    public static readonly string Background = "#FFFFFF";

    /// <summary>The colour a series or a donut part is drawn in.</summary>
    public static string ColourOf(ChartTone tone, int index) => tone switch
    {
        ChartTone.Good => "#2E9E5B",
        ChartTone.Warning => "#E3A21A",
        ChartTone.Attention => "#C9372C",
        _ => Palette[index % Palette.Length],
    };

    public static byte[] Render(Chart chart, int width = Width, int height = Height)
    {
        using var bitmap = Draw(chart, width, height);
        // Light compression: about half the time of the default for some 20% more bytes.
        return Encode(bitmap, SKPngEncoderFilterFlags.Sub, zlibLevel: 3);
    }

    private static byte[] Encode(SKBitmap bitmap, SKPngEncoderFilterFlags filters, int zlibLevel)
    {
        using var pixels = bitmap.PeekPixels();
        using var data = pixels.Encode(new SKPngEncoderOptions(filters, zlibLevel)) ?? throw new InvalidOperationException("SkiaSharp could not encode the chart as PNG.");
        return data.ToArray();
    }

    private static SKBitmap Draw(Chart chart, int width, int height)
    {
        var plot = Plot(chart, width);
        var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap)) plot.Render(canvas, width, height);
        return bitmap;
    }

    /// <summary>The words the picture writes: its title, axis titles, legend and the bottom and left axes' tick labels.</summary>
    public static IReadOnlyList<string> Words(Chart chart, int width = Width, int height = Height)
    {
        var plot = Plot(chart, width);
        plot.RenderInMemory(width, height);
        return [plot.Axes.Title.Label.Text, plot.Axes.Bottom.Label.Text, plot.Axes.Left.Label.Text,
            .. plot.GetPlottables().SelectMany(p => p.LegendItems).Select(item => item.LabelText).Where(text => !string.IsNullOrEmpty(text)),
            .. plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label),
            .. plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label)];
    }

    private static Plot Plot(Chart chart, int width)
    {
        var plot = new Plot();
        plot.FigureBackground.Color = Color.FromHex(Background);
        switch (chart.Kind)
        {
            case ChartKind.Donut: Donut(plot, chart); break;
            case ChartKind.Line: Lines(plot, chart); break;
            default: Bars(plot, chart, stacked: chart.Kind == ChartKind.StackedBars); break;
        }
        // After Frameless (the donut), which hides the title too.
        plot.Title(chart.Title, size: 16);
        if (chart.Kind != ChartKind.Donut)
        {
            // Many labels leave room for the number of a note only ("152" under "Oct '26"); the axis title says what it counts.
            var shortNotes = chart.Labels.Count > 6 && chart.Notes.Count > 0;
            plot.XLabel(shortNotes && chart.NotesAxis.Length > 0 ? chart.NotesAxis : chart.XAxis, size: 13);
            plot.YLabel(chart.YAxis, size: 13);
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                Enumerable.Range(0, chart.Labels.Count).Select(i => (double)i).ToArray(),
                chart.Labels.Select((label, i) => i < chart.Notes.Count ? $"{label}\n{(shortNotes ? chart.Notes[i].Split(' ')[0] : chart.Notes[i])}" : label).ToArray());
            // Twelve months side by side on a small picture: smaller labels rather than labels over each other.
            plot.Axes.Bottom.TickLabelStyle.FontSize = (float)Math.Clamp(width / (Math.Max(1, chart.Labels.Count) * 5.2), 8, 12);
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => Tick(chart, v) };
            Limits(plot, chart);
        }
        // One row across the top, over the headroom Limits leaves, so the legend hides no point.
        if (chart.Kind == ChartKind.Donut) plot.ShowLegend(Alignment.UpperLeft);
        else plot.ShowLegend(Alignment.UpperLeft, Orientation.Horizontal);
        return plot;
    }

    /// <summary>
    /// The chart in few colours (its own, white, black and three greys), which a PNG keeps in a fraction of the bytes: for
    /// a card that carries the picture inline (Teams' data URI fallback), where every kilobyte counts.
    /// </summary>
    public static byte[] Compact(Chart chart, int width = Width, int height = Height)
    {
        using var bitmap = Draw(chart, width, height);
        var palette = new[] { Background, "#000000", "#404040", "#808080", "#E6E6E6" }
            .Concat(chart.Series.Select((series, i) => ColourOf(series.Tone, i)))
            .Concat(chart.Tones.Select((tone, i) => ColourOf(tone, i)))
            .Concat(chart.Marks.Where(m => m.Tone != ChartTone.Neutral).Select(m => ColourOf(m.Tone, 0)))
            .Distinct().Select(SKColor.Parse).ToArray();
        var pixels = bitmap.Pixels;
        var nearest = new Dictionary<SKColor, SKColor>();
        for (var i = 0; i < pixels.Length; i++)
        {
            if (!nearest.TryGetValue(pixels[i], out var mapped))
                nearest[pixels[i]] = mapped = palette.MinBy(c => Distance(c, pixels[i]));
            pixels[i] = mapped;
        }
        bitmap.Pixels = pixels;
        return Encode(bitmap, SKPngEncoderFilterFlags.AllFilters, zlibLevel: 9);

        static int Distance(SKColor a, SKColor b) =>
            (a.Red - b.Red) * (a.Red - b.Red) + (a.Green - b.Green) * (a.Green - b.Green) + (a.Blue - b.Blue) * (a.Blue - b.Blue);
    }

    private static void Lines(Plot plot, Chart chart)
    {
        for (var s = 0; s < chart.Series.Count; s++)
        {
            var series = chart.Series[s];
            var colour = Color.FromHex(ColourOf(series.Tone, s));
            var named = false;
            // A gap where a value is missing (a month before any customer): one line per run of values.
            foreach (var run in Runs(series.Values))
            {
                var line = plot.Add.Scatter(run.Select(p => (double)p.X).ToArray(), run.Select(p => p.Y).ToArray(), colour);
                line.LineWidth = 2.5f;
                line.MarkerSize = 7;
                if (!named) line.LegendText = series.Name;
                named = true;
            }
        }
        foreach (var mark in chart.Marks)
        {
            var level = plot.Add.HorizontalLine(mark.Value, 1.5f, Color.FromHex(mark.Tone != ChartTone.Neutral ? ColourOf(mark.Tone, 0) : ColourOf(chart.Series[mark.Series].Tone, mark.Series)).WithAlpha(.7), LinePattern.Dashed);
            level.LegendText = mark.Label;
        }
    }

    private static void Bars(Plot plot, Chart chart, bool stacked)
    {
        var width = stacked ? 0.6 : 0.8 / Math.Max(1, chart.Series.Count);
        var bases = new double[chart.Labels.Count];
        for (var s = 0; s < chart.Series.Count; s++)
        {
            var series = chart.Series[s];
            var colour = Color.FromHex(ColourOf(series.Tone, s));
            var bars = new List<Bar>();
            for (var i = 0; i < chart.Labels.Count; i++)
            {
                var value = series.Values[i] ?? 0;
                var position = stacked ? i : i - 0.4 + width * (s + 0.5);
                bars.Add(new Bar { Position = position, ValueBase = stacked ? bases[i] : 0, Value = (stacked ? bases[i] : 0) + value, FillColor = colour, Size = width });
                if (stacked) bases[i] += value;
            }
            var plotted = plot.Add.Bars(bars);
            plotted.LegendText = series.Name;
        }
    }

    private static void Donut(Plot plot, Chart chart)
    {
        var values = chart.Series[0].Values;
        var slices = chart.Labels.Select((label, i) => new PieSlice
        {
            Value = values[i] ?? 0,
            FillColor = Color.FromHex(ColourOf(i < chart.Tones.Count ? chart.Tones[i] : ChartTone.Neutral, i)),
            LegendText = $"{label}: {chart.Format(values[i])}",
        }).ToList();
        var pie = plot.Add.Pie(slices);
        pie.DonutFraction = 0.55;
        plot.Axes.Frameless();
        plot.HideGrid();
    }

    /// <summary>The axis from zero (or 0 to 100 for scores, -100 to 100 bounds for NPS), with room above the highest value.</summary>
    private static void Limits(Plot plot, Chart chart)
    {
        var values = chart.Series.SelectMany(s => s.Values).OfType<double>().Concat(chart.Marks.Select(m => m.Value)).DefaultIfEmpty(0).ToArray();
        if (chart.Kind == ChartKind.StackedBars)
            values = Enumerable.Range(0, chart.Labels.Count).Select(i => chart.Series.Sum(s => s.Values[i] ?? 0)).DefaultIfEmpty(0).ToArray();
        var (low, high) = (Math.Min(0, values.Min()), values.Max());
        var top = chart.Unit switch
        {
            ChartUnit.Score => 115,
            ChartUnit.Percent => Math.Max(high * 1.3, 0.01),
            ChartUnit.Points => Math.Min(115, Math.Max(high + 15, 15)),
            _ => Math.Max(high * 1.3, 1),
        };
        var bottom = chart.Unit == ChartUnit.Points ? Math.Max(-100, Math.Min(low - 10, 0)) : low;
        plot.Axes.SetLimits(-0.5, chart.Labels.Count - 0.5, bottom, top);
    }

    private static string Tick(Chart chart, double value) => chart.Unit switch
    {
        ChartUnit.Percent when chart.Culture.Length > 0 => value.ToString("P0", chart.Numbers),
        ChartUnit.Percent => (value * 100).ToString("0.#", Format.Culture) + "%",
        ChartUnit.Points => (value > 0 ? "+" : "") + value.ToString("0", chart.Numbers),
        _ => value.ToString("N0", chart.Numbers),
    };

    private static IEnumerable<List<(int X, double Y)>> Runs(IReadOnlyList<double?> values)
    {
        var run = new List<(int, double)>();
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } v) { run.Add((i, v)); continue; }
            if (run.Count > 0) yield return run;
            run = [];
        }
        if (run.Count > 0) yield return run;
    }
}
