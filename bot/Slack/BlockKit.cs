using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SuccessBot.Core.Chat;

namespace SuccessBot.Slack;

/// <summary>What a Slack button carries back when clicked: the core's value and the questions it must ask first, with the modal's button labels.</summary>
public sealed record ButtonValue(string Value, IReadOnlyList<ReplyInput> Inputs,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Submit = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Cancel = null)
{
    // Unescaped, a Russian label costs a character instead of six, within the value's 2,000.
    public string Encode() => JsonSerializer.Serialize(this, Unescaped);

    private static readonly JsonSerializerOptions Unescaped = new(JsonSerializerOptions.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Null when the value is not one SuccessBot wrote.</summary>
    public static ButtonValue? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            var value = JsonSerializer.Deserialize<ButtonValue>(text, JsonSerializerOptions.Web);
            return value is { Value: not null } ? value with { Inputs = value.Inputs ?? [] } : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Renders the core's <see cref="Reply"/> as Block Kit within Slack's limits: long lists are cut with "and N more".</summary>
public static class BlockKit
{
    public const int MessageBlocks = 50, SurfaceBlocks = 100, SectionText = 3000, FieldText = 2000, FieldsPerSection = 10,
        HeaderText = 150, ButtonText = 75, ButtonsPerBlock = 25, IdLength = 255, ValueLength = 2000, ModalTitle = 24, OptionText = 75;

    /// <summary>The callback id of the modal that asks a button's questions.</summary>
    public const string InputsModal = "successbot.button_inputs";

    /// <summary>A message body: `text` for notifications and screen readers, `blocks` for the card.</summary>
    public static JsonObject Message(Reply reply) => new() { ["text"] = Fallback(reply), ["blocks"] = Blocks(reply, MessageBlocks) };

    /// <summary>The top-level `text` is mrkdwn too: escaped like every section, so a name like `&lt;!channel&gt;` pings nobody.</summary>
    public static string Fallback(Reply reply) => Cut(Escape(reply.Summary is { } s ? $"{reply.Title}: {s}" : reply.Title), SectionText);

    public static JsonArray Blocks(Reply reply, int maxBlocks)
    {
        var content = new List<JsonObject> { Header(reply.Title) };
        if (reply.Summary is { } summary) content.Add(Section(summary));
        foreach (var facts in reply.Facts.Chunk(FieldsPerSection))
            content.Add(new JsonObject { ["type"] = "section", ["fields"] = new JsonArray(facts.Select(f => (JsonNode)Mrkdwn(Cut($"*{Escape(f.Label)}*\n{Escape(f.Value)}", FieldText))).ToArray()) });
        foreach (var section in reply.Sections) content.Add(Section(List(section, reply.Words), escape: false));
        if (reply.Note is { } note) content.Add(Context(note));

        var buttons = reply.Buttons.Chunk(ButtonsPerBlock).Select(Actions).ToList();
        var room = maxBlocks - buttons.Count;
        if (content.Count > room)
        {
            var left = content.Count - (room - 1);
            content = [.. content.Take(room - 1), Context(reply.Words is { } w ? w.Plural("Slack.CutParts", left) : $"… and {left} more part(s) not shown here.")];
        }
        return new JsonArray([.. content, .. buttons]);
    }

    /// <summary>A modal that asks a button's questions; <paramref name="metadata"/> comes back with the answers.</summary>
    public static JsonObject Modal(string title, IReadOnlyList<ReplyInput> inputs, string metadata, string? submit = null, string? cancel = null) => new()
    {
        ["type"] = "modal",
        ["callback_id"] = InputsModal,
        ["title"] = Plain(Cut(title, ModalTitle)),
        ["submit"] = Plain(Cut(submit ?? "Save", ModalTitle)),
        ["close"] = Plain(Cut(cancel ?? "Cancel", ModalTitle)),
        ["private_metadata"] = metadata,
        ["blocks"] = new JsonArray(inputs.Select(i => (JsonNode)new JsonObject
        {
            ["type"] = "input",
            ["block_id"] = Cut(i.Id, IdLength),
            ["optional"] = i.Optional,
            ["label"] = Plain(Cut(i.Label, 2000)),
            ["element"] = i.Choices is { Count: > 0 }
                ? new JsonObject
                {
                    ["type"] = "static_select",
                    ["action_id"] = InputValue,
                    ["options"] = new JsonArray(i.Options().Take(100).Select(c => (JsonNode)new JsonObject { ["text"] = Plain(Cut(c.Label, OptionText)), ["value"] = Cut(c.Value, 150) }).ToArray()),
                }
                : new JsonObject { ["type"] = "plain_text_input", ["action_id"] = InputValue, ["multiline"] = true, ["max_length"] = 500 },
        }).ToArray()),
    };

    /// <summary>The action id of every input element in <see cref="Modal"/>.</summary>
    public const string InputValue = "value";

    /// <summary>What a modal asks, as a button carries it within its 2,000 characters: Slack says itself that a required choice is missing.</summary>
    private static ReplyInput[] ModalInputs(IReadOnlyList<ReplyInput> inputs) => [.. inputs.Select(i => i with { Missing = null })];

    /// <summary>A Home tab made of replies, one after another, within the 100 blocks of a surface.</summary>
    public static JsonObject Home(IEnumerable<Reply> replies)
    {
        var blocks = new JsonArray();
        foreach (var reply in replies)
        {
            var room = SurfaceBlocks - blocks.Count - (blocks.Count > 0 ? 1 : 0);
            if (room < 3) break;
            if (blocks.Count > 0) blocks.Add(new JsonObject { ["type"] = "divider" });
            foreach (var block in Blocks(reply with { Buttons = [] }, room)) blocks.Add(block!.DeepClone());
        }
        return new JsonObject { ["type"] = "home", ["blocks"] = blocks };
    }

    public static JsonObject Section(string text, bool escape = true) => new() { ["type"] = "section", ["text"] = Mrkdwn(Cut(escape ? Escape(text) : text, SectionText)) };

    /// <summary>Slack reads &amp;, &lt; and &gt; as markup; everything the core writes is shown as written.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    public static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static JsonObject Header(string title) => new() { ["type"] = "header", ["text"] = Plain(Cut(title, HeaderText)) };

    private static JsonObject Context(string text) => new() { ["type"] = "context", ["elements"] = new JsonArray(Mrkdwn(Cut(Escape(text), SectionText))) };

    private static JsonObject Actions(ReplyButton[] buttons) => new()
    {
        ["type"] = "actions",
        ["elements"] = new JsonArray(buttons.Select(b => (JsonNode)new JsonObject
        {
            ["type"] = "button",
            ["text"] = Plain(Cut(b.Label, ButtonText)),
            ["action_id"] = b.ActionId.Length <= IdLength ? b.ActionId : throw new InvalidOperationException($"Action id \"{b.ActionId[..40]}…\" is longer than Slack's {IdLength} characters."),
            ["value"] = (b.Inputs.Count == 0 ? new ButtonValue(b.Value, b.Inputs) : new ButtonValue(b.Value, ModalInputs(b.Inputs), b.Submit, b.Cancel)).Encode() is { Length: <= ValueLength } v ? v : throw new InvalidOperationException($"The value of button \"{b.Label}\" is longer than Slack's {ValueLength} characters."),
        }).ToArray()),
    };

    /// <summary>A titled list in one section: the lines that fit in 3,000 characters, then how many were left out.</summary>
    private static string List(ReplySection section, Core.Language.Reader? words)
    {
        var text = new StringBuilder($"*{Escape(section.Heading)}*");
        var more = section.More;
        const int roomForMore = 40;
        for (var i = 0; i < section.Lines.Count; i++)
        {
            var line = "\n• " + Escape(section.Lines[i]);
            if (text.Length + line.Length > SectionText - roomForMore)
            {
                more += section.Lines.Count - i;
                break;
            }
            text.Append(line);
        }
        // The core's words count its own cut; one Slack adds for its 3,000 characters is counted in the reader's words.
        if (more > 0) text.Append('\n').Append(Escape(more == section.More && section.MoreText is { } said ? said
            : words is { } w ? w.Plural("Slack.CutLines", more) : $"… and {Format.Count(more)} more"));
        return text.ToString();
    }

    private static JsonObject Plain(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };

    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };
}
