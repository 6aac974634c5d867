using System.Globalization;
using SuccessBot.Core.Chat;

namespace SuccessBot.Cli;

/// <summary>
/// What the command line prints from data (names, comments, values in error messages): control characters shown as
/// escapes (`\n`, `\u001b`), so an ESC or BEL sequence cannot drive the terminal and a newline in a name cannot split a line.
/// </summary>
public static class TerminalText
{
    public static string Escape(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        return string.Concat(text.Select(c => !char.IsControl(c) ? c.ToString()
            : c switch { '\n' => @"\n", '\r' => @"\r", '\t' => @"\t", _ => @"\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) }));
    }

    /// <summary>The reply as `ask` prints it: <see cref="PlainText.Render"/> of the reply with every text escaped.</summary>
    public static string Render(Reply reply) => PlainText.Render(reply with
    {
        Title = Escape(reply.Title),
        Summary = reply.Summary is { } summary ? Escape(summary) : null,
        Facts = [.. reply.Facts.Select(f => new Fact(Escape(f.Label), Escape(f.Value)))],
        Sections = [.. reply.Sections.Select(s => s with { Heading = Escape(s.Heading), Lines = [.. s.Lines.Select(Escape)] })],
        Buttons = [.. reply.Buttons.Select(b => b with { Label = Escape(b.Label) })],
        Note = reply.Note is { } note ? Escape(note) : null,
    });
}
