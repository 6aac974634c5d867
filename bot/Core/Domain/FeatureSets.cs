namespace SuccessBot.Core.Domain;

/// <summary>
/// Hands out one shared list per distinct set of feature keys. Millions of usage days name a few dozen combinations,
/// so sharing them keeps the read model small (PERFORMANCE.md: the daily run over 100,000 accounts stays under 500 MB).
/// </summary>
public sealed class FeatureSets
{
    private readonly Dictionary<string, string[]> _sets = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Of(IEnumerable<string> features)
    {
        var list = features as string[] ?? features.ToArray();
        if (list.Length == 0) return [];
        var key = string.Join('\u001f', list);
        if (_sets.TryGetValue(key, out var shared)) return shared;
        var interned = list.Select(string.Intern).ToArray();
        _sets[key] = interned;
        return interned;
    }
}
