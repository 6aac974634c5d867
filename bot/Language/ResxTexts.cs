using System.Collections.Concurrent;
using System.Globalization;
using ICU4N.Text;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SuccessBot.Core.Language;

namespace SuccessBot.Language;

/// <summary>
/// The core's texts from the .resx files of <see cref="Messages"/>, read through <see cref="IStringLocalizer"/>; plural
/// categories from ICU's CLDR rules (ICU4N), so that no message carries a language's rules of its own.
/// </summary>
public sealed class ResxTexts : ITexts
{
    private readonly IStringLocalizer _localizer;
    private readonly ConcurrentDictionary<string, PluralRules> _rules = new(StringComparer.Ordinal);

    public ResxTexts(IStringLocalizerFactory factory) => _localizer = factory.Create(typeof(Messages));

    /// <summary>The texts as the host and the command line read them (no localization options to set: the files sit beside <see cref="Messages"/>).</summary>
    public static ResxTexts Create() =>
        new(new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));

    public string Text(string key, CultureInfo culture) => In(culture, () =>
        _localizer[key] is { ResourceNotFound: false } text ? text.Value : throw new KeyNotFoundException($"There is no message {key}."));

    public string PluralOf(double n, CultureInfo culture) => _rules.GetOrAdd(culture.Name, name => PluralRules.GetInstance(CultureInfo.GetCultureInfo(name))).Select(n);

    /// <summary>The localizer reads the current UI culture: the reader's is set around the one lookup.</summary>
    private static T In<T>(CultureInfo culture, Func<T> read)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = culture;
        try
        {
            return read();
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    /// <summary>The plural categories CLDR gives <paramref name="culture"/>'s language (one, few, many, other for Russian).</summary>
    public IReadOnlySet<string> PluralCategoriesOf(CultureInfo culture) =>
        _rules.GetOrAdd(culture.Name, name => PluralRules.GetInstance(CultureInfo.GetCultureInfo(name))).Keywords.ToHashSet(StringComparer.Ordinal);
}
