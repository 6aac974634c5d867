using System.Text.Json;

namespace SuccessBot.Tests.Teams;

/// <summary>
/// The Adaptive Card 1.5 rules a card must follow for Teams to render it (adaptivecards.io schema 1.5, Teams'
/// limits): known element and action types, their required fields and allowed values, unique input ids, size.
/// </summary>
public static class AdaptiveCardRules
{
    public const int MaxMessageBytes = 28 * 1024;

    private static readonly Dictionary<string, string[]> ElementProperties = new()
    {
        ["TextBlock"] = ["type", "text", "wrap", "weight", "size", "color", "isSubtle", "separator", "spacing", "style", "maxLines", "horizontalAlignment", "fontType", "id", "isVisible"],
        ["FactSet"] = ["type", "facts", "separator", "spacing", "id", "isVisible"],
        ["Container"] = ["type", "items", "style", "separator", "spacing", "id", "isVisible", "selectAction", "bleed"],
        ["ActionSet"] = ["type", "actions", "separator", "spacing", "id", "isVisible"],
        ["Input.Text"] = ["type", "id", "label", "isMultiline", "maxLength", "placeholder", "value", "isRequired", "errorMessage", "style", "separator", "spacing", "isVisible"],
        ["Input.ChoiceSet"] = ["type", "id", "label", "choices", "style", "isMultiSelect", "value", "placeholder", "isRequired", "errorMessage", "wrap", "separator", "spacing", "isVisible"],
        ["Image"] = ["type", "url", "altText", "size", "style", "width", "height", "horizontalAlignment", "separator", "spacing", "id", "isVisible"],
        // Teams' chart elements (msteams-docs, "Charts in Adaptive Cards").
        ["Chart.Line"] = ["type", "title", "xAxisTitle", "yAxisTitle", "color", "colorSet", "data", "fallback", "height", "horizontalAlignment", "id", "isVisible", "separator", "spacing"],
        ["Chart.VerticalBar"] = ["type", "title", "xAxisTitle", "yAxisTitle", "color", "colorSet", "data", "showBarValues", "fallback", "height", "horizontalAlignment", "id", "isVisible", "separator", "spacing"],
        ["Chart.VerticalBar.Grouped"] = ["type", "title", "xAxisTitle", "yAxisTitle", "colorSet", "data", "stacked", "showBarValues", "fallback", "height", "horizontalAlignment", "id", "isVisible", "separator", "spacing"],
        ["Chart.Donut"] = ["type", "title", "colorSet", "data", "fallback", "height", "horizontalAlignment", "id", "isVisible", "separator", "spacing"],
    };

    private static readonly string[] ImageSizes = ["Auto", "Stretch", "Small", "Medium", "Large"];

    /// <summary>The colours a chart's data point may name.</summary>
    private static readonly string[] ChartColours = ["good", "warning", "attention", "neutral", "categoricalRed", "categoricalPurple", "categoricalLavender",
        "categoricalBlue", "categoricalLightBlue", "categoricalTeal", "categoricalGreen", "categoricalLime", "categoricalMarigold"];

    /// <summary>Teams shows a card's image up to 1024 x 1024 pixels and 1 MB.</summary>
    public const int MaxImageSide = 1024, MaxImageBytes = 1024 * 1024;

    private static readonly Dictionary<string, string[]> ActionProperties = new()
    {
        ["Action.Execute"] = ["type", "title", "verb", "data", "associatedInputs", "fallback", "id", "style", "iconUrl", "tooltip", "isEnabled", "mode"],
        ["Action.Submit"] = ["type", "title", "data", "associatedInputs", "fallback", "id", "style", "iconUrl", "tooltip", "isEnabled", "mode"],
        ["Action.ShowCard"] = ["type", "title", "card", "fallback", "id", "style", "iconUrl", "tooltip", "isEnabled", "mode"],
        ["Action.OpenUrl"] = ["type", "title", "url", "fallback", "id", "style", "iconUrl", "tooltip", "isEnabled", "mode"],
    };

    private static readonly string[] CardProperties = ["type", "$schema", "version", "body", "actions", "fallbackText", "speak", "lang", "minHeight", "rtl", "refresh", "selectAction", "verticalContentAlignment", "metadata", "msteams"];

    private static readonly Dictionary<string, string[]> Enums = new()
    {
        ["weight"] = ["Default", "Lighter", "Bolder"],
        ["size"] = ["Default", "Small", "Medium", "Large", "ExtraLarge"],
        ["color"] = ["Default", "Dark", "Light", "Accent", "Good", "Warning", "Attention"],
        ["spacing"] = ["None", "Small", "Default", "Medium", "Large", "ExtraLarge", "Padding"],
    };

    /// <summary>Every rule the card breaks, each with the path to the offending part; empty when it is valid.</summary>
    public static IReadOnlyList<string> Problems(JsonElement card)
    {
        var problems = new List<string>();
        var inputIds = new HashSet<string>(StringComparer.Ordinal);
        if (card.GetProperty("version").GetString() != "1.5") problems.Add("$.version: must be \"1.5\", the version Teams renders");
        if (System.Text.Encoding.UTF8.GetByteCount(card.GetRawText()) > MaxMessageBytes) problems.Add($"$: larger than {MaxMessageBytes} bytes");
        Card(card, "$", problems, inputIds);
        return problems;
    }

