namespace SuccessBot.Core.Domain;

/// <summary>
/// The book's accounts by what people type, over the whole book's positions: each name's key (lower case, letters and
/// digits, one space between words), every word of it in order (so "capital" finds "Acme Capital"), and the ids ignoring
/// case. Built on the first question that needs it; versions whose accounts kept their names share it, and a version that
/// only added accounts merges them in.
/// </summary>
public sealed class AccountNames
{
    private readonly string[] _keys;
    // Where each word of each key starts, sorted by the key from that word on (ordinal), then by position.
    private readonly (int Position, int Offset)[] _words;
    private readonly Dictionary<string, int[]> _ids;

    private AccountNames(string[] keys, (int, int)[] words, Dictionary<string, int[]> ids) => (_keys, _words, _ids) = (keys, words, ids);

    /// <summary>The name as compared: lower case, letters and digits, one space between words.</summary>
    public static string KeyOf(string name) =>
        string.Join(' ', new string(name.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : ' ').ToArray()).Split(' ', StringSplitOptions.RemoveEmptyEntries));

    public static AccountNames Of(IReadOnlyList<Account> accounts) =>
        new AccountNames([], [], new(StringComparer.OrdinalIgnoreCase)).With(accounts, 0);

    /// <summary>This index with the accounts at positions <paramref name="from"/> on added (the rest kept their names).</summary>
    public AccountNames With(IReadOnlyList<Account> accounts, int from)
    {
        var keys = new string[accounts.Count];
        Array.Copy(_keys, keys, from);
        var ids = new Dictionary<string, int[]>(_ids, StringComparer.OrdinalIgnoreCase);
        var added = new List<(int Position, int Offset)>();
        for (var p = from; p < accounts.Count; p++)
        {
            keys[p] = KeyOf(accounts[p].Name);
            ids[accounts[p].Id] = ids.TryGetValue(accounts[p].Id, out var same) ? [.. same, p] : [p];
            for (var offset = 0; offset < keys[p].Length; offset = keys[p].IndexOf(' ', offset) is var space and >= 0 ? space + 1 : keys[p].Length)
                added.Add((p, offset));
        }
        var order = Comparer<(int Position, int Offset)>.Create((a, b) =>
            keys[a.Position].AsSpan(a.Offset).SequenceCompareTo(keys[b.Position].AsSpan(b.Offset)) is var c and not 0 ? c : a.Position.CompareTo(b.Position));
        added.Sort(order);
        var words = new (int, int)[_words.Length + added.Count];
        // Both runs are sorted: a merge, not a sort of the whole book again.
        int i = 0, j = 0, k = 0;
        while (i < _words.Length || j < added.Count)
            words[k++] = j == added.Count || (i < _words.Length && order.Compare(_words[i], added[j]) <= 0) ? _words[i++] : added[j++];
        return new AccountNames(keys, words, ids);
    }

    public string KeyAt(int position) => _keys[position];

    /// <summary>Positions of the accounts with this id, ignoring case.</summary>
    public IReadOnlyList<int> WithId(string id) => _ids.TryGetValue(id, out var positions) ? positions : [];

    /// <summary>Positions of the accounts whose key starts with <paramref name="prefix"/> (equal included), ascending.</summary>
    public IEnumerable<int> Starting(string prefix) => Matching(prefix, wholeKeyOnly: true);

    /// <summary>Positions of the accounts with a word of the key that starts with <paramref name="prefix"/>, ascending, each once.</summary>
    public IEnumerable<int> WithAWordStarting(string prefix) => Matching(prefix, wholeKeyOnly: false);

    private IEnumerable<int> Matching(string prefix, bool wholeKeyOnly)
    {
        var found = new SortedSet<int>();
        for (var i = FirstNotBefore(prefix); i < _words.Length && Tail(_words[i]).StartsWith(prefix, StringComparison.Ordinal); i++)
            if (!wholeKeyOnly || _words[i].Offset == 0) found.Add(_words[i].Position);
        return found;
    }

    private ReadOnlySpan<char> Tail((int Position, int Offset) word) => _keys[word.Position].AsSpan(word.Offset);

    private int FirstNotBefore(string prefix)
    {
        int low = 0, high = _words.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (Tail(_words[middle]).SequenceCompareTo(prefix) < 0) low = middle + 1;
            else high = middle;
        }
        return low;
    }
}
