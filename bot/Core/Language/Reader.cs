using System.Globalization;
using System.Text;

namespace SuccessBot.Core.Language;

/// <summary>The message texts of every language (the host reads them from the .resx files of <see cref="Messages"/>).</summary>
public interface ITexts
{
    /// <summary>The text of <paramref name="key"/> in <paramref name="culture"/>, English when that language lacks it.</summary>
    string Text(string key, CultureInfo culture);

    /// <summary>The CLDR plural category of <paramref name="n"/> in <paramref name="culture"/>: zero, one, two, few, many or other.</summary>
    string PluralOf(double n, CultureInfo culture);
}

/// <summary>
/// A message not yet in anyone's words (what the command reader could not read, before it knows who asks; what was done
/// to a card, for whoever reads it later): its key and named values; a <see cref="Time.Period"/> is named, a list of words
/// joined and a <see cref="Said"/> said as the reader does. With <see cref="Count"/>, its plural form for that count.
/// </summary>
public sealed class Said(string key, params (string Name, object? Value)[] values)
{
    public string Key => key;
    public IReadOnlyList<(string Name, object? Value)> Values => values;
    public double? Count { get; init; }
}

/// <summary>
/// One reader's words: texts in their language with named placeholders (`{score}`, `{day:d}`) filled in their culture's way,
/// and plurals picked by their language's CLDR rules from the keys `KEY#one`, `KEY#few`, `KEY#other`....
/// </summary>
public sealed record Reader(ITexts Texts, CultureInfo Culture)
{
    public string this[string key, params (string Name, object? Value)[] values] => Fill(Texts.Text(key, Culture), values, key);

    /// <summary>The form of <paramref name="key"/> for <paramref name="count"/>, which fills `{count}`.</summary>
    public string Plural(string key, double count, params (string Name, object? Value)[] values) =>
        this[$"{key}#{Texts.PluralOf(count, Culture)}", [("count", count), .. values]];

    /// <summary>English keeps the invariant figures and ISO dates every English answer has always shown.</summary>
    public bool IsEnglish => Culture.Name == Languages.English.Name;

    /// <summary>"5.0%" in English, "5,0 %" in German, "5,0%" in Portuguese.</summary>
    public string Percent(double fraction) => IsEnglish ? Chat.Format.Percent(fraction) : fraction.ToString("P1", Culture);

    public string Count(int n) => IsEnglish ? Chat.Format.Count(n) : n.ToString("N0", Culture);

    /// <summary>One decimal when there is one: "+12.5", "−3".</summary>
    public string Number(double n, string format = "0.#") => n.ToString(format, IsEnglish ? Chat.Format.Culture : Culture);

    /// <summary>The team's currency in the reader's way of writing amounts: "$4,200", "4.200 $", "US$ 4.200" stays the team's symbol.</summary>
    public string Money(decimal amount, string symbol)
    {
        if (IsEnglish) return Chat.Format.Money(amount, symbol);
        var numbers = (NumberFormatInfo)Culture.NumberFormat.Clone();
        numbers.CurrencySymbol = symbol;
        return Math.Round(amount, 0, MidpointRounding.AwayFromZero).ToString("C0", numbers);
    }

    public string Day(DateOnly day) => IsEnglish ? Chat.Format.Day(day) : day.ToString("d", Culture);

    /// <summary>A day as titles and sentences write it: "1 Oct 2026" in English, "01.10.2026" in German.</summary>
    public string Date(DateOnly day) => IsEnglish ? Time.Period.Format(day) : Day(day);

    /// <summary>"+12%", "-50%" in English; "-50 %" as a German writes it.</summary>
    public string Signed(double share) => IsEnglish ? Metrics.Health.Signed(share) : (share >= 0 ? "+" : "") + share.ToString("P0", Culture);

    /// <summary>A moment in UTC: "2026-11-25 14:30 UTC", "25.11.2026 14:30 UTC".</summary>
    public string Moment(DateTimeOffset at) => IsEnglish ? $"{at:yyyy-MM-dd HH:mm} UTC" : at.UtcDateTime.ToString("g", Culture) + " UTC";

