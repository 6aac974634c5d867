using SuccessBot.Core.Nudges;

namespace SuccessBot.Tests.Nudges;

/// <summary>`Checks:QuietHours` as a person lives it: when a card held back at night reaches them, in their own zone.</summary>
public class QuietHoursTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Theory]
    [InlineData("20:00-08:00", "20:00-08:00")]
    [InlineData(" 22:00 - 7:30 ", "22:00-07:30")]
    [InlineData("off", "off")]
    [InlineData("OFF", "off")]
    [InlineData("", "off")]
    [InlineData(null, "off")]
    [InlineData("08:00-08:00", "off")]
    public void Hours_read_as_written_and_off_or_empty_means_never(string? text, string read)
    {
        Assert.Equal(read, QuietHours.Parse(text)!.ToString());
    }

    [Theory]
    [InlineData("8pm-8am")]
    [InlineData("20:00")]
    [InlineData("20:00-08:00-09:00")]
    [InlineData("25:00-08:00")]
    public void Hours_that_are_not_hours_are_refused(string text)
    {
        Assert.Null(QuietHours.Parse(text));
    }

    [Theory]
    [InlineData("20:00-08:00", "2026-11-25T21:00", "2026-11-26T08:00+01:00")]
    [InlineData("20:00-08:00", "2026-11-25T20:00", "2026-11-26T08:00+01:00")]
    [InlineData("20:00-08:00", "2026-11-25T07:59", "2026-11-25T08:00+01:00")]
    [InlineData("20:00-08:00", "2026-11-25T00:00", "2026-11-25T08:00+01:00")]
    [InlineData("20:00-08:00", "2026-11-25T08:00", null)]
    [InlineData("20:00-08:00", "2026-11-25T19:59", null)]
    [InlineData("12:00-14:00", "2026-11-25T12:00", "2026-11-25T14:00+01:00")]
    [InlineData("12:00-14:00", "2026-11-25T13:30", "2026-11-25T14:00+01:00")]
    [InlineData("12:00-14:00", "2026-11-25T11:59", null)]
    [InlineData("12:00-14:00", "2026-11-25T14:00", null)]
    [InlineData("12:00-14:00", "2026-11-25T23:00", null)]
    [InlineData("off", "2026-11-25T03:00", null)]
    // Berlin moves its clocks from 02:00 to 03:00 that night: an end at 02:30 does not exist, it is 03:30 summer time.
    [InlineData("22:00-02:30", "2026-03-28T23:00", "2026-03-29T03:30+02:00")]
    public void What_is_held_back_in_quiet_hours_goes_when_they_end_in_the_persons_zone(string hours, string berlinTime, string? ends)
    {
        var local = DateTime.Parse(berlinTime, System.Globalization.CultureInfo.InvariantCulture);
        var now = new DateTimeOffset(local, Berlin.GetUtcOffset(local));

        var end = QuietHours.Parse(hours)!.EndOf(now, Berlin);

        Assert.Equal(ends is null ? null : DateTimeOffset.Parse(ends, System.Globalization.CultureInfo.InvariantCulture), end);
        if (end is { } e) Assert.Equal(Berlin.GetUtcOffset(e.UtcDateTime), e.Offset);
    }
}
