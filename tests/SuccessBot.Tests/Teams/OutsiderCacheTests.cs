using Microsoft.Extensions.Time.Testing;
using SuccessBot.Teams;

namespace SuccessBot.Tests.Teams;

/// <summary>How long a roster's answer to "anyone from outside here?" is kept, on a clock the test moves.</summary>
public class OutsiderCacheTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
    private int _reads;

    private Func<Task<bool?>> Roster(bool? outsiders) => () =>
    {
        _reads++;
        return Task.FromResult(outsiders);
    };

    [Fact]
    public async Task A_roster_is_read_once_while_kept_and_again_once_it_expires()
    {
        var cache = new OutsiderCache(_clock);

        Assert.False(await cache.HasOutsidersAsync("19:chat", Roster(false)));
        _clock.Advance(OutsiderCache.Keep - TimeSpan.FromSeconds(1));
        Assert.False(await cache.HasOutsidersAsync("19:chat", Roster(true)));
        Assert.Equal(1, _reads);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await cache.HasOutsidersAsync("19:chat", Roster(true)));
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task A_roster_that_could_not_be_read_counts_as_outsiders_and_is_read_again_next_time()
    {
        var cache = new OutsiderCache(_clock);

        Assert.True(await cache.HasOutsidersAsync("19:chat", Roster(null)));
        Assert.False(await cache.HasOutsidersAsync("19:chat", Roster(false)));

        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task Forgetting_a_roster_reads_it_again_and_other_rosters_stay_kept()
    {
        var cache = new OutsiderCache(_clock);
        await cache.HasOutsidersAsync("19:chat", Roster(false));
        await cache.HasOutsidersAsync("19:team", Roster(false));

        cache.Forget("19:chat");

        Assert.True(await cache.HasOutsidersAsync("19:chat", Roster(true)));
        Assert.False(await cache.HasOutsidersAsync("19:team", Roster(true)));
        Assert.Equal(3, _reads);
    }
}