    /// <summary>"1 Oct 2026 – 31 Oct 2026" in English, "01.10.2026 – 31.10.2026" in German.</summary>
    public string Range(Time.Period period) => IsEnglish ? period.Range : $"{Day(period.Start)} – {Day(period.LastDay)}";

    /// <summary>A period named and dated, as answers title it: "October 2026 (1 Oct 2026 – 31 Oct 2026)"; only its dates when they are all its name.</summary>
    public string Span(Time.Period period) => Label(period) is var label && label == Range(period) ? label : $"{label} ({Range(period)})";

    /// <summary>
    /// A period as the reader names it: the words it was asked in for English; a calendar month, quarter or year in the
    /// reader's words ("Oktober 2026", "T3 2026"); any other span by its dates.
    /// </summary>
    public string Label(Time.Period period)
    {
        if (IsEnglish) return period.Label;
        var first = period.Start;
        var toDate = period.CalendarMonths is { } months && period.EndExclusive < first.AddMonths(months);
        string? calendar = period.CalendarMonths switch
        {
            1 => Culture.TextInfo.ToTitleCase(first.ToString("MMMM yyyy", Culture)),
            3 when first.Month % 3 == 1 => this["Period.Quarter", ("quarter", (first.Month - 1) / 3 + 1), ("year", first.Year.ToString(CultureInfo.InvariantCulture))],
            12 when first.Month == 1 => first.Year.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        if (calendar is null) return Range(period);
        return toDate ? this["Period.ToDate", ("period", calendar)] : calendar;
    }

    /// <summary>A month or quarter as a chart's axis names it: "Oct '26", "Q4 '26" in English; "Okt. '26", "4. Q. '26" in German.</summary>
    public string Short(Time.Period bucket, int months) => IsEnglish ? Metrics.Trends.Short(bucket, months) : months == 3
        ? this["Period.QuarterShort", ("quarter", (bucket.Start.Month - 1) / 3 + 1), ("year", (bucket.Start.Year % 100).ToString("00", CultureInfo.InvariantCulture))]
        : Culture.TextInfo.ToTitleCase(bucket.Start.ToString("MMM", Culture)) + $" '{bucket.Start.Year % 100:00}";

    /// <summary>A <see cref="Said"/> in this reader's words, its first letter a capital as a sentence starts.</summary>
    public string Say(Said said)
    {
        var text = Words(said);
        return text.Length == 0 ? text : char.ToUpper(text[0], Culture) + text[1..];
    }

    /// <summary>A <see cref="Said"/> in this reader's words as it is (within a sentence).</summary>
    public string Words(Said said)
    {
        (string, object?)[] values = [.. said.Values.Select(v => v.Value switch
        {
            Time.Period period => (v.Name, (object?)Label(period)),
            string[] words => (v.Name, (object?)List(words)),
            Said inner => (v.Name, (object?)Words(inner)),
            _ => v,
        })];
        return said.Count is { } count ? Plural(said.Key, count, values) : this[said.Key, values];
    }

    /// <summary>"a, b and c" as the reader joins a list (<paramref name="last"/> "Words.Or": "a, b or c").</summary>
    public string List(IReadOnlyList<string> items, string last = "Words.And") => items.Count <= 1 ? string.Join("", items)
        : this[last, ("first", string.Join(", ", items.Take(items.Count - 1))), ("last", items[^1])];

    /// <summary>Fills `{name}` and `{name:format}`; `{{` and `}}` are braces. A placeholder without a value is an error, not a blank.</summary>
    public string Fill(string text, IReadOnlyList<(string Name, object? Value)> values, string key)
    {
        var filled = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c == '{' || c == '}') && i + 1 < text.Length && text[i + 1] == c) { filled.Append(c); i++; continue; }
            if (c != '{') { filled.Append(c); continue; }
            var end = text.IndexOf('}', i);
            if (end < 0) throw new FormatException($"Message {key} has an unclosed placeholder: {text}");
            var placeholder = text[(i + 1)..end];
            var colon = placeholder.IndexOf(':');
            var name = colon < 0 ? placeholder : placeholder[..colon];
            var format = colon < 0 ? null : placeholder[(colon + 1)..];
            var found = values.FirstOrDefault(v => v.Name == name);
            if (found.Name is null) throw new FormatException($"Message {key} ({Culture.Name}) has {{{name}}}, which is given no value.");
            filled.Append(found.Value switch
            {
                null => "",
                // English keeps the ISO dates every other English answer shows; the other languages write theirs.
                DateOnly day => day.ToString(format ?? (Culture.Name == "en" ? "yyyy-MM-dd" : "d"), Culture),
                int or long or decimal when format is null => ((IFormattable)found.Value).ToString("N0", Culture),
                double d when format is null => d.ToString(d == Math.Floor(d) ? "N0" : "N1", Culture),
                IFormattable formattable => formattable.ToString(format, Culture),
                var other => other.ToString(),
            });
            i = end;
        }
        return filled.ToString();
    }

    /// <summary>The placeholder names of a text, for the test that every language has the same ones.</summary>
    public static IReadOnlySet<string> PlaceholdersOf(string text)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '{') continue;
            if (i + 1 < text.Length && text[i + 1] == '{') { i++; continue; }
            var end = text.IndexOf('}', i);
            if (end < 0) break;
            var placeholder = text[(i + 1)..end];
            names.Add(placeholder.IndexOf(':') is var colon and >= 0 ? placeholder[..colon] : placeholder);
            i = end;
        }
        return names;
    }
}

