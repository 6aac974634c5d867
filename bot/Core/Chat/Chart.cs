namespace SuccessBot.Core.Chat;

/// <summary>How a chart draws its series: lines, bars side by side, bars stacked, or one ring of parts of a whole.</summary>
public enum ChartKind { Line, Bars, StackedBars, Donut }

/// <summary>How a chart's values read: fractions shown as percentages, counts, NPS points (-100 to 100), or scores out of 100.</summary>
public enum ChartUnit { Percent, Count, Points, Score }

/// <summary>What a colour says: nothing in particular (the palette's next colour), good, a warning, or attention (bad).</summary>
public enum ChartTone { Neutral, Good, Warning, Attention }

/// <summary>One named series: a value per label of its chart; null where there is none (a month before any customer).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double?> Values)
{
    public ChartTone Tone { get; init; }
}

/// <summary>A level drawn across the chart, such as the period's average of a series, in that series' colour unless it has a tone of its own.</summary>
public sealed record ChartMark(string Label, double Value, int Series)
{
    public ChartTone Tone { get; init; }
}

/// <summary>The numbers behind a chart as text: a heading, the column names, and one row per label.</summary>
public sealed record ChartTable(string Heading, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// A chart as the core describes it, for a channel to draw (a PNG, Teams' own chart elements): what is on each axis and the
/// series over <see cref="Labels"/> (months, quarters, weeks, bands). The numbers are always also in <see cref="Table"/>,
/// which every channel shows as text under or instead of the picture.
/// </summary>
public sealed record Chart(ChartKind Kind, string Title, IReadOnlyList<string> Labels, IReadOnlyList<ChartSeries> Series, ChartTable Table)
{
    public string XAxis { get; init; } = "";
    public string YAxis { get; init; } = "";
    public ChartUnit Unit { get; init; }
    public IReadOnlyList<ChartMark> Marks { get; init; } = [];

    /// <summary>The tone of each label's part of a donut (good, medium, poor); empty: the palette's colours.</summary>
    public IReadOnlyList<ChartTone> Tones { get; init; } = [];

    /// <summary>A short text under each label (the number of answers behind a score); empty for none.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The x axis title when only the notes' numbers fit under the labels: "Quarter (under each: answers)".</summary>
    public string NotesAxis { get; init; } = "";

    /// <summary>The reader's culture by name ("de-DE"), for the numbers the picture writes; empty: SuccessBot's English figures.</summary>
    public string Culture { get; init; } = "";

    /// <summary>How <see cref="Culture"/> writes numbers.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public System.Globalization.CultureInfo Numbers => Culture.Length == 0 ? Chat.Format.Culture : System.Globalization.CultureInfo.GetCultureInfo(Culture);

    /// <summary>How a missing value reads where the picture writes values (a donut's legend), in the reader's words: "keine".</summary>
    public string Missing { get; init; } = "none";

    /// <summary>What the picture shows, in one sentence, for a reader who cannot see it (an image's alt text).</summary>
    public string Description { get; init; } = "";

    /// <summary>The table as a reply section, one line per label: "Oct 2026: logo churn 2.1% (3 of 140); gross MRR churn 1.8%".</summary>
    public ReplySection Section() => Reply.Section(Table.Heading, Table.Rows.ToArray(),
        row => row[0] + ": " + string.Join("; ", row.Skip(1).Select((cell, i) => $"{Table.Columns[i + 1]} {cell}")), max: 20);

    /// <summary>A value as the chart's unit writes it: "2.1%", "1,204", "+32", "71".</summary>
    public string Format(double? value) => value is not { } v ? Missing : Unit switch
    {
        ChartUnit.Percent when Culture.Length > 0 => v.ToString("P1", Numbers),
        ChartUnit.Percent => Chat.Format.Percent(v),
        ChartUnit.Points => (v > 0 ? "+" : "") + v.ToString("0.#", Numbers),
        _ => v.ToString("N0", Numbers),
    };
}
