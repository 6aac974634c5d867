namespace SuccessBot.Tests.Language;

public static class Spaces
{
    /// <summary>The text with the cultures' no-break and narrow no-break spaces as plain ones, so that expected texts are written as they read.</summary>
    public static string Plain(string text) => text.Replace('\u00a0', ' ').Replace('\u202f', ' ');
}
