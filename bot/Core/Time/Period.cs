using System.Globalization;

namespace SuccessBot.Core.Time;

/// <summary>A span of whole days, <c>Start &lt;= day &lt; EndExclusive</c>, in the team's time zone, with the words it was asked in.</summary>
public sealed record Period(DateOnly Start, DateOnly EndExclusive, string Label)
{
    public DateOnly LastDay => EndExclusive.AddDays(-1);
    public int Days => EndExclusive.DayNumber - Start.DayNumber;

    /// <summary>Average-length months in the period (30.44 days each), for annualising.</summary>
    public double Months => Days / (365.25 / 12);

    public bool Contains(DateOnly day) => day >= Start && day < EndExclusive;

    /// <summary>The period of the same length that ends where this one starts.</summary>
    public Period Previous()
    {
        // Calendar months and quarters compare with the previous calendar month or quarter, not a same-day-count span.
        if (Start.Day == 1 && EndExclusive.Day == 1)
        {
            var months = (EndExclusive.Year - Start.Year) * 12 + EndExclusive.Month - Start.Month;
            if (months > 0) return new Period(Start.AddMonths(-months), Start, "the previous " + (months == 1 ? "month" : $"{months} months"));
        }
        return new Period(Start.AddDays(-Days), Start, $"the previous {Days} days");
    }

    /// <summary>"1 Oct 2026 – 31 Oct 2026"</summary>
    public string Range => $"{Format(Start)} – {Format(LastDay)}";

    public static string Format(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
