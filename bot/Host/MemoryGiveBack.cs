using System.Diagnostics;

namespace SuccessBot.Host;

/// <summary>
/// Gives the system back the memory the collector kept after a burst of work (the start-up checks, a usage checkpoint, a
/// large import): the collector keeps the regions such a burst needed committed until later collections need them or
/// not, and a host that is quiet afterwards makes none, so it stayed at its peak (700 MB resident over 100,000 accounts
/// with 230 MB of live objects).
/// </summary>
public sealed class MemoryGiveBack(TimeProvider clock, ILogger<MemoryGiveBack> log) : BackgroundService
{
    public static readonly TimeSpan LookEvery = TimeSpan.FromSeconds(5);

    /// <summary>Committed beyond the heap by less than this is the collector's working room, not a burst's leftovers.</summary>
    public const long Slack = 160L * 1024 * 1024;

    /// <summary>At most one give-back a minute: each is a full blocking collection (about 0.1 s for every 100 MB of live objects).</summary>
    public static readonly TimeSpan AtMostEvery = TimeSpan.FromMinutes(1);

    /// <summary>Whether the memory the collector holds beyond the heap it had after its last collection is worth a full collection now.</summary>
    public static bool IsDue(long committedBytes, long heapBytes, DateTimeOffset? lastGiveBack, DateTimeOffset now) =>
        committedBytes - heapBytes > Slack && (lastGiveBack is not { } last || now - last >= AtMostEvery);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset? last = null;
        using var timer = new PeriodicTimer(LookEvery, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var before = GC.GetGCMemoryInfo();
            if (!IsDue(before.TotalCommittedBytes, before.HeapSizeBytes, last, clock.GetUtcNow())) continue;
            var watch = Stopwatch.StartNew();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            last = clock.GetUtcNow();
            var after = GC.GetGCMemoryInfo();
            log.LogDebug("Memory given back: committed {Before} MB, heap {Heap} MB; after a full collection ({Ms:0} ms) {After} MB committed, heap {HeapAfter} MB.",
                before.TotalCommittedBytes >> 20, before.HeapSizeBytes >> 20, watch.Elapsed.TotalMilliseconds, after.TotalCommittedBytes >> 20, after.HeapSizeBytes >> 20);
        }
    }
}
