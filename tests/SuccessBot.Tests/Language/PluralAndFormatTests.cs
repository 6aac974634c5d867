using System.Globalization;
using SuccessBot.Core.Language;

namespace SuccessBot.Tests.Language;

/// <summary>Plurals by CLDR and figures in the reader's culture, as the survey's texts render them.</summary>
public class PluralAndFormatTests
{
    private static Reader In(string language) => new(SuccessBot.Settings.Texts, CultureInfo.GetCultureInfo(language));

    private static readonly DateOnly Day = new(2026, 12, 2);

    private static string Days(string language, double n) => In(language).Plural("Survey.ClosedAfter", n, ("date", Day));

    [Theory]
    [InlineData(0, "0 дней")]
    [InlineData(1, "1 день")]
    [InlineData(2, "2 дня")]
    [InlineData(5, "5 дней")]
    [InlineData(11, "11 дней")]
    [InlineData(21, "21 день")]
    [InlineData(22, "22 дня")]
    [InlineData(25, "25 дней")]
    [InlineData(101, "101 день")]
    [InlineData(1.5, "1,5 дня")]
    public void Russian_counts_take_one_few_and_many(double n, string expected) => Assert.Contains($"через {expected} после", Days("ru", n));

    [Theory]
    [InlineData(0, "0 zile")]
    [InlineData(1, "1 zi")]
    [InlineData(2, "2 zile")]
    [InlineData(5, "5 zile")]
    [InlineData(11, "11 zile")]
    [InlineData(20, "20 de zile")]
    [InlineData(21, "21 de zile")]
    [InlineData(22, "22 de zile")]
    [InlineData(25, "25 de zile")]
    [InlineData(101, "101 zile")]
    [InlineData(1.5, "1,5 zile")]
    public void Romanian_counts_take_one_few_and_other_with_de_from_twenty(double n, string expected) => Assert.Contains($"la {expected} după", Days("ro", n));

    [Theory]
    [InlineData("de", 1, "1 Tag nach")]
    [InlineData("de", 2, "2 Tage nach")]
    [InlineData("de", 21, "21 Tage nach")]
    [InlineData("de", 1.5, "1,5 Tage nach")]
    [InlineData("pt-BR", 1, "1 dia após")]
    [InlineData("pt-BR", 0, "0 dia após")]
    [InlineData("pt-BR", 1.5, "1,5 dia após")]
    [InlineData("pt-PT", 0, "0 dias após")]
    [InlineData("pt-PT", 1.5, "1,5 dias após")]
    [InlineData("pt-PT", 22, "22 dias após")]
    [InlineData("en", 1, "1 day after")]
    [InlineData("en", 21, "21 days after")]
    public void German_and_Portuguese_counts_take_one_and_other_as_CLDR_has_them(string language, double n, string expected) => Assert.Contains(expected, Days(language, n));

    [Theory]
    [InlineData("de", "1.234,5 % · 1.234 · 02.12.2026")]
    [InlineData("pt-BR", "1.234,5% · 1.234 · 02/12/2026")]
    [InlineData("pt-PT", "1 234,5% · 1 234 · 02/12/2026")]
    [InlineData("ro", "1.234,5 % · 1.234 · 02.12.2026")]
    [InlineData("ru", "1 234,5 % · 1 234 · 02.12.2026")]
    [InlineData("en", "1,234.5% · 1,234 · 2026-12-02")]
    public void Numbers_percentages_and_dates_read_as_the_culture_writes_them(string language, string expected) =>
        Assert.Equal(expected, In(language).Fill("{share:P1} · {count} · {day}", [("share", 12.345), ("count", 1234), ("day", Day)], "test").Replace('\u00a0', ' ').Replace('\u202f', ' '));
}
