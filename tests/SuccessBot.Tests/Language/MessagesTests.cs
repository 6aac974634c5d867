using System.Globalization;
using System.Xml.Linq;
using SuccessBot.Core.Language;
using SuccessBot.Language;

namespace SuccessBot.Tests.Language;

/// <summary>The .resx files: every language has every message, with the same placeholders, and the plural forms CLDR gives it.</summary>
public class MessagesTests
{
    private static readonly ResxTexts Texts = SuccessBot.Settings.Texts;
    private static readonly string Folder = Path.Combine(RepoRoot.Path, "bot", "Core", "Language");

    private static Dictionary<string, string> File(string name) =>
        XDocument.Load(Path.Combine(Folder, name)).Root!.Elements("data").ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    private static string BaseKey(string key) => key.Split('#')[0];

    public static TheoryData<string> Translations() => new(Languages.Supported.Skip(1).Select(c => c.Name));

    [Fact]
    public void There_is_a_file_for_each_language_and_no_other()
    {
        var files = Directory.GetFiles(Folder, "Messages*.resx").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["Messages.de.resx", "Messages.pt-BR.resx", "Messages.pt-PT.resx", "Messages.resx", "Messages.ro.resx", "Messages.ru.resx"], files);
    }

    [Theory]
    [MemberData(nameof(Translations))]
    public void Each_language_has_every_message_of_the_English_one_with_the_same_named_placeholders(string language)
    {
        var english = File("Messages.resx");
        var translated = File($"Messages.{language}.resx");

        Assert.Empty(english.Keys.Select(BaseKey).Distinct().Except(translated.Keys.Select(BaseKey)));
        Assert.Empty(translated.Keys.Select(BaseKey).Distinct().Except(english.Keys.Select(BaseKey)));
        foreach (var (key, text) in translated)
        {
            var englishText = english.TryGetValue(key, out var same) ? same : english[$"{BaseKey(key)}#other"];
            Assert.True(Reader.PlaceholdersOf(englishText).SetEquals(Reader.PlaceholdersOf(text)),
                $"{language} {key}: {{{string.Join("} {", Reader.PlaceholdersOf(text))}}} where English has {{{string.Join("} {", Reader.PlaceholdersOf(englishText))}}}");
            Assert.False(string.IsNullOrWhiteSpace(text), $"{language} {key} is empty");
        }
    }

    [Theory]
    [MemberData(nameof(Translations))]
    [InlineData("en")]
    public void A_plural_message_has_exactly_the_forms_CLDR_gives_the_language(string language)
    {
        var file = File(language == "en" ? "Messages.resx" : $"Messages.{language}.resx");
        var categories = Texts.PluralCategoriesOf(CultureInfo.GetCultureInfo(language));
        foreach (var plural in file.Keys.Where(k => k.Contains('#')).GroupBy(BaseKey))
            Assert.True(categories.SetEquals(plural.Select(k => k.Split('#')[1])), $"{language} {plural.Key} has {string.Join(", ", plural.Select(k => k.Split('#')[1]))}; CLDR: {string.Join(", ", categories)}");
    }

    [Fact]
    public void The_localizer_reads_each_language_from_its_own_file()
    {
        foreach (var culture in Languages.Supported)
            Assert.Equal(File(culture.Name == "en" ? "Messages.resx" : $"Messages.{culture.Name}.resx")["Survey.DontAsk"], Texts.Text("Survey.DontAsk", culture));
    }

    [Theory]
    [InlineData("de-AT", "de")]
    [InlineData("pt", "pt-BR")]
    [InlineData("pt_BR", "pt-BR")]
    [InlineData("pt-PT", "pt-PT")]
    [InlineData("pt-AO", "pt-PT")]
    [InlineData("ru-RU", "ru")]
    [InlineData("RO", "ro")]
    [InlineData("en-US", "en")]
    public void A_language_tag_finds_its_language(string tag, string language) => Assert.Equal(language, Languages.Match(tag)!.Name);

    [Fact]
    public void A_language_SuccessBot_is_not_written_in_falls_through_to_the_next_one() =>
        Assert.Equal("ru", Languages.First("fr", null, "ru-RU", "de").Name);
}
