using System.Collections.Concurrent;

namespace SuccessBot.Teams;

/// <summary>
/// Whether a conversation's roster (a group chat's, a team's) has people from outside, as last read: kept for
/// <see cref="Keep"/>, so that a busy channel costs one roster read then and not one per shareable answer. A member
/// joining forgets it at once; a roster that could not be read is not kept.
/// </summary>
public sealed class OutsiderCache(TimeProvider clock)
{
    public static readonly TimeSpan Keep = TimeSpan.FromMinutes(10);
    private const int MaxRosters = 10_000;
    private readonly ConcurrentDictionary<string, (bool Outsiders, DateTimeOffset Until)> _rosters = new(StringComparer.Ordinal);

    /// <param name="read">Reads the roster: whether it has outsiders, or null when it cannot be read (then there may be).</param>
    public async Task<bool> HasOutsidersAsync(string roster, Func<Task<bool?>> read)
    {
        if (_rosters.TryGetValue(roster, out var known) && known.Until > clock.GetUtcNow()) return known.Outsiders;
        if (await read() is not { } outsiders) return true;
        var now = clock.GetUtcNow();
        if (_rosters.Count >= MaxRosters)
            foreach (var (key, entry) in _rosters)
                if (entry.Until <= now) _rosters.TryRemove(key, out _);
        if (_rosters.Count < MaxRosters) _rosters[roster] = (outsiders, now + Keep);
        return outsiders;
    }

    public void Forget(string roster) => _rosters.TryRemove(roster, out _);
}
