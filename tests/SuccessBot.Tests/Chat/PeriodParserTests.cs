using SuccessBot.Core.Time;

namespace SuccessBot.Tests.Chat;

public class PeriodParserTests
{
    [Theory]
    // phrase, asked on, first day, last day
    [InlineData("last month", "2026-11-25", "2026-10-01", "2026-10-31")]
    [InlineData("last month", "2026-01-01", "2025-12-01", "2025-12-31")]
    [InlineData("last month", "2026-03-31", "2026-02-01", "2026-02-28")]
    [InlineData("this month", "2026-11-25", "2026-11-01", "2026-11-25")]
    [InlineData("last quarter", "2026-11-25", "2026-07-01", "2026-09-30")]
    [InlineData("last quarter", "2026-02-10", "2025-10-01", "2025-12-31")]
    [InlineData("this quarter", "2026-11-25", "2026-10-01", "2026-11-25")]
    [InlineData("last 30 days", "2026-11-25", "2026-10-27", "2026-11-25")]
    [InlineData("last 1 day", "2026-11-25", "2026-11-25", "2026-11-25")]
    [InlineData("last 3 months", "2026-11-25", "2026-08-01", "2026-10-31")]
    [InlineData("last 12 months", "2026-11-25", "2025-11-01", "2026-10-31")]
    [InlineData("2026-10", "2026-11-25", "2026-10-01", "2026-10-31")]
    [InlineData("2024-02", "2026-11-25", "2024-02-01", "2024-02-29")]
    [InlineData("Q3 2026", "2026-11-25", "2026-07-01", "2026-09-30")]
    [InlineData("q1 2025", "2026-11-25", "2025-01-01", "2025-03-31")]
    [InlineData("2025", "2026-11-25", "2025-01-01", "2025-12-31")]
    [InlineData("since 2026-01-01", "2026-11-25", "2026-01-01", "2026-11-25")]
    [InlineData("next 30 days", "2026-11-25", "2026-11-25", "2026-12-25")]
    [InlineData("next 7 days", "2026-12-28", "2026-12-28", "2027-01-04")]
    [InlineData("  LAST   Month ", "2026-11-25", "2026-10-01", "2026-10-31")]
    [InlineData("this year", "2026-11-25", "2026-01-01", "2026-11-25")]
    [InlineData("october", "2026-11-25", "2026-10-01", "2026-10-31")]
    [InlineData("december", "2026-11-25", "2025-12-01", "2025-12-31")]
    [InlineData("sept", "2026-11-25", "2026-09-01", "2026-09-30")]
    [InlineData("September 2025", "2026-11-25", "2025-09-01", "2025-09-30")]
    [InlineData("q3", "2026-11-25", "2026-07-01", "2026-09-30")]
    [InlineData("q4", "2026-02-10", "2025-10-01", "2025-12-31")]
    [InlineData("ytd", "2026-11-25", "2026-01-01", "2026-11-25")]
    [InlineData("this year so far", "2026-11-25", "2026-01-01", "2026-11-25")]
    [InlineData("since january", "2026-11-25", "2026-01-01", "2026-11-25")]
    [InlineData("since december", "2026-11-25", "2025-12-01", "2026-11-25")]
    [InlineData("past 90 days", "2026-11-25", "2026-08-28", "2026-11-25")]
    [InlineData("last twelve months", "2026-11-25", "2025-11-01", "2026-10-31")]
    [InlineData("between 2026-01-01 and 2026-03-31", "2026-11-25", "2026-01-01", "2026-03-31")]
    [InlineData("from march to may", "2026-11-25", "2026-03-01", "2026-05-31")]
    [InlineData("last week", "2026-11-25", "2026-11-19", "2026-11-25")]
    public void Reads_the_phrase_relative_to_the_day_it_is_asked(string phrase, string asked, string first, string last)
    {
        var period = PeriodParser.TryParse(phrase, DateOnly.Parse(asked));

        Assert.NotNull(period);
        Assert.Equal(DateOnly.Parse(first), period.Start);
        Assert.Equal(DateOnly.Parse(last), period.LastDay);
    }

    [Theory]
    [InlineData("last fortnight")]
    [InlineData("2026-13")]
    [InlineData("Q5 2026")]
    [InlineData("since whenever")]
    [InlineData("between 2026-03-01 and 2026-01-01")]
    [InlineData("since 2027-01-01")]
    [InlineData("last 0 days")]
    [InlineData("last -3 days")]
    [InlineData("next 99999999999 days")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("")]
    public void Refuses_what_it_cannot_read(string phrase) => Assert.Null(PeriodParser.TryParse(phrase, new DateOnly(2026, 11, 25)));

    [Fact]
    public void This_quarter_so_far_is_compared_with_the_whole_previous_quarter()
    {
        var previous = PeriodParser.TryParse("this quarter", new DateOnly(2026, 11, 25))!.Previous();

        Assert.Equal((new DateOnly(2026, 7, 1), new DateOnly(2026, 9, 30), "Q3 2026"), (previous.Start, previous.LastDay, previous.Label));
    }

    [Theory]
    // Looking ahead (renewals): a month or quarter named alone is the coming one, "this quarter" the whole quarter.
    [InlineData("december", "2026-11-25", "2026-12-01", "2026-12-31")]
    [InlineData("november", "2026-11-25", "2026-11-01", "2026-11-30")]
    [InlineData("october", "2026-11-25", "2027-10-01", "2027-10-31")]
    [InlineData("q4", "2026-11-25", "2026-10-01", "2026-12-31")]
    [InlineData("q3", "2026-11-25", "2027-07-01", "2027-09-30")]
    [InlineData("this quarter", "2026-11-25", "2026-10-01", "2026-12-31")]
    [InlineData("this year", "2026-11-25", "2026-01-01", "2026-12-31")]
    [InlineData("next 2 quarters", "2026-11-25", "2026-11-25", "2027-05-25")]
    public void Reads_a_forward_look_as_the_coming_period(string phrase, string asked, string first, string last)
    {
        var period = PeriodParser.TryParse(phrase, DateOnly.Parse(asked), ahead: true)!;

        Assert.Equal((DateOnly.Parse(first), DateOnly.Parse(last)), (period.Start, period.LastDay));
    }

    [Fact]
    public void A_calendar_month_is_compared_with_the_month_before()
    {
        var october = PeriodParser.TryParse("2026-10", new DateOnly(2026, 11, 25))!;
        var previous = october.Previous();

        Assert.Equal(new DateOnly(2026, 9, 1), previous.Start);
        Assert.Equal(new DateOnly(2026, 10, 1), previous.EndExclusive);
    }
}
