using SuccessBot.Core.Storage;
using SuccessBot.Core.Chat;
using System.Threading.Channels;

namespace SuccessBot.Ingest;

/// <summary>
/// The one writer of usage events. Requests hand over their checked events and wait; the writer takes everything waiting,
/// counts it in memory and appends it to the event log with one flush to disk (group commit), then answers them all. Every
/// <see cref="IngestSettings.PublishEvery"/> a checkpoint writes what changed to the store beside the requests, so the
/// store's slower writes stay off the request path. On a store several hosts share (<see cref="SharedEventLog"/>) the writer
/// answers once the events are committed to the database, and only the host that leads counts them, from the database in order.
/// </summary>
public sealed class IngestWriter(UsageRollup rollup, IChangeFeed feed, EventLogFolder folder, IUsageLog usageLog, IngestSettings settings, IBookSource books,
    TimeProvider clock, ILogger<IngestWriter> log) : BackgroundService
{
    /// <summary>Why usage events are refused although configured (the event log is another store's); null when on.</summary>
    public string? Off => _shared is null ? folder.Refusal : null;

    /// <summary>Where accepted events are kept, for the start line.</summary>
    public string LogIs => _shared is null ? folder.Path : "the database (every host commits what it takes; the host that leads counts it)";

    private readonly SharedEventLog? _shared = usageLog as SharedEventLog;

    /// <summary>How often a host that does not lead tries to take the lead, and one that leads checks that it still does.</summary>
    private static readonly TimeSpan LeadCheckEvery = TimeSpan.FromSeconds(1);

    private IUsageLead? _lead;
    private DateTimeOffset _nextLeadCheck;

    // Set by another host's commit (LISTEN/NOTIFY), and by this host's: the one that leads counts what came.
    private readonly Channel<bool> _appended = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>At most this many events in one write, so one flush does not keep the first request waiting for long.</summary>
    private const int MaxEventsPerWrite = 5000;

    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(10);

    private sealed record Submission(IReadOnlyList<SegmentEvent> Events, TaskCompletionSource Stored);

    // Bounded: when the writer falls behind, requests wait here instead of filling memory.
    private readonly Channel<Submission> _waiting = Channel.CreateBounded<Submission>(new BoundedChannelOptions(2000) { SingleReader = true });

    private UsageRollup.Checkpoint? _checkpoint;
    private Task? _storing;
    private DateTimeOffset _checkpointStarted, _nextCheckpoint, _nextSweep;
    private bool _unsaved, _broken;

    /// <summary>
    /// Completes when the events are on disk and counted; throws if they could not be taken. Once handed over it waits for
    /// the writer even if the sender has gone: the events read the request's buffer until then.
    /// </summary>
    public async Task StoreAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancel)
    {
        if (events.Count == 0) return;
        var submission = new Submission(events, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _waiting.Writer.WriteAsync(submission, cancel);
        await submission.Stored.Task;
    }

    /// <summary>
    /// Recovers the rollup (the last checkpoint plus the log after it) before the host takes requests, and checkpoints what
    /// it replayed, so the first answers already count the events a crash left in the log only. The replay reads imported
    /// usage rows from the book, so it waits for the book to be ready.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_shared is not null)
        {
            await books.WhenReady.WaitAsync(cancellationToken);
            await base.StartAsync(cancellationToken);
            return;
        }
        if (folder.Note is { } note) log.LogWarning("Usage events: {Note}", note);
        // Nothing is replayed or written: the endpoints answer 503 with the reason, and senders retry later.
        if (Off is not null) return;
        await books.WhenReady.WaitAsync(cancellationToken);
        var replayed = rollup.Recover();
        _nextCheckpoint = clock.GetUtcNow() + settings.PublishEvery;
        if (replayed > 0)
        {
            log.LogInformation("Replayed {Count} usage events logged after the last checkpoint.", replayed);
            await CheckpointNowAsync();
        }
        await base.StartAsync(cancellationToken);
    }

    /// <remarks>
    /// On a shared log the writer commits what requests bring and answers them, and leads the counting when no other host does
    /// (or when the one that did is gone): then it counts every host's events in order and checkpoints them.
    /// </remarks>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopListening = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var listening = _shared?.Log.FollowAsync(() => _appended.Writer.TryWrite(true),
            lost => log.LogWarning("Usage event notifications: {Problem}; listening again in a second.", lost.Message), stopListening.Token) ?? Task.CompletedTask;
        var taken = new List<Submission>();
        try
        {
            while (true)
            {
                var ready = _waiting.Reader.WaitToReadAsync(stoppingToken).AsTask();
                await (_shared is null ? WakeAsync(ready, stoppingToken) : WakeSharedAsync(ready, stoppingToken));
                if (_storing is { IsCompleted: true }) EndCheckpoint();
                if (ready.IsCompleted)
                {
                    if (!await ready) break;
                    Take(taken);
                    await (_shared is null ? WriteAsync(taken) : CommitAsync(_shared, taken));
                }
                if (_shared is not null) await LeadAsync(_shared);
                if (_lead is not null) await CountAsync();
                if ((_shared is null || _lead is not null) && _storing is null && _unsaved && clock.GetUtcNow() >= _nextCheckpoint) BeginCheckpoint();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: whoever still waits is told so rather than left hanging.
            _waiting.Writer.TryComplete();
            while (_waiting.Reader.TryRead(out var left)) left.Stored.TrySetCanceled(stoppingToken);
        }
        stopListening.Cancel();
        await listening;
        // A host that does not lead has counted nothing.
        if (_shared is not null && _lead is null) return;
        // What was counted goes to the store now, so the next start (or the host that leads next) has little to replay.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await CheckpointNowAsync();
        log.LogInformation("Usage events checkpointed at stop in {Ms:0} ms.", watch.ElapsedMilliseconds);
        _lead?.Dispose();
        _lead = null;
    }

    private void Take(List<Submission> taken)
    {
        taken.Clear();
        var count = 0;
        while (count < MaxEventsPerWrite && _waiting.Reader.TryRead(out var next))
        {
            taken.Add(next);
            count += next.Events.Count;
        }
    }

    /// <summary>Commits the requests' events in one transaction and answers them: a 200 means the rows are in the database.</summary>
    private async Task CommitAsync(SharedEventLog shared, List<Submission> taken)
    {
        var events = taken.Count == 1 ? taken[0].Events : taken.SelectMany(s => s.Events).ToArray();
        try
        {
            await Task.Run(() => shared.Commit(events, clock.GetUtcNow()));
        }
        catch (Exception e) when (feed.IsStoreFault(e))
        {
            log.LogWarning(e, "Could not commit {Count} usage events; the senders are told to retry.", events.Count);
            foreach (var s in taken) s.Stored.TrySetException(e);
            return;
        }
        foreach (var s in taken) s.Stored.TrySetResult();
        _appended.Writer.TryWrite(true);
    }

    /// <summary>Takes the lead when no host holds it (counting from the last checkpoint, whoever wrote it), and lets it go when its connection is lost.</summary>
    private async Task LeadAsync(SharedEventLog shared)
    {
        var now = clock.GetUtcNow();
        if (now < _nextLeadCheck) return;
        _nextLeadCheck = now + LeadCheckEvery;
        try
        {
            if (_lead is not null)
            {
                if (_lead.Held()) return;
                log.LogWarning("Usage events: this host lost the lead of counting (its connection to the database); another host takes it.");
                _lead.Dispose();
                _lead = null;
            }
            if (shared.Log.TryLead() is not { } lead) return;
            _lead = lead;
            await RecoverAsync();
            _nextCheckpoint = clock.GetUtcNow() + settings.PublishEvery;
            log.LogInformation("Usage events: this host leads the counting, from the last checkpoint on.");
        }
        catch (Exception e) when (feed.IsStoreFault(e))
        {
            log.LogWarning("Usage events: could not take the lead of counting ({Problem}); trying again in a second.", e.Message);
            _lead?.Dispose();
            _lead = null;
        }
    }

    /// <summary>Counts what any host committed since; a failure leaves memory to be built again from the checkpoint.</summary>
    private async Task CountAsync()
    {
        try
        {
            if (_broken) await RecoverAsync();
            if (rollup.CatchUp(MaxEventsPerWrite) == 0) return;
            // More may be waiting: the next turn of the loop counts on.
            _appended.Writer.TryWrite(true);
            _unsaved = true;
        }
        catch (Exception e) when (feed.IsStoreFault(e) || e is InvalidOperationException)
        {
            log.LogWarning(e, "Could not count usage events; they stay in the database and are counted after a recovery.");
            _broken = true;
            return;
        }
        if (settings.PublishEvery == TimeSpan.Zero) await CheckpointNowAsync();
        if (clock.GetUtcNow() >= _nextSweep) Sweep();
    }

    /// <summary>Waits for requests, for events committed (by any host), for a checkpoint to finish or be due, or for the next look at the lead.</summary>
    private async Task WakeSharedAsync(Task<bool> ready, CancellationToken stoppingToken)
    {
        if (ready.IsCompleted) return;
        var now = clock.GetUtcNow();
        var due = _nextLeadCheck - now;
        if (_lead is not null && _storing is null && _unsaved && _nextCheckpoint - now < due) due = _nextCheckpoint - now;
        if (due <= TimeSpan.Zero) return;
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var waits = new List<Task> { ready, _appended.Reader.ReadAsync(stopWaiting.Token).AsTask(), Task.Delay(due, clock, stopWaiting.Token) };
        if (_storing is not null) waits.Add(_storing);
        await Task.WhenAny(waits);
        stopWaiting.Cancel();
    }

    /// <summary>Waits for requests, for the checkpoint being stored to finish, or for the next checkpoint to be due.</summary>
    private async Task WakeAsync(Task<bool> ready, CancellationToken stoppingToken)
    {
        if (ready.IsCompleted) return;
        if (_storing is not null)
        {
            await Task.WhenAny(ready, _storing);
            return;
        }
        if (!_unsaved)
        {
            await ready;
            return;
        }
        var due = _nextCheckpoint - clock.GetUtcNow();
        if (due <= TimeSpan.Zero) return;
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        await Task.WhenAny(ready, Task.Delay(due, clock, stopWaiting.Token));
        stopWaiting.Cancel();
    }

    private async Task WriteAsync(List<Submission> taken)
    {
        var events = taken.Count == 1 ? taken[0].Events : taken.SelectMany(s => s.Events).ToArray();
        try
        {
            if (_broken) await RecoverAsync();
            rollup.Accept(events, clock.GetUtcNow());
            _unsaved = true;
        }
        catch (Exception e) when (feed.IsStoreFault(e) || e is InvalidOperationException)
        {
            log.LogWarning(e, "Could not take {Count} usage events; the senders are told to retry.", events.Count);
            foreach (var s in taken) s.Stored.TrySetException(e);
            // What is in memory may be half-changed: it is built again from the checkpoint and the log.
            _broken = true;
            await TryRecoverAsync();
            return;
        }
        // Without a publish interval every write is in the store before the answer (tests, and hosts that want it).
        if (settings.PublishEvery == TimeSpan.Zero) await CheckpointNowAsync();
        // The sweep (every 10 minutes) goes before the answer, so a sender never sees files of the window it trims.
        if (clock.GetUtcNow() >= _nextSweep) Sweep();
        foreach (var s in taken) s.Stored.TrySetResult();
    }

    private async Task TryRecoverAsync()
    {
        try
        {
            await RecoverAsync();
        }
        catch (Exception e) when (feed.IsStoreFault(e))
        {
            log.LogWarning(e, "Could not recover the usage rollup; the next write tries again.");
        }
    }

    private async Task RecoverAsync()
    {
        if (_storing is not null)
        {
            await _storing.ContinueWith(_ => { }, TaskScheduler.Default);
            EndCheckpoint();
        }
        // What the log held past the checkpoint is counted again in memory only: the next checkpoint stores it.
        _unsaved |= rollup.Recover() > 0;
        _broken = false;
    }

    private void BeginCheckpoint()
    {
        _checkpointStarted = clock.GetUtcNow();
        _unsaved = false;
        _checkpoint = rollup.BeginCheckpoint();
        if (_checkpoint is null) return;
        var (checkpoint, lead) = (_checkpoint, _lead);
        _storing = Task.Run(() => rollup.Store(checkpoint, lead));
    }

    private void EndCheckpoint()
    {
        var failed = _storing!.Exception?.GetBaseException();
        if (failed is LeadLost lost)
        {
            log.LogWarning("Usage events: this host's checkpoint was refused: {Reason}. It no longer leads the counting; the host that leads counts on from its own checkpoint.", lost.Message);
            _lead?.Dispose();
            _lead = null;
        }
        else if (failed is not null) log.LogWarning(failed, "Could not checkpoint usage events to the store; they are in the event log, and the next checkpoint tries again.");
        rollup.EndCheckpoint(_checkpoint!, stored: failed is null);
        log.LogDebug("Usage checkpoint of {Days} days at {Position}: {Seconds:0.0} s.", _checkpoint!.Days.Count, _checkpoint.Position, (clock.GetUtcNow() - _checkpointStarted).TotalSeconds);
        // Under a heavy stream a checkpoint takes seconds: the next one waits twice as long, so storing takes at most a third of the time.
        var now = clock.GetUtcNow();
        _nextCheckpoint = Max(_checkpointStarted + settings.PublishEvery, now + 2 * (now - _checkpointStarted));
        _unsaved |= failed is not null;
        _storing = null;
        _checkpoint = null;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private async Task CheckpointNowAsync()
    {
        if (_storing is not null)
        {
            await _storing.ContinueWith(_ => { }, TaskScheduler.Default);
            EndCheckpoint();
        }
        if (_broken) return;
        BeginCheckpoint();
        if (_storing is null) return;
        await _storing.ContinueWith(_ => { }, TaskScheduler.Default);
        EndCheckpoint();
    }

    private void Sweep()
    {
        try
        {
            _nextSweep = clock.GetUtcNow() + SweepEvery;
            var released = rollup.Sweep(clock.GetUtcNow());
            _unsaved = true;
            if (released > 0) log.LogInformation("Counted {Count} usage events kept aside: their accounts arrived.", released);
        }
        catch (Exception e) when (feed.IsStoreFault(e))
        {
            log.LogWarning(e, "Could not trim the raw event window; the next sweep tries again.");
            // Events kept aside may have been counted half-way: memory is built again before the next write.
            _broken = true;
        }
    }
}
