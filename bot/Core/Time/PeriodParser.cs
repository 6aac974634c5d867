using System.Globalization;
using System.Text.RegularExpressions;

namespace SuccessBot.Core.Time;

/// <summary>Reads the period words of the chat language ("last month", "Q3 2026", "since january", "next 30 days") relative to a given day.</summary>
public static partial class PeriodParser
{
    private static readonly Dictionary<string, int> NumberWords = new(StringComparer.Ordinal)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8,
        ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["eighteen"] = 18, ["twenty"] = 20, ["thirty"] = 30, ["sixty"] = 60, ["ninety"] = 90,
    };

    /// <summary>
    /// Parses <paramref name="text"/>; null when the words are not a period this parser understands.
    /// <paramref name="ahead"/>: the figure looks forward (renewals), so "december" is the coming December and "this quarter" the whole quarter.
    /// </summary>
    public static Period? TryParse(string text, DateOnly today, bool ahead = false)
    {
        var t = Regex.Replace(text.Trim().ToLowerInvariant(), @"\s+", " ");
        if (t.Length is 0 or > 80) return null;
        // The other languages' period words ("letzten Monat", "mês passado") are read as the English ones they say.
        return Parse(t, today, ahead) ?? (OtherLanguages.InEnglish(t) is { } english && english != t ? Parse(english, today, ahead) : null);
    }

    private static Period? Parse(string t, DateOnly today, bool ahead)
    {

        var range = Range().Match(t);
        if (range.Success)
        {
            // "between 2026-01-01 and 2026-03-31", "from january to march": the first day of one to the last day of the other.
            if (Single(range.Groups["from"].Value, today, ahead) is not { } from || Single(range.Groups["to"].Value, today, ahead) is not { } to) return null;
            return to.EndExclusive > from.Start ? new Period(from.Start, to.EndExclusive, $"{Period.Format(from.Start)} to {Period.Format(to.LastDay)}") : null;
        }

        var since = Since().Match(t);
        if (since.Success)
        {
            // "since january" is the latest January that has started; "since 2026-01-01" that day.
            if (Single(since.Groups["p"].Value, today, ahead: false) is not { } first || first.Start > today) return null;
            return new Period(first.Start, today.AddDays(1), $"since {Period.Format(first.Start)}");
        }
        return Single(t, today, ahead);
    }

    private static Period? Single(string t, DateOnly today, bool ahead)
    {
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var quarterStart = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1);
        var yearStart = new DateOnly(today.Year, 1, 1);

        switch (t)
        {
            case "last month" or "previous month" or "past month":
                return Period.Calendar(monthStart.AddMonths(-1), 1);
            case "next month":
                return Period.Calendar(monthStart.AddMonths(1), 1);
            case "last quarter" or "previous quarter" or "past quarter":
                return Period.Calendar(quarterStart.AddMonths(-3), 3);
            case "next quarter":
                return Period.Calendar(quarterStart.AddMonths(3), 3);
            case "last year" or "previous year" or "past year":
                return Period.Calendar(yearStart.AddYears(-1), 12);
            case "next year":
                return Period.Calendar(yearStart.AddYears(1), 12);
            case "this month" or "current month":
                return ahead ? Period.Calendar(monthStart, 1) : ToDate(monthStart, 1, "this month");
            case "month to date" or "mtd" or "this month so far" or "so far this month":
                return ToDate(monthStart, 1, "this month to date");
            case "this quarter" or "current quarter":
                return ahead ? Period.Calendar(quarterStart, 3) : ToDate(quarterStart, 3, "this quarter");
            case "quarter to date" or "qtd" or "this quarter so far" or "so far this quarter":
                return ToDate(quarterStart, 3, "this quarter to date");
            case "this year" or "current year":
                return ahead ? Period.Calendar(yearStart, 12) : ToDate(yearStart, 12, "this year");
            case "year to date" or "ytd" or "this year so far" or "so far this year" or "this year to date":
                return ToDate(yearStart, 12, "this year to date");
            case "last week" or "past week" or "previous week":
                return new Period(today.AddDays(-6), today.AddDays(1), "the last 7 days");
            case "next week":
                return new Period(today, today.AddDays(8), "the next 7 days");
            case "today":
                return new Period(today, today.AddDays(1), "today");
            case "yesterday":
                return new Period(today.AddDays(-1), today, "yesterday");
        }

        var m = LastOrNextN().Match(t);
        if (m.Success) return LastOrNext(m, today, monthStart, quarterStart);

        m = IsoDay().Match(t);
        if (m.Success)
            return DateOnly.TryParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? new Period(day, day.AddDays(1), Period.Format(day)) : null;

        m = YearMonth().Match(t);
        if (m.Success)
        {
            var (y, mo) = (Number(m, "y"), Number(m, "m"));
            return mo is >= 1 and <= 12 && y is >= 1900 and <= 9999 ? Period.Calendar(new DateOnly(y, mo, 1), 1) : null;
        }

        m = QuarterOfYear().Match(t);
        if (!m.Success) m = YearQuarter().Match(t);
        if (m.Success)
        {
            var q = Number(m, "q");
            if (!m.Groups["y"].Success)
            {
                // "q3" alone: the latest Q3 that has started, or for a forward look the next one that has not ended.
                var thisYears = new DateOnly(today.Year, (q - 1) * 3 + 1, 1);
                var first = ahead ? (thisYears.AddMonths(3) <= today ? thisYears.AddYears(1) : thisYears) : (thisYears <= today ? thisYears : thisYears.AddYears(-1));
                return Period.Calendar(first, 3);
            }
            var y = Number(m, "y");
            return y is >= 1900 and <= 9999 ? Period.Calendar(new DateOnly(y, (q - 1) * 3 + 1, 1), 3) : null;
        }

        m = YearOnly().Match(t);
        if (m.Success)
        {
            var y = int.Parse(t, CultureInfo.InvariantCulture);
            return y is >= 1900 and <= 9999 ? Period.Calendar(new DateOnly(y, 1, 1), 12) : null;
        }

        m = MonthName().Match(t);
        if (m.Success && MonthNumber(m.Groups["name"].Value) is { } month)
        {
            if (m.Groups["y"].Success)
            {
                var y = Number(m, "y");
                return y is >= 1900 and <= 9999 ? Period.Calendar(new DateOnly(y, month, 1), 1) : null;
            }
            // "october" alone: the latest October that has started, or for a forward look the next one that has not ended.
            var thisYears = new DateOnly(today.Year, month, 1);
            var first = ahead ? (month < today.Month ? thisYears.AddYears(1) : thisYears) : (month <= today.Month ? thisYears : thisYears.AddYears(-1));
            return Period.Calendar(first, 1);
        }
        return null;

        Period ToDate(DateOnly start, int months, string label) => new(start, today.AddDays(1), label) { CalendarMonths = months };
    }

    private static Period? LastOrNext(Match m, DateOnly today, DateOnly monthStart, DateOnly quarterStart)
    {
        var digits = m.Groups["n"].Value;
        var n = NumberWords.TryGetValue(digits, out var word) ? word
            : int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        if (n is < 1 or > 3660) return null;
        var unit = m.Groups["unit"].Value.TrimEnd('s');
        var plural = n == 1 ? unit : unit + "s";
        if (m.Groups["dir"].Value is "last" or "past" or "previous")
        {
            var label = $"the last {n} {plural}";
            return unit switch
            {
                "day" => new Period(today.AddDays(1 - n), today.AddDays(1), label),
                "week" => new Period(today.AddDays(1 - 7 * n), today.AddDays(1), label),
                // Complete months, quarters and years: "last 3 months" asked in November is August to October.
                "month" when n <= 1200 => new Period(monthStart.AddMonths(-n), monthStart, label) { CalendarMonths = n },
                "quarter" when n <= 400 => new Period(quarterStart.AddMonths(-3 * n), quarterStart, label) { CalendarMonths = 3 * n },
                "year" when n <= 100 => new Period(new DateOnly(today.Year - n, 1, 1), new DateOnly(today.Year, 1, 1), label) { CalendarMonths = 12 * n },
                _ => null,
            };
        }
        var next = $"the next {n} {plural}";
        return unit switch
        {
            "day" => new Period(today, today.AddDays(n + 1), next),
            "week" => new Period(today, today.AddDays(7 * n + 1), next),
            "month" when n <= 1200 => new Period(today, today.AddMonths(n).AddDays(1), next),
            "quarter" when n <= 400 => new Period(today, today.AddMonths(3 * n).AddDays(1), next),
            "year" when n <= 100 => new Period(today, today.AddYears(n).AddDays(1), next),
            _ => null,
        };
    }

    /// <summary>1 for "jan", "january"; 9 for "sep", "sept", "september"; null for any other word.</summary>
    public static int? MonthNumber(string word)
    {
        if (word == "sept") return 9;
        return DateTime.TryParseExact(word, ["MMMM", "MMM"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var named) ? named.Month : null;
    }

    private static int Number(Match m, string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?:between|from) (?<from>.+?) (?:and|to|until|-) (?<to>.+)$|^(?<from>\d{4}-\d{2}-\d{2}) (?:to|-|until) (?<to>\d{4}-\d{2}-\d{2})$")]
    private static partial Regex Range();

    [GeneratedRegex(@"^since (?<p>.+)$")]
    private static partial Regex Since();

    [GeneratedRegex(@"^(?<dir>last|past|previous|next) (?<n>\d{1,5}|[a-z]+) (?<unit>days?|weeks?|months?|quarters?|years?)$")]
    private static partial Regex LastOrNextN();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex IsoDay();

    [GeneratedRegex(@"^(?<y>\d{4})-(?<m>\d{2})$")]
    private static partial Regex YearMonth();

    [GeneratedRegex(@"^q(?<q>[1-4])(?:[ -]?(?<y>\d{4}))?$")]
    private static partial Regex QuarterOfYear();

    [GeneratedRegex(@"^(?<y>\d{4})[ -]?q(?<q>[1-4])$")]
    private static partial Regex YearQuarter();

    [GeneratedRegex(@"^\d{4}$")]
    private static partial Regex YearOnly();

    [GeneratedRegex(@"^(?<name>[a-z]{3,9})(?: (?<y>\d{4}))?$")]
    private static partial Regex MonthName();
}
