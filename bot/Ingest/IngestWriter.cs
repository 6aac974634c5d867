using System.Threading.Channels;

namespace SuccessBot.Ingest;

/// <summary>
/// The one writer of usage events. Requests hand over their checked events and wait; the writer takes everything waiting
/// and stores it in one transaction (group commit), so many small requests cost one write, and a request is answered
/// only once its events are stored.
/// </summary>
public sealed class IngestWriter(UsageRollup rollup, IngestSettings settings, TimeProvider clock, ILogger<IngestWriter> log) : BackgroundService
{
    /// <summary>At most this many events in one transaction, so a burst does not hold the store for long.</summary>
    private const int MaxEventsPerWrite = 5000;

    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(10);

    private sealed record Submission(IReadOnlyList<SegmentEvent> Events, TaskCompletionSource Stored);

    // Bounded: when the store falls behind, requests wait here instead of filling memory.
    private readonly Channel<Submission> _waiting = Channel.CreateBounded<Submission>(new BoundedChannelOptions(2000) { SingleReader = true });

    private DateTimeOffset _lastPublish = DateTimeOffset.MinValue;
    private bool _unpublished;

    /// <summary>Completes when the events are stored; throws if the store could not take them.</summary>
    public async Task StoreAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancel)
    {
        if (events.Count == 0) return;
        var submission = new Submission(events, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _waiting.Writer.WriteAsync(submission, cancel);
        await submission.Stored.Task.WaitAsync(cancel);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextSweep = clock.GetUtcNow();
        var taken = new List<Submission>();
        try
        {
            while (true)
            {
                var ready = _waiting.Reader.WaitToReadAsync(stoppingToken).AsTask();
                if (_unpublished && !await ArrivesBeforePublishDue(ready, stoppingToken))
                {
                    Publish();
                    continue;
                }
                if (!await ready) break;
                taken.Clear();
                var count = 0;
                while (count < MaxEventsPerWrite && _waiting.Reader.TryRead(out var next))
                {
                    taken.Add(next);
                    count += next.Events.Count;
                }
                Write(taken);
                if (clock.GetUtcNow() >= nextSweep)
                {
                    Sweep();
                    nextSweep = clock.GetUtcNow() + SweepEvery;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: whoever still waits is told so rather than left hanging.
            _waiting.Writer.TryComplete();
            while (_waiting.Reader.TryRead(out var left)) left.Stored.TrySetCanceled(stoppingToken);
        }
    }

    private void Write(List<Submission> taken)
    {
        try
        {
            var events = taken.Count == 1 ? taken[0].Events : taken.SelectMany(s => s.Events).ToArray();
            var now = clock.GetUtcNow();
            var publish = now - _lastPublish >= settings.PublishEvery;
            rollup.Apply(events, now, publish);
            if (publish) _lastPublish = now;
            _unpublished = !publish;
            foreach (var s in taken) s.Stored.TrySetResult();
        }
        catch (Exception e) when (e is LiteDB.LiteException or IOException or InvalidOperationException)
        {
            log.LogWarning(e, "Could not store {Count} usage events; the senders are told to retry.", taken.Sum(s => s.Events.Count));
            foreach (var s in taken) s.Stored.TrySetException(e);
        }
    }

    /// <summary>Written but not yet published: waits for more events until the publish is due, and says whether they came first.</summary>
    private async Task<bool> ArrivesBeforePublishDue(Task<bool> ready, CancellationToken stoppingToken)
    {
        var due = _lastPublish + settings.PublishEvery - clock.GetUtcNow();
        if (due <= TimeSpan.Zero) return ready.IsCompleted;
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var first = await Task.WhenAny(ready, Task.Delay(due, clock, stopWaiting.Token));
        stopWaiting.Cancel();
        return first == ready;
    }

    private void Publish()
    {
        try
        {
            rollup.Publish();
            _lastPublish = clock.GetUtcNow();
            _unpublished = false;
        }
        catch (Exception e) when (e is LiteDB.LiteException or IOException)
        {
            log.LogWarning(e, "Could not publish stored usage events to the read model; will try again.");
        }
    }

    private void Sweep()
    {
        try
        {
            var swept = rollup.Sweep(clock.GetUtcNow());
            if (swept.Released > 0) log.LogInformation("Counted {Count} usage events kept aside: their accounts arrived.", swept.Released);
        }
        catch (Exception e) when (e is LiteDB.LiteException or IOException)
        {
            log.LogWarning(e, "Could not trim the raw event window; the next sweep tries again.");
        }
    }
}
