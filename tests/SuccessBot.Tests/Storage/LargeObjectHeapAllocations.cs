using System.Diagnostics.Tracing;
using System.Runtime.InteropServices;

namespace SuccessBot.Tests.Storage;

/// <summary>
/// Counts what this thread puts on the large object heap while it lives, from the runtime's own allocation events (one
/// about every 100 KB allocated of a kind), so that a test reads memory rather than a setting it wrote.
/// </summary>
public sealed class LargeObjectHeapAllocations : EventListener
{
    private const int AllocationTick = 10, LargeObjectHeap = 1;
    private const EventKeywords GarbageCollector = (EventKeywords)0x1;
    private readonly long _thread = gettid();
    private long _bytes, _events;

    public long OnThisThread()
    {
        // Runtime events reach a listener a moment after they happen: wait until they stop coming.
        var seen = -1L;
        for (var quiet = 0; quiet < 5; quiet = Interlocked.Read(ref _events) == seen ? quiet + 1 : 0)
        {
            seen = Interlocked.Read(ref _events);
            Thread.Sleep(200);
        }
        return Interlocked.Read(ref _bytes);
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GarbageCollector);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        Interlocked.Increment(ref _events);
        if (e.EventId != AllocationTick || e.OSThreadId != _thread || e.Payload is null) return;
        var kind = Convert.ToInt32(e.Payload[e.PayloadNames!.IndexOf("AllocationKind")]);
        if (kind == LargeObjectHeap) Interlocked.Add(ref _bytes, Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")]));
    }

    [DllImport("libc")]
    private static extern int gettid();
}
