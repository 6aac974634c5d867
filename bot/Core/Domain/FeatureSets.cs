namespace SuccessBot.Core.Domain;

/// <summary>
/// Numbers each distinct set of feature keys and hands out one shared list per set. Millions of usage days name a few
/// dozen combinations, so sharing them keeps the read model small (PERFORMANCE.md: the daily run over 100,000 accounts
/// stays under 500 MB). Number 0 is the empty set.
/// </summary>
public sealed class FeatureSets
{
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly List<string[]> _sets = [[]];

    public IReadOnlyList<string> this[int number] => _sets[number];

    public IReadOnlyList<string> Of(IEnumerable<string> features) => _sets[NumberOf(features)];

    public int NumberOf(IEnumerable<string> features)
    {
        var list = features as IReadOnlyList<string> ?? features.ToArray();
        if (list.Count == 0) return 0;
        var key = string.Join('\u001f', list);
        if (_numbers.TryGetValue(key, out var number)) return number;
        _sets.Add(list.Select(string.Intern).ToArray());
        return _numbers[key] = _sets.Count - 1;
    }
}
