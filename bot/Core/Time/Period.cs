using System.Globalization;

namespace SuccessBot.Core.Time;

/// <summary>A span of whole days, <c>Start &lt;= day &lt; EndExclusive</c>, in the team's time zone, with the words it was asked in.</summary>
public sealed record Period(DateOnly Start, DateOnly EndExclusive, string Label)
{
    /// <summary>
    /// Set when the period is a calendar span of this many months from <see cref="Start"/> (a month, a quarter, a year),
    /// or the part of one up to today ("this quarter"): it is compared with, and annualised by, whole calendar months.
    /// </summary>
    public int? CalendarMonths { get; init; }

    public DateOnly LastDay => EndExclusive.AddDays(-1);
    public int Days => EndExclusive.DayNumber - Start.DayNumber;

    /// <summary>Average-length months in the period (30.44 days each), for annualising.</summary>
    public double Months => Days / (365.25 / 12);

    /// <summary>How many whole calendar months the period covers, start to end (October: 1, Q3: 3, the last 12 months: 12); null for any other span.</summary>
    public int? WholeCalendarMonths => (CalendarMonths ?? WholeMonths()) is { } n && EndExclusive == Start.AddMonths(n) ? n : null;

    public bool Contains(DateOnly day) => day >= Start && day < EndExclusive;

    /// <summary>The period this one is compared with: the previous calendar span for a calendar period, else the same number of days before.</summary>
    public Period Previous()
    {
        if ((CalendarMonths ?? WholeMonths()) is { } n) return Calendar(Start.AddMonths(-n), n);
        return new Period(Start.AddDays(-Days), Start, $"the previous {Days} days");
    }

    /// <summary>The number of months from a first of the month to a first of the month; null for any other span.</summary>
    private int? WholeMonths()
    {
        var months = (EndExclusive.Year - Start.Year) * 12 + EndExclusive.Month - Start.Month;
        return Start.Day == 1 && EndExclusive.Day == 1 && months > 0 ? months : null;
    }

    /// <summary>The calendar span of <paramref name="months"/> months from <paramref name="first"/>, named as people name it ("October 2026", "Q3 2026", "2026").</summary>
    public static Period Calendar(DateOnly first, int months)
    {
        var label = months switch
        {
            1 => first.ToString("MMMM yyyy", CultureInfo.InvariantCulture),
            3 when first.Month % 3 == 1 => $"Q{(first.Month - 1) / 3 + 1} {first.Year}",
            12 when first.Month == 1 => first.Year.ToString(CultureInfo.InvariantCulture),
            _ => $"{Format(first)} – {Format(first.AddMonths(months).AddDays(-1))}",
        };
        return new Period(first, first.AddMonths(months), label) { CalendarMonths = months };
    }

    /// <summary>This period cut to end with <paramref name="today"/>: "2026" asked in November is "2026 to date".</summary>
    public Period UpTo(DateOnly today) =>
        EndExclusive <= today.AddDays(1) ? this : this with { EndExclusive = today.AddDays(1), Label = Label.EndsWith(" to date", StringComparison.Ordinal) ? Label : Label + " to date" };

    /// <summary>"1 Oct 2026 – 31 Oct 2026"</summary>
    public string Range => $"{Format(Start)} – {Format(LastDay)}";

    public static string Format(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