/// <summary>The languages SuccessBot is written in, and whose language a reader gets.</summary>
public static class Languages
{
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    /// <summary>en, pt-BR, pt-PT, de, ro, ru: the five languages of SuccessBot's own material, Portuguese in both its written forms.</summary>
    public static readonly IReadOnlyList<CultureInfo> Supported =
        [English, CultureInfo.GetCultureInfo("pt-BR"), CultureInfo.GetCultureInfo("pt-PT"), CultureInfo.GetCultureInfo("de"), CultureInfo.GetCultureInfo("ro"), CultureInfo.GetCultureInfo("ru")];

    /// <summary>
    /// The supported language a tag asks for ("de-AT" is German, "pt" and "pt_BR" Brazilian Portuguese, any other Portuguese
    /// the European form), or null for a language SuccessBot is not written in, or no tag at all.
    /// </summary>
    public static CultureInfo? Match(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag)) return null;
        var parts = tag.Trim().Replace('_', '-').Split('-', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return null;
        var language = parts[0].ToLowerInvariant();
        if (language == "pt")
            return parts.Length == 1 || parts.Any(p => p.Equals("BR", StringComparison.OrdinalIgnoreCase)) ? Supported[1] : Supported[2];
        return Supported.FirstOrDefault(c => c.Name == language);
    }

    /// <summary>The first of <paramref name="tags"/> SuccessBot is written in, in the order given; English when none is.</summary>
    public static CultureInfo First(params string?[] tags) => tags.Select(Match).FirstOrDefault(c => c is not null) ?? English;

    /// <summary>
    /// A customer's language: their own (the `contact_languages` column), then Segment's (an identify call's locale), then
    /// their chat's (the Slack user's or the Teams activity's locale), then their account's (`language`), then the team's
    /// (`Team:Language`).
    /// </summary>
    public static CultureInfo OfContact(Domain.Account? account, string? contact, string? chatLocale, Chat.TeamSettings team) =>
        // Segment's is read from the store only when the contact's own does not decide.
        Match(account?.LanguageOf(contact)) ?? First(team.Contacts.Of(contact), chatLocale, account?.Language, team.Language);

    /// <summary>The same for a contact known by email only (`stop`): the first of their accounts that gives a language.</summary>
    public static CultureInfo OfContact(Domain.BookOfBusiness book, string email, string? chatLocale, Chat.TeamSettings team)
    {
        var accounts = book.PositionsOfContact(email).Select(p => book.HistoryAt(p).Account).ToArray();
        return accounts.Select(a => Match(a.LanguageOf(email))).FirstOrDefault(c => c is not null)
            ?? First(team.Contacts.Of(email), chatLocale, accounts.Select(a => a.Language).FirstOrDefault(l => Match(l) is not null), team.Language);
    }
}
