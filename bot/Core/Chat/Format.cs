using System.Globalization;

namespace SuccessBot.Core.Chat;

/// <summary>How figures read in every answer: "5.0%", "$4,200", "1,000".</summary>
public static class Format
{
    public static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static string Percent(double fraction) => (fraction * 100).ToString("0.0", Culture) + "%";

    public static string Count(int n) => n.ToString("N0", Culture);

    public static string Money(decimal amount, string symbol) =>
        (amount < 0 ? "-" : "") + symbol + Math.Abs(Math.Round(amount, 0, MidpointRounding.AwayFromZero)).ToString("N0", Culture);

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", Culture);

    /// <summary>Quotes user text back to them, cut so a 10,000-character message does not come back whole.</summary>
    public static string Quote(string text, int max = 60)
    {
        var oneLine = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= max ? oneLine : oneLine[..max] + "…";
    }
}
