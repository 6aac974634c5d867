using System.Text;

namespace SuccessBot.Core.Chat;

/// <summary>A fact shown as "label: value".</summary>
public sealed record Fact(string Label, string Value);

/// <summary>
/// A titled list; <see cref="More"/> counts the lines left out to keep the message short, and <see cref="Hidden"/> holds
/// the first of them (up to <see cref="Reply.MaxHidden"/>) for a channel that shows them on request (the local chat's "and 18 more").
/// </summary>
public sealed record ReplySection(string Heading, IReadOnlyList<string> Lines, int More = 0)
{
    public IReadOnlyList<string> Hidden { get; init; } = [];

    /// <summary>"… und 18 weitere" under the list in its reader's words; null: each channel's English.</summary>
    public string? MoreText { get; init; }

    /// <summary>What is not even hidden, once the hidden lines are shown: "… und 3 weitere: grenzen Sie die Frage ein"; null: the channel's English.</summary>
    public string? RestText { get; init; }
}

/// <summary>
/// A button; <see cref="ActionId"/> and <see cref="Value"/> come back when it is clicked, with the answers to
/// <see cref="Inputs"/> when it asks for any (a reason, a note): Slack asks them in a modal, Teams and the local chat on the card.
/// </summary>
public sealed record ReplyButton(string Label, string ActionId, string Value)
{
    public IReadOnlyList<ReplyInput> Inputs { get; init; } = [];

    /// <summary>The labels of the form that asks <see cref="Inputs"/> (Slack's modal), in the reader's language.</summary>
    public string Submit { get; init; } = "Save";
    public string Cancel { get; init; } = "Cancel";
}

/// <summary>
/// A question a button asks before it acts: free text, or one of <see cref="Choices"/>, the values the action reads and
/// stores; <see cref="ChoiceLabels"/> shows them in the reader's language, in the same order (none: the values are shown).
/// </summary>
public sealed record ReplyInput(string Id, string Label, IReadOnlyList<string>? Choices = null, bool Optional = true)
{
    public IReadOnlyList<string>? ChoiceLabels { get; init; }

    /// <summary>What a form that checks a required choice says when none is made ("Choose a churn reason."), in the reader's language; null: the channel's English.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Missing { get; init; }

    /// <summary>Each choice's value and the words it is shown in.</summary>
    public IEnumerable<(string Value, string Label)> Options() =>
        (Choices ?? []).Select((value, i) => (value, ChoiceLabels is { } labels && i < labels.Count ? labels[i] : value));
}

/// <summary>What the bot says, independent of the channel that renders it (Block Kit, Adaptive Card, HTML, text).</summary>
public sealed record Reply(string Title)
{
    /// <summary>The answer in one sentence, with its figure first.</summary>
    public string? Summary { get; init; }
    public IReadOnlyList<Fact> Facts { get; init; } = [];
    public IReadOnlyList<ReplySection> Sections { get; init; } = [];
    public IReadOnlyList<ReplyButton> Buttons { get; init; } = [];
    public string? Note { get; init; }

    /// <summary>Pictures of the figures; their numbers are in <see cref="Sections"/> too (see <see cref="Chart.Section"/>).</summary>
    public IReadOnlyList<Chart> Charts { get; init; } = [];

    /// <summary>True when the bot could not do what was asked (not understood, not allowed, not found).</summary>
    public bool IsRefusal { get; init; }

    public static Reply Refusal(string title, string summary, string? note = null) => new(title) { Summary = summary, Note = note, IsRefusal = true };

    /// <summary>True when the store could not be reached, so nothing was done: a channel says to try again (HTTP: 503 with Retry-After).</summary>
    public bool StoreDown { get; init; }

    /// <summary>What a write that could not reach the store answers, in the asker's words.</summary>
    public static Reply TryAgainSoon(Language.Reader w) => Refusal(w["Store.TryAgainTitle"], w["Store.TryAgain"]) with { StoreDown = true };

    /// <summary>How many of the lines a section leaves out it still carries for a reader who asks to see them.</summary>
    public const int MaxHidden = 200;

    /// <summary>
    /// The reader the reply is written for, for the words a channel adds when it cuts the reply to its own limits (Slack's
    /// "… and 5 more"); null: the channel's English. Not stored: a card read back from the ledger is given it again from
    /// <see cref="WrittenIn"/> (<see cref="TeamSettings.InItsWords"/>).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Language.Reader? Words { get; init; }

    /// <summary>The language the reply is written in ("de"), kept with a card in the ledger; null: not known (the channel's English).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? WrittenIn { get; init; }

    /// <summary>The reply with "… and 18 more" under each cut list in the reader's words; English keeps each channel's own.</summary>
    public Reply CutIn(Language.Reader w) => (w.IsEnglish || Sections.All(s => s.More == 0) ? this : this with
    {
        Sections = [.. Sections.Select(s => s.More == 0 ? s : s with
        {
            MoreText = w["List.More", ("count", s.More)],
            RestText = s.More > s.Hidden.Count ? w["List.MoreNarrow", ("count", s.More - s.Hidden.Count)] : null,
        })],
    }) with { Words = w, WrittenIn = w.Culture.Name };

    /// <summary>Writes a line for each of the first <paramref name="max"/> items and counts the rest, keeping the next <see cref="MaxHidden"/> of them hidden.</summary>
    public static ReplySection Section<T>(string heading, IReadOnlyCollection<T> items, Func<T, string> line, int max = 10) =>
        new(heading, items.Take(max).Select(line).ToArray(), Math.Max(0, items.Count - max)) { Hidden = items.Skip(max).Take(MaxHidden).Select(line).ToArray() };
}

public static class PlainText
{
    /// <summary>The reply as plain text, as `ask` prints it.</summary>
    public static string Render(Reply reply)
    {
        var text = new StringBuilder();
        text.AppendLine(reply.Title);
        if (reply.Summary is { } summary) text.AppendLine(summary);
        if (reply.Facts.Count > 0)
        {
            text.AppendLine();
            var width = reply.Facts.Max(f => f.Label.Length) + 1;
            foreach (var fact in reply.Facts) text.Append("  ").Append((fact.Label + ":").PadRight(width + 1)).AppendLine(fact.Value);
        }
        foreach (var section in reply.Sections)
        {
            text.AppendLine().AppendLine(section.Heading);
            foreach (var line in section.Lines) text.Append("  - ").AppendLine(line);
            if (section.More > 0) text.Append("  ").AppendLine(section.MoreText ?? $"... and {section.More.ToString("N0", Format.Culture)} more");
        }
        if (reply.Buttons.Count > 0) text.AppendLine().AppendLine(string.Join("  ", reply.Buttons.Select(b => $"[{b.Label}]")));
        if (reply.Note is { } note) text.AppendLine().AppendLine(note);
        return text.ToString();
    }
}
