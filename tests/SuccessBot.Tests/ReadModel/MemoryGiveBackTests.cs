using SuccessBot.Host;
using Xunit;

namespace SuccessBot.Tests.ReadModel;

public class MemoryGiveBackTests
{
    private const long MB = 1024 * 1024;
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    // What a host over 100,000 accounts held after its start-up checks: 549 MB committed for a heap of 374 MB.
    [InlineData(549, 374, null, true)]
    [InlineData(549, 374, 61, true)]
    [InlineData(549, 374, 60, true)]
    // The last give-back less than a minute ago: a full collection a minute at most.
    [InlineData(549, 374, 59, false)]
    // The collector's working room, not a burst's leftovers.
    [InlineData(400, 240, null, false)]
    [InlineData(401, 240, null, true)]
    [InlineData(240, 240, null, false)]
    public void Memory_is_given_back_once_the_collector_holds_more_than_its_room_beyond_the_heap_and_not_twice_a_minute(
        long committedMb, long heapMb, int? secondsSinceLast, bool due)
    {
        var last = secondsSinceLast is { } s ? Now.AddSeconds(-s) : (DateTimeOffset?)null;
        Assert.Equal(due, MemoryGiveBack.IsDue(committedMb * MB, heapMb * MB, last, Now));
    }
}
