using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SuccessBot.Core.Chat;
using SuccessBot.Web;

namespace SuccessBot.Teams;

/// <summary>A click as the card sends it back: which action, on what, with the answers to its questions.</summary>
public sealed record CardClick(string ActionId, string Value, IReadOnlyDictionary<string, string> Inputs);

/// <summary>Renders the channel-neutral <see cref="Reply"/> as an Adaptive Card 1.5 (the newest Teams renders) and reads its clicks back.</summary>
public static partial class AdaptiveCards
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string Version = "1.5";
    public const string Schema = "http://adaptivecards.io/schemas/adaptive-card.json";
    public const string ActionKey = "successbot.action", ValueKey = "successbot.value";

    public static Attachment Attachment(Reply reply) => new(ContentType, JsonSerializer.SerializeToElement(Render(reply)));

    public static JsonObject Render(Reply reply)
    {
        var body = new JsonArray
        {
            Text(Markdown(reply.Title), ("weight", "Bolder"), ("size", "Medium"), ("style", "heading"), ("color", reply.IsRefusal ? "Attention" : "Default")),
        };
        if (reply.Summary is { Length: > 0 } summary) body.Add(Text(Markdown(summary)));
        if (reply.Facts.Count > 0)
        {
            var facts = new JsonArray();
            foreach (var fact in reply.Facts) facts.Add(new JsonObject { ["title"] = FactText(fact.Label), ["value"] = FactText(fact.Value) });
            body.Add(new JsonObject { ["type"] = "FactSet", ["facts"] = facts });
        }
        var charts = reply.Charts.Select(ChartElement).ToArray();
        foreach (var chart in charts) body.Add(chart);
        foreach (var section in reply.Sections)
        {
            body.Add(Text(Markdown(section.Heading), ("weight", "Bolder"), ("separator", true)));
            var lines = section.Lines.Select(l => "- " + Markdown(l)).ToList();
            if (section.More > 0) lines.Add(section.MoreText ?? $"… and {section.More.ToString("N0", Format.Culture)} more");
            if (lines.Count > 0) body.Add(Text(string.Join("\n", lines)));
        }
        if (reply.Note is { Length: > 0 } note) body.Add(Text(Markdown(note), ("isSubtle", true), ("size", "Small")));
        var card = new JsonObject { ["type"] = "AdaptiveCard", ["$schema"] = Schema, ["version"] = Version, ["body"] = body };
        if (reply.Buttons.Count is > 0 and <= MaxActions)
        {
            var actions = new JsonArray();
            foreach (var button in reply.Buttons) actions.Add(Button(button));
            card["actions"] = actions;
        }
        else if (reply.Buttons.Count > MaxActions)
        {
            // Teams shows at most 6 actions in a row: more buttons (a survey's 0 to 10) go in rows of action sets.
            foreach (var row in reply.Buttons.Chunk(MaxActions))
                body.Add(new JsonObject { ["type"] = "ActionSet", ["actions"] = new JsonArray([.. row.Select(Button)]) });
        }
        AddPictures(card, reply.Charts, charts);
        return card;
    }

    /// <summary>Teams takes a message of about 28 KB, card and all; a chart's PNG fallback is sized to fit what is left.</summary>
    public const int MaxCardBytes = 27 * 1024;

    /// <summary>Teams shows a card's image up to this size (and 1 MB).</summary>
    public const int MaxImageSide = 1024;

    /// <summary>
    /// Teams draws Chart.Line, Chart.VerticalBar(.Grouped) and Chart.Donut itself, from the chart's data; clients without
    /// charts show the element's fallback: the PNG as a data URI when it fits the card, else a text that points to the numbers.
    /// </summary>
    private static JsonObject ChartElement(Chart chart)
    {
        string X(int i) => i < chart.Notes.Count ? $"{chart.Labels[i]} · {chart.Notes[i]}" : chart.Labels[i];
        double Y(double value) => chart.Unit == ChartUnit.Percent ? Math.Round(value * 100, 1) : Math.Round(value, 1);
        var yAxis = chart.Unit == ChartUnit.Percent ? $"{chart.YAxis} (%)" : chart.YAxis;
        JsonArray Series() => new([.. chart.Series.Select(series => (JsonNode)new JsonObject
        {
            ["legend"] = series.Name,
            ["values"] = new JsonArray([.. series.Values.Select((v, i) => (Value: v, i)).Where(p => p.Value is not null)
                .Select(p => (JsonNode)new JsonObject { ["x"] = X(p.i), ["y"] = Y(p.Value!.Value) })]),
        })]);
        var element = chart.Kind switch
        {
            ChartKind.Donut => new JsonObject
            {
                ["type"] = "Chart.Donut",
                ["data"] = new JsonArray([.. chart.Labels.Select((label, i) => (JsonNode)Slice(label, chart.Series[0].Values[i] ?? 0, i < chart.Tones.Count ? chart.Tones[i] : ChartTone.Neutral))]),
            },
            ChartKind.Line => new JsonObject { ["type"] = "Chart.Line", ["colorSet"] = "categorical", ["data"] = Series() },
            ChartKind.StackedBars => new JsonObject { ["type"] = "Chart.VerticalBar.Grouped", ["stacked"] = true, ["data"] = Series() },
            _ => new JsonObject { ["type"] = "Chart.VerticalBar.Grouped", ["data"] = Series() },
        };
        element["title"] = chart.Title;
        if (chart.Kind != ChartKind.Donut)
        {
            element["xAxisTitle"] = chart.XAxis;
            element["yAxisTitle"] = yAxis;
        }
        element["fallback"] = Text($"Chart: {Markdown(chart.Title)}. {Markdown(chart.Description)} The numbers are under \u201C{Markdown(chart.Table.Heading)}\u201D.", ("isSubtle", true));
        return element;
    }

    private static JsonObject Slice(string label, double value, ChartTone tone)
    {
        var slice = new JsonObject { ["legend"] = label, ["value"] = value };
        if (tone != ChartTone.Neutral) slice["color"] = tone switch { ChartTone.Good => "good", ChartTone.Warning => "warning", _ => "attention" };
        return slice;
    }

    /// <summary>Gives each chart its PNG fallback, smaller when 800 x 400 does not fit what the card leaves; the text fallback stays when none fits.</summary>
    private static void AddPictures(JsonObject card, IReadOnlyList<Chart> charts, IReadOnlyList<JsonObject> elements)
    {
        for (var i = 0; i < charts.Count; i++)
        {
            var room = MaxCardBytes - Encoding.UTF8.GetByteCount(card.ToJsonString()) + Encoding.UTF8.GetByteCount(elements[i]["fallback"]!.ToJsonString());
            var (width, height) = (Charts.PngCharts.Width, Charts.PngCharts.Height);
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var png = Charts.PngCharts.Compact(charts[i], width, height);
                var image = new JsonObject
                {
                    ["type"] = "Image", ["url"] = "data:image/png;base64," + Convert.ToBase64String(png), ["altText"] = charts[i].Description, ["size"] = "Stretch",
                };
                var cost = Encoding.UTF8.GetByteCount(image.ToJsonString());
                if (cost <= room)
                {
                    elements[i]["fallback"] = image;
                    break;
                }
                // PNG bytes grow about with the area: the next try is scaled to the room left, and not below a readable size.
                var scale = Math.Sqrt(0.85 * room / cost);
                (width, height) = ((int)(width * scale), (int)(height * scale));
                if (width < 320) break;
            }
        }
    }

    /// <summary>Teams shows at most this many actions in one row.</summary>
    public const int MaxActions = 6;

    /// <summary>Reads Action.Submit's value (its data with the inputs merged in) or Action.Execute's `action.data`; null when it is not a click on our card.</summary>
    public static CardClick? ReadClick(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object) return null;
        if (!data.TryGetProperty(ActionKey, out var action) || action.StringOrNull() is not { Length: > 0 } actionId) return null;
        if (!data.TryGetProperty(ValueKey, out var value) || value.StringOrNull() is not { } v) return null;
        var prefix = actionId + ".";
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in data.EnumerateObject())
        {
            if (property.Name.StartsWith(prefix, StringComparison.Ordinal) && property.Value.ValueKind == JsonValueKind.String)
                inputs[property.Name[prefix.Length..]] = property.Value.GetString()!;
        }
        return new CardClick(actionId, v, inputs);
    }

    /// <summary>
    /// A button acts through Action.Execute (Teams answers it in place with the updated card), falling back to
    /// Action.Submit on older clients; a button with questions first opens them on the card.
    /// </summary>
    private static JsonObject Button(ReplyButton button)
    {
        var act = Execute(button);
        if (button.Inputs.Count == 0) return act;
        var inputs = new JsonArray();
        foreach (var input in button.Inputs) inputs.Add(Input(button.ActionId, input));
        return new JsonObject
        {
            ["type"] = "Action.ShowCard",
            ["title"] = button.Label,
            ["card"] = new JsonObject { ["type"] = "AdaptiveCard", ["body"] = inputs, ["actions"] = new JsonArray { act } },
        };
    }

    private static JsonObject Execute(ReplyButton button) => new()
    {
        ["type"] = "Action.Execute",
        ["title"] = button.Label,
        ["verb"] = button.ActionId,
        ["data"] = Data(button),
        ["fallback"] = new JsonObject { ["type"] = "Action.Submit", ["title"] = button.Label, ["data"] = Data(button) },
    };

    private static JsonObject Data(ReplyButton button) => new() { [ActionKey] = button.ActionId, [ValueKey] = button.Value };

    /// <summary>Input ids are unique on the whole card (two buttons both ask a "reason"), so each carries its action id.</summary>
    private static JsonObject Input(string actionId, ReplyInput input)
    {
        var id = $"{actionId}.{input.Id}";
        if (input.Choices is { Count: > 0 })
        {
            var list = new JsonArray();
            foreach (var (value, label) in input.Options()) list.Add(new JsonObject { ["title"] = label, ["value"] = value });
            // A card kept in the ledger before its inputs carried the reader's words for a missing choice says it in English.
            return new JsonObject
            {
                ["type"] = "Input.ChoiceSet", ["id"] = id, ["label"] = input.Label, ["style"] = "compact", ["choices"] = list,
                ["isRequired"] = !input.Optional, ["errorMessage"] = input.Missing ?? $"Choose {input.Label.ToLowerInvariant()}.",
            };
        }
        return new JsonObject
        {
            ["type"] = "Input.Text", ["id"] = id, ["label"] = input.Label, ["isMultiline"] = true, ["maxLength"] = 500,
            ["isRequired"] = !input.Optional,
        };
    }

    private static JsonObject Text(string markdown, params (string Key, JsonNode Value)[] style)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = markdown, ["wrap"] = true };
        foreach (var (key, value) in style) block[key] = value;
        return block;
    }

    /// <summary>
    /// Text as card markdown that shows it as written: Teams' card markdown has bold but no inline code, so `churn last month`
    /// shows in bold; everything else (an account name, a comment) is escaped.
    /// </summary>
    public static string Markdown(string text)
    {
        var markdown = new StringBuilder();
        var at = 0;
        foreach (Match code in Code().Matches(text))
        {
            markdown.Append(Escape(text[at..code.Index], lineStart: at == 0)).Append("**").Append(Escape(code.Groups[1].Value, lineStart: false)).Append("**");
            at = code.Index + code.Length;
        }
        return markdown.Append(Escape(text[at..], lineStart: at == 0)).ToString();
    }

    /// <summary>
    /// A backslash before what card markdown reads as markup (emphasis, links, strike-through, a list marker starting the text);
    /// newlines become spaces (the core writes none, data may). `\](` becomes `\]\(` too: Teams mobile's parser ignores an escaped
    /// bracket but not a character between `]` and `(`.
    /// </summary>
    private static string Escape(string text, bool lineStart)
    {
        var escaped = Markup().Replace(LineBreak().Replace(text, " "), @"\$0").Replace(@"\](", @"\]\(", StringComparison.Ordinal);
        return lineStart && ListMarker().Match(escaped) is { Success: true } marker ? escaped.Insert(marker.Length - 1, @"\") : escaped;
    }

    /// <summary>Facts take card markdown too, without the bold of inline code.</summary>
    private static string FactText(string text) => Escape(text.Replace("`", ""), lineStart: true);

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"[\\*_\[\]~`]")]
    private static partial Regex Markup();

    [GeneratedRegex(@"\r\n|\r|\n")]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"^\s*(?:[-+]|\d+\.)")]
    private static partial Regex ListMarker();
}
