using System.Globalization;
using System.Text.RegularExpressions;

namespace SuccessBot.Core.Time;

/// <summary>
/// The period words of German, Portuguese, Romanian and Russian, word by word as the English ones they say ("letzten Monat",
/// "mês passado", "luna trecută", "прошлый месяц" are "last month"; "3. Quartal 2026", "T3 2026" are "q3 2026"), so that one
/// parser reads them all. Month names come from each culture's calendar, in every case it writes them.
/// </summary>
public static partial class OtherLanguages
{
    private static readonly string[] Cultures = ["de", "pt-BR", "pt-PT", "ro", "ru"];

    /// <summary>Words that say nothing a period needs ("im", "no", "în", "в", "de").</summary>
    private static readonly HashSet<string> Fillers = new(StringComparer.Ordinal)
    {
        "im", "in", "den", "der", "die", "das", "dem", "no", "na", "nos", "nas", "do", "da", "dos", "das", "o", "a", "os", "as", "de",
        "în", "pe", "la", "в", "во", "за", "на",
    };

    private static readonly Dictionary<string, string> Words = new(StringComparer.Ordinal)
    {
        // German
        ["letzten"] = "last", ["letzte"] = "last", ["letzter"] = "last", ["letztes"] = "last", ["vorigen"] = "last", ["voriger"] = "last", ["vorige"] = "last",
        ["vergangenen"] = "last", ["vergangene"] = "last", ["vergangener"] = "last", ["nächsten"] = "next", ["nächste"] = "next", ["nächster"] = "next", ["nächstes"] = "next",
        ["kommenden"] = "next", ["kommende"] = "next", ["diesen"] = "this", ["dieser"] = "this", ["dieses"] = "this", ["diese"] = "this", ["diesem"] = "this",
        ["aktuellen"] = "this", ["laufenden"] = "this", ["monat"] = "month", ["monate"] = "months", ["monaten"] = "months", ["monats"] = "month",
        ["quartal"] = "quarter", ["quartale"] = "quarters", ["quartalen"] = "quarters", ["quartals"] = "quarter", ["jahr"] = "year", ["jahre"] = "years", ["jahren"] = "years", ["jahres"] = "year",
        ["tag"] = "day", ["tage"] = "days", ["tagen"] = "days", ["woche"] = "week", ["wochen"] = "weeks", ["heute"] = "today", ["gestern"] = "yesterday",
        ["seit"] = "since", ["zwischen"] = "between", ["und"] = "and", ["von"] = "from", ["vom"] = "from", ["bis"] = "to", ["zum"] = "to",
        // Portuguese
        ["passado"] = "last", ["passada"] = "last", ["anterior"] = "last", ["último"] = "last", ["últimos"] = "last", ["última"] = "last", ["últimas"] = "last",
        ["ultimo"] = "last", ["ultimos"] = "last", ["ultima"] = "last", ["ultimas"] = "last", ["próximo"] = "next", ["próximos"] = "next", ["próxima"] = "next",
        ["próximas"] = "next", ["proximo"] = "next", ["proximos"] = "next", ["proxima"] = "next", ["proximas"] = "next", ["este"] = "this", ["esta"] = "this",
        ["neste"] = "this", ["nesta"] = "this", ["esse"] = "this", ["essa"] = "this", ["nesse"] = "this", ["nessa"] = "this", ["atual"] = "this", ["corrente"] = "this",
        ["mês"] = "month", ["mes"] = "month", ["meses"] = "months", ["trimestre"] = "quarter", ["trimestres"] = "quarters", ["ano"] = "year", ["anos"] = "years",
        ["dia"] = "day", ["dias"] = "days", ["semana"] = "week", ["semanas"] = "weeks", ["hoje"] = "today", ["ontem"] = "yesterday", ["desde"] = "since",
        ["entre"] = "between", ["e"] = "and", ["até"] = "to",
        // Romanian
        ["trecută"] = "last", ["trecuta"] = "last", ["trecut"] = "last", ["trecutul"] = "last", ["precedentă"] = "last", ["precedent"] = "last",
        ["ultimele"] = "last", ["ultimii"] = "last", ["ultimul"] = "last", ["următoarele"] = "next", ["următorii"] = "next", ["următoarea"] = "next",
        ["următorul"] = "next", ["viitoare"] = "next", ["viitor"] = "next", ["viitorul"] = "next", ["această"] = "this", ["aceasta"] = "this", ["acest"] = "this",
        ["acesta"] = "this", ["curentă"] = "this", ["curent"] = "this", ["luna"] = "month", ["lună"] = "month", ["luni"] = "months", ["lunile"] = "months",
        ["trimestrul"] = "quarter", ["trimestru"] = "quarter", ["anul"] = "year", ["an"] = "year", ["ani"] = "years", ["ziua"] = "day", ["zi"] = "day", ["zile"] = "days",
        ["zilele"] = "days", ["săptămâna"] = "week", ["săptămână"] = "week", ["săptămâni"] = "weeks", ["săptămânile"] = "weeks", ["azi"] = "today", ["astăzi"] = "today",
        ["ieri"] = "yesterday", ["din"] = "since", ["între"] = "between", ["și"] = "and",
        // Russian
        ["прошлый"] = "last", ["прошлом"] = "last", ["прошлого"] = "last", ["прошлая"] = "last", ["прошлой"] = "last", ["прошлую"] = "last", ["прошлое"] = "last",
        ["предыдущий"] = "last", ["предыдущем"] = "last", ["предыдущие"] = "last", ["последние"] = "last", ["последний"] = "last", ["последних"] = "last",
        ["этот"] = "this", ["этом"] = "this", ["эта"] = "this", ["этой"] = "this", ["это"] = "this", ["эту"] = "this", ["текущий"] = "this", ["текущем"] = "this",
        ["текущая"] = "this", ["следующий"] = "next", ["следующем"] = "next", ["следующая"] = "next", ["следующие"] = "next", ["следующей"] = "next",
        ["следующих"] = "next", ["ближайшие"] = "next", ["ближайших"] = "next", ["месяц"] = "month", ["месяце"] = "month", ["месяца"] = "months", ["месяцев"] = "months",
        ["квартал"] = "quarter", ["квартале"] = "quarter", ["квартала"] = "quarters", ["кварталов"] = "quarters", ["год"] = "year", ["году"] = "year", ["года"] = "years",
        ["лет"] = "years", ["день"] = "day", ["дня"] = "days", ["дней"] = "days", ["неделя"] = "week", ["неделю"] = "week", ["неделе"] = "week", ["недели"] = "weeks",
        ["недель"] = "weeks", ["сегодня"] = "today", ["вчера"] = "yesterday", ["с"] = "since", ["между"] = "between", ["и"] = "and", ["по"] = "to",
    };

