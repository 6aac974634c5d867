using System.Collections.Concurrent;

namespace SuccessBot.Core.Nudges;

/// <summary>
/// Each recipient's time zone (for quiet hours and the day of their budget), as the first channel that knows it says, the
/// team's otherwise; kept for <see cref="Kept"/>, so a delivery round every few seconds does not ask Slack again each time.
/// </summary>
public sealed class RecipientZones(IEnumerable<IChatChannel> channels, TimeZoneInfo teamZone, TimeProvider clock)
{
    /// <summary>A zone changes when its person travels: an hour late at worst.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromHours(1);

    private readonly IChatChannel[] _channels = channels.ToArray();
    private readonly ConcurrentDictionary<string, (TimeZoneInfo Zone, DateTimeOffset Until)> _known = new(StringComparer.OrdinalIgnoreCase);

    public async Task<TimeZoneInfo> OfAsync(string email, CancellationToken cancel)
    {
        var key = email.Trim();
        var now = clock.GetUtcNow();
        if (_known.TryGetValue(key, out var known) && now < known.Until) return known.Zone;
        var zone = teamZone;
        var certain = true;
        foreach (var channel in _channels)
        {
            try
            {
                if (await channel.TimeZoneOfAsync(key, cancel) is not { } told) continue;
                zone = told;
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
            {
                // The channel cannot say now (down, rate limited): the next one may, and the next round asks this one again.
                certain = false;
            }
        }
        if (!certain) return zone;
        _known[key] = (zone, now + Kept);
        return zone;
    }
}