    private static void Card(JsonElement card, string path, List<string> problems, HashSet<string> inputIds)
    {
        if (Str(card, "type") != "AdaptiveCard") problems.Add($"{path}.type: must be AdaptiveCard");
        Unknown(card, CardProperties, path, problems);
        if (card.TryGetProperty("body", out var body))
        {
            if (body.ValueKind != JsonValueKind.Array || body.GetArrayLength() == 0) problems.Add($"{path}.body: must be a non-empty array");
            else Each(body, $"{path}.body", (e, p) => Element(e, p, problems, inputIds));
        }
        if (card.TryGetProperty("actions", out var actions))
        {
            if (actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0) problems.Add($"{path}.actions: must be a non-empty array when present");
            else if (actions.GetArrayLength() > 6) problems.Add($"{path}.actions: Teams shows at most 6 actions");
            else Each(actions, $"{path}.actions", (a, p) => Action(a, p, problems, inputIds));
        }
    }

    private static void Element(JsonElement element, string path, List<string> problems, HashSet<string> inputIds)
    {
        var type = Str(element, "type");
        if (type is null || !ElementProperties.TryGetValue(type, out var allowed)) { problems.Add($"{path}.type: \"{type}\" is not an element SuccessBot may send"); return; }
        Unknown(element, allowed, path, problems);
        foreach (var (name, values) in Enums)
        {
            // An image's size is its own: how it fills the card, not a text size.
            var allowedValues = type == "Image" && name == "size" ? ImageSizes : values;
            if (Str(element, name) is { } v && !allowedValues.Contains(v, StringComparer.OrdinalIgnoreCase)) problems.Add($"{path}.{name}: \"{v}\" is not one of {string.Join(", ", allowedValues)}");
        }
        switch (type)
        {
            case "TextBlock":
                if (string.IsNullOrWhiteSpace(Str(element, "text"))) problems.Add($"{path}.text: required");
                if (Str(element, "style") is { } style && style is not ("default" or "heading")) problems.Add($"{path}.style: \"{style}\" is not default or heading");
                break;
            case "FactSet":
                if (!element.TryGetProperty("facts", out var facts) || facts.GetArrayLength() == 0) problems.Add($"{path}.facts: required, non-empty");
                else Each(facts, $"{path}.facts", (f, p) =>
                {
                    if (Str(f, "title") is null || Str(f, "value") is null) problems.Add($"{p}: a fact needs title and value strings");
                });
                break;
            case "Container":
                if (!element.TryGetProperty("items", out var items) || items.GetArrayLength() == 0) problems.Add($"{path}.items: required");
                else Each(items, $"{path}.items", (e, p) => Element(e, p, problems, inputIds));
                break;
            case "Image":
                ImageUrl(element, path, problems);
                break;
            case "Chart.Line" or "Chart.VerticalBar.Grouped":
                if (!element.TryGetProperty("data", out var series) || series.ValueKind != JsonValueKind.Array || series.GetArrayLength() == 0) problems.Add($"{path}.data: required, non-empty");
                else Each(series, $"{path}.data", (d, p) =>
                {
                    if (Str(d, "legend") is null) problems.Add($"{p}.legend: a series needs a legend");
                    if (!d.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array) problems.Add($"{p}.values: required");
                    else Each(values, $"{p}.values", (v, q) =>
                    {
                        if (Str(v, "x") is null || !v.TryGetProperty("y", out var y) || y.ValueKind != JsonValueKind.Number) problems.Add($"{q}: a point needs an x string and a y number");
                    });
                });
                Fallback(element, path, problems, inputIds);
                break;
            case "Chart.VerticalBar" or "Chart.Donut":
                if (!element.TryGetProperty("data", out var points) || points.ValueKind != JsonValueKind.Array || points.GetArrayLength() == 0) problems.Add($"{path}.data: required, non-empty");
                else Each(points, $"{path}.data", (d, p) =>
                {
                    var (label, value) = type == "Chart.Donut" ? ("legend", "value") : ("x", "y");
                    if (Str(d, label) is null || !d.TryGetProperty(value, out var n) || n.ValueKind != JsonValueKind.Number) problems.Add($"{p}: a point needs {label} and a number {value}");
                    if (Str(d, "color") is { } colour && !ChartColours.Contains(colour)) problems.Add($"{p}.color: \"{colour}\" is not a chart colour");
                });
                Fallback(element, path, problems, inputIds);
                break;
            case "ActionSet":
                var set = element.GetProperty("actions");
                if (set.GetArrayLength() is 0 or > 6) problems.Add($"{path}.actions: an action set holds 1 to 6 actions in Teams");
                Each(set, $"{path}.actions", (a, p) => Action(a, p, problems, inputIds));
                break;
            default:
                Input(element, type, path, problems, inputIds);
                break;
        }
    }

