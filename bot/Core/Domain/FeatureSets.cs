namespace SuccessBot.Core.Domain;

/// <summary>
/// Numbers each distinct set of feature keys and hands out one shared list per set. Millions of usage days name a few
/// dozen combinations, so sharing them keeps the read model small (PERFORMANCE.md: the daily run over 100,000 accounts
/// stays under 500 MB). Number 0 is the empty set. Numbers are only ever added, so a book version reading an older
/// number while a newer version adds one needs no lock.
/// </summary>
public sealed class FeatureSets
{
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly Lock _adding = new();
    private volatile string[][] _sets = [[]];

    public FeatureSets() { }

    /// <summary>A table read back (a snapshot): <paramref name="sets"/>[0] must be the empty set.</summary>
    public FeatureSets(IReadOnlyList<IReadOnlyList<string>> sets)
    {
        foreach (var set in sets.Skip(1)) NumberOf(set);
    }

    public IReadOnlyList<string> this[int number] => _sets[number];

    public IReadOnlyList<IReadOnlyList<string>> All => _sets;

    public IReadOnlyList<string> Of(IEnumerable<string> features)
    {
        // Numbered first: numbering may replace the table.
        var number = NumberOf(features);
        return _sets[number];
    }

    public int NumberOf(IEnumerable<string> features)
    {
        var list = features as IReadOnlyList<string> ?? features.ToArray();
        if (list.Count == 0) return 0;
        var key = string.Join('\u001f', list);
        lock (_adding)
        {
            if (_numbers.TryGetValue(key, out var number)) return number;
            _sets = [.. _sets, list.Select(string.Intern).ToArray()];
            return _numbers[key] = _sets.Length - 1;
        }
    }
}