    /// <summary>Two words that say one: "que vem" (next), "de la" (since).</summary>
    private static readonly Dictionary<string, string> Pairs = new(StringComparer.Ordinal) { ["que vem"] = "next", ["de la"] = "since" };

    /// <summary>Every month name of the other languages (nominative, genitive, abbreviated), as the English parser knows it.</summary>
    private static readonly Dictionary<string, string> Months = MonthNames();

    private static Dictionary<string, string> MonthNames()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Cultures)
        {
            var format = CultureInfo.GetCultureInfo(name).DateTimeFormat;
            for (var m = 0; m < 12; m++)
            {
                var english = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[m].ToLowerInvariant();
                foreach (var own in new[] { format.MonthNames[m], format.MonthGenitiveNames[m], format.AbbreviatedMonthNames[m], format.AbbreviatedMonthGenitiveNames[m] })
                    if (own.Trim('.').ToLowerInvariant() is { Length: >= 3 } word) names.TryAdd(word, english);
            }
        }
        return names;
    }

    private static readonly HashSet<string> Units = ["day", "days", "week", "weeks", "month", "months", "quarter", "quarters", "year", "years"];
    private static readonly HashSet<string> Directions = ["last", "next", "this"];

    /// <summary>The English period words for <paramref name="lower"/> (lower case), or null when a word is neither a period word of these languages nor a number.</summary>
    public static string? InEnglish(string lower)
    {
        var quarter = Quarter().Replace(lower, m => $"q{m.Groups["q"].Value}");
        var words = new List<string>();
        var parts = quarter.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            if (i + 1 < parts.Length && Pairs.TryGetValue($"{parts[i]} {parts[i + 1]}", out var pair)) { words.Add(pair); i++; continue; }
            var word = parts[i];
            if (Words.TryGetValue(word, out var english)) words.Add(english);
            else if (Months.TryGetValue(word.TrimEnd('.'), out var month)) words.Add(month);
            else if (Fillers.Contains(word)) continue;
            else if (word.Any(char.IsDigit) || Directions.Contains(word) || Units.Contains(word)) words.Add(word);
            else return null;
        }
        // "mês passado", "luna trecută", "ano que vem": the word for last, next or this comes after the unit.
        for (var i = 0; i + 1 < words.Count; i++)
            if (Units.Contains(words[i]) && Directions.Contains(words[i + 1]) && (i == 0 || !Directions.Contains(words[i - 1])))
                (words[i], words[i + 1]) = (words[i + 1], words[i]);
        return words.Count == 0 ? null : string.Join(' ', words);
    }

    /// <summary>"3. quartal", "3º trimestre", "3.º trimestre" (as Portugal writes it), "trimestrul 3", "3-й квартал", "3 квартал", "t3": the third quarter.</summary>
    [GeneratedRegex(@"\b(?<q>[1-4])(?:\.º|\.|º|ª|°|o|-й|-ий)? ?(?:quartal|trimestre|квартал[а-я]*)|\btrimestrul (?<q>[1-4])\b|\bt(?<q>[1-4])\b")]
    private static partial Regex Quarter();
}
