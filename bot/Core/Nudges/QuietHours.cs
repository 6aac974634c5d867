using System.Globalization;

namespace SuccessBot.Core.Nudges;

/// <summary>The hours of a person's day when SuccessBot keeps quiet (`Checks:QuietHours`, "20:00-08:00"); Start == End: never.</summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    public static QuietHours Default { get; } = new(new TimeOnly(20, 0), new TimeOnly(8, 0));
    public static QuietHours Never { get; } = new(TimeOnly.MinValue, TimeOnly.MinValue);

    public bool IsNever => Start == End;

    /// <summary>When the quiet hours that hold <paramref name="now"/> end, in <paramref name="zone"/>; null when it is not quiet there now.</summary>
    public DateTimeOffset? EndOf(DateTimeOffset now, TimeZoneInfo zone)
    {
        if (IsNever) return null;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var quiet = Start < End ? time >= Start && time < End : time >= Start || time < End;
        if (!quiet) return null;
        var day = DateOnly.FromDateTime(local.DateTime);
        var end = (time < End ? day : day.AddDays(1)).ToDateTime(End);
        // The end falls in a daylight-saving gap: it is over an hour later.
        if (zone.IsInvalidTime(end)) end = end.AddHours(1);
        return new DateTimeOffset(end, zone.GetUtcOffset(end));
    }

    /// <summary>"20:00-08:00", or "off" (also empty) for none; null when the text is neither.</summary>
    public static QuietHours? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Equals("off", StringComparison.OrdinalIgnoreCase)) return Never;
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        return parts.Length == 2 && Time(parts[0]) is { } start && Time(parts[1]) is { } end ? new QuietHours(start, end) : null;
    }

    private static TimeOnly? Time(string text) =>
        TimeOnly.TryParseExact(text, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;

    public override string ToString() => IsNever ? "off" : $"{Start:HH:mm}-{End:HH:mm}";
}