    /// <summary>A chart's fallback is what a client without charts shows: an element it knows (an image, a text), never another chart.</summary>
    private static void Fallback(JsonElement element, string path, List<string> problems, HashSet<string> inputIds)
    {
        if (!element.TryGetProperty("fallback", out var fallback)) return;
        if (fallback.ValueKind == JsonValueKind.String) { if (fallback.GetString() != "drop") problems.Add($"{path}.fallback: a string fallback must be \"drop\""); return; }
        if (Str(fallback, "type") is { } kind && kind.StartsWith("Chart.", StringComparison.Ordinal)) problems.Add($"{path}.fallback: must be an element clients without charts know");
        Element(fallback, $"{path}.fallback", problems, inputIds);
    }

    /// <summary>An image's url is https, or a PNG data URI within Teams' limits (1024 x 1024, 1 MB).</summary>
    private static void ImageUrl(JsonElement image, string path, List<string> problems)
    {
        var url = Str(image, "url");
        if (url is null) { problems.Add($"{path}.url: required"); return; }
        const string prefix = "data:image/png;base64,";
        if (!url.StartsWith(prefix, StringComparison.Ordinal))
        {
            if (!url.StartsWith("https://", StringComparison.Ordinal)) problems.Add($"{path}.url: an https URL or a PNG data URI");
            return;
        }
        byte[] png;
        try { png = Convert.FromBase64String(url[prefix.Length..]); }
        catch (FormatException) { problems.Add($"{path}.url: the data URI is not base64"); return; }
        if (png.Length > MaxImageBytes) problems.Add($"{path}.url: the image is over 1 MB");
        // A PNG's IHDR chunk, right after the 8-byte signature and the chunk's length and type, holds width and height.
        if (png.Length < 24 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G') { problems.Add($"{path}.url: not a PNG"); return; }
        var (width, height) = (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        if (width > MaxImageSide || height > MaxImageSide) problems.Add($"{path}.url: {width} x {height} is larger than {MaxImageSide} x {MaxImageSide}");
        if (Str(image, "altText") is not { Length: > 0 }) problems.Add($"{path}.altText: an image needs a text for readers who cannot see it");
    }

    private static void Input(JsonElement input, string type, string path, List<string> problems, HashSet<string> inputIds)
    {
        if (Str(input, "id") is not { Length: > 0 } id) problems.Add($"{path}.id: an input needs an id");
        else if (!inputIds.Add(id)) problems.Add($"{path}.id: \"{id}\" is used twice on the card");
        if (input.TryGetProperty("isRequired", out var required) && required.GetBoolean() && Str(input, "label") is null)
            problems.Add($"{path}.label: a required input needs a label");
        if (type != "Input.ChoiceSet") return;
        if (!input.TryGetProperty("choices", out var choices) || choices.GetArrayLength() == 0) problems.Add($"{path}.choices: required, non-empty");
        else Each(choices, $"{path}.choices", (c, p) =>
        {
            if (Str(c, "title") is null || Str(c, "value") is null) problems.Add($"{p}: a choice needs title and value strings");
        });
        if (Str(input, "style") is { } style && style is not ("compact" or "expanded" or "filtered")) problems.Add($"{path}.style: \"{style}\" is not compact, expanded or filtered");
    }

    private static void Action(JsonElement action, string path, List<string> problems, HashSet<string> inputIds)
    {
        var type = Str(action, "type");
        if (type is null || !ActionProperties.TryGetValue(type, out var allowed)) { problems.Add($"{path}.type: \"{type}\" is not an action Teams runs"); return; }
        Unknown(action, allowed, path, problems);
        if (string.IsNullOrWhiteSpace(Str(action, "title"))) problems.Add($"{path}.title: a button needs a title");
        switch (type)
        {
            case "Action.Execute" when string.IsNullOrEmpty(Str(action, "verb")):
                problems.Add($"{path}.verb: Action.Execute needs a verb");
                break;
            case "Action.ShowCard" when !action.TryGetProperty("card", out _):
                problems.Add($"{path}.card: Action.ShowCard needs a card");
                break;
            case "Action.ShowCard":
                Card(action.GetProperty("card"), $"{path}.card", problems, inputIds);
                break;
            case "Action.OpenUrl" when !Uri.TryCreate(Str(action, "url"), UriKind.Absolute, out _):
                problems.Add($"{path}.url: Action.OpenUrl needs an absolute url");
                break;
        }
        if (action.TryGetProperty("fallback", out var fallback) && fallback.ValueKind == JsonValueKind.Object)
        {
            if (Str(fallback, "type") is "Action.Execute" or "Action.ShowCard") problems.Add($"{path}.fallback: must be an action older clients know");
            Action(fallback, $"{path}.fallback", problems, inputIds);
        }
    }

    private static void Unknown(JsonElement element, string[] allowed, string path, List<string> problems)
    {
        foreach (var property in element.EnumerateObject())
            if (!allowed.Contains(property.Name)) problems.Add($"{path}.{property.Name}: not a property of {Str(element, "type")}");
    }

    private static void Each(JsonElement array, string path, Action<JsonElement, string> check)
    {
        var i = 0;
        foreach (var item in array.EnumerateArray()) check(item, $"{path}[{i++}]");
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
