using System.Globalization;
using System.Text.RegularExpressions;

namespace SuccessBot.Core.Time;

/// <summary>Reads the period words of the chat language ("last month", "Q3 2026", "next 30 days") relative to a given day.</summary>
public static partial class PeriodParser
{
    public const string Examples = "`last month`, `this quarter`, `last 90 days`, `2026-10`, `Q3 2026`, `2026`, `since 2026-01-01`, `next 30 days`";

    /// <summary>Parses <paramref name="text"/>; null when the words are not a period this parser understands.</summary>
    public static Period? TryParse(string text, DateOnly today)
    {
        var t = Regex.Replace(text.Trim().ToLowerInvariant(), @"\s+", " ");
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var quarterStart = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1);

        switch (t)
        {
            case "last month":
            case "previous month":
                return Month(monthStart.AddMonths(-1));
            case "next month":
                return Month(monthStart.AddMonths(1));
            case "next quarter":
                return Quarter(quarterStart.AddMonths(3));
            case "this month":
                return ToDate(monthStart, today, "this month");
            case "last quarter":
            case "previous quarter":
                return Quarter(quarterStart.AddMonths(-3));
            case "this quarter":
                return ToDate(quarterStart, today, "this quarter");
            case "this year":
                return ToDate(new DateOnly(today.Year, 1, 1), today, "this year");
            case "last year":
                return Year(today.Year - 1);
            case "last week":
                return new Period(today.AddDays(-7), today.AddDays(1), "the last 7 days");
            case "today":
                return new Period(today, today.AddDays(1), "today");
        }

        var m = LastOrNextN().Match(t);
        if (m.Success)
        {
            if (!int.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 3660) return null;
            var unit = m.Groups["unit"].Value.TrimEnd('s');
            var word = m.Groups["dir"].Value;
            var plural = n == 1 ? unit : unit + "s";
            if (word is "last" or "past")
            {
                return unit switch
                {
                    "day" => new Period(today.AddDays(1 - n), today.AddDays(1), $"the last {n} {plural}"),
                    "week" => new Period(today.AddDays(1 - 7 * n), today.AddDays(1), $"the last {n} {plural}"),
                    // The last N complete months: "last 3 months" asked in November is August to October.
                    "month" => new Period(monthStart.AddMonths(-n), monthStart, $"the last {n} {plural}"),
                    _ => null,
                };
            }
            return unit switch
            {
                "day" => new Period(today, today.AddDays(n + 1), $"the next {n} {plural}"),
                "week" => new Period(today, today.AddDays(7 * n + 1), $"the next {n} {plural}"),
                "month" => new Period(today, today.AddMonths(n).AddDays(1), $"the next {n} {plural}"),
                _ => null,
            };
        }

        m = YearMonth().Match(t);
        if (m.Success)
        {
            var (y, mo) = (int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture));
            return mo is >= 1 and <= 12 && y is >= 1900 and <= 9999 ? Month(new DateOnly(y, mo, 1)) : null;
        }

        m = QuarterOfYear().Match(t);
        if (m.Success)
        {
            var q = int.Parse(m.Groups["q"].Value, CultureInfo.InvariantCulture);
            var y = int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture);
            return y is >= 1900 and <= 9999 ? Quarter(new DateOnly(y, (q - 1) * 3 + 1, 1)) : null;
        }

        m = YearOnly().Match(t);
        if (m.Success)
        {
            var y = int.Parse(t, CultureInfo.InvariantCulture);
            return y is >= 1900 and <= 9999 ? Year(y) : null;
        }

        m = Since().Match(t);
        if (m.Success)
        {
            if (!DateOnly.TryParseExact(m.Groups["d"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var since)) return null;
            return since <= today ? new Period(since, today.AddDays(1), $"since {Period.Format(since)}") : null;
        }

        var monthName = MonthName().Match(t);
        if (monthName.Success && DateTime.TryParseExact(monthName.Groups["name"].Value, ["MMMM", "MMM"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var named))
        {
            // "october" alone means the most recent October that has started; "october 2025" that one.
            var year = monthName.Groups["y"].Success ? int.Parse(monthName.Groups["y"].Value, CultureInfo.InvariantCulture)
                : named.Month <= today.Month ? today.Year : today.Year - 1;
            return Month(new DateOnly(year, named.Month, 1));
        }
        return null;

        Period Month(DateOnly first) => new(first, first.AddMonths(1), first.ToString("MMMM yyyy", CultureInfo.InvariantCulture));
        Period Quarter(DateOnly first) => new(first, first.AddMonths(3), $"Q{(first.Month - 1) / 3 + 1} {first.Year}");
        Period Year(int y) => new(new DateOnly(y, 1, 1), new DateOnly(y + 1, 1, 1), y.ToString(CultureInfo.InvariantCulture));
        Period ToDate(DateOnly start, DateOnly day, string label) => new(start, day.AddDays(1), label);
    }

    [GeneratedRegex(@"^(?<dir>last|past|next) (?<n>\d{1,5}) (?<unit>days?|weeks?|months?)$")]
    private static partial Regex LastOrNextN();

    [GeneratedRegex(@"^(?<y>\d{4})-(?<m>\d{2})$")]
    private static partial Regex YearMonth();

    [GeneratedRegex(@"^q(?<q>[1-4]) ?(?<y>\d{4})$")]
    private static partial Regex QuarterOfYear();

    [GeneratedRegex(@"^\d{4}$")]
    private static partial Regex YearOnly();

    [GeneratedRegex(@"^since (?<d>\S+)$")]
    private static partial Regex Since();

    [GeneratedRegex(@"^(?<name>[a-z]{3,9})(?: (?<y>\d{4}))?$")]
    private static partial Regex MonthName();
}
