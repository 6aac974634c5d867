using System.Diagnostics;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Storage;
using SuccessBot.Storage;

namespace SuccessBot.Host;

/// <summary>
/// The book every answer is computed from. At start it reads the snapshot beside the store (or the whole store when there is
/// no usable snapshot), then follows the store's change log: <see cref="Refresh"/> applies the entries after its version, at a
/// cost proportional to what they wrote, whether this process wrote them (a click) or another one did (`import`, `check`).
/// A change it cannot apply is logged and the book is loaded whole once, rather than drift from the store. Usage older than
/// `Storage:UsageHistoryDays` is kept as weekly rollups (<see cref="BookOfBusiness.WithDailyUsageFrom"/>), so the book stops growing by a day's row per account.
/// </summary>
public sealed class BookReadModel(IBookStore store, IChangeFeed feed, StoreFiles files, DailyUsage daily, TeamSettings team, TimeProvider clock, ILogger<BookReadModel> log) : IBookSource
{
    private volatile Snapshot _current = new(BookOfBusiness.Empty, -1);
    private readonly Lock _following = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record Snapshot(BookOfBusiness Book, long Version);

    public BookOfBusiness Current => _current.Book;

    public long Version => _current.Version;

    public bool IsReady => _ready.Task.IsCompleted;

    public Task WhenReady => _ready.Task;

    public string SnapshotPath => files.Snapshot;

    /// <summary>The version of the snapshot the book was read from at start; null when it was loaded whole.</summary>
    public long? StartedFromSnapshot { get; private set; }

    /// <summary>Makes the book ready: from the snapshot and the log after it when they serve this store, else from the whole store.</summary>
    public void Load()
    {
        lock (_following)
        {
            if (IsReady) return;
            var watch = Stopwatch.StartNew();
            var snapshot = BookSnapshot.Read(SnapshotPath, feed.StoreId, out var whyNot);
            if (snapshot is { } taken && taken.Version > feed.DataVersion) whyNot = "it is ahead of the store";
            else if (snapshot is { } usable)
            {
                Keep(usable.Book, usable.Version);
                if (FollowLog())
                {
                    StartedFromSnapshot = usable.Version;
                    log.LogInformation("Read model ready from its snapshot (version {Snapshot}) and the change log: {Accounts} accounts, data version {Version}, in {Ms:0} ms.",
                        usable.Version, Current.Count, Version, watch.ElapsedMilliseconds);
                    ReturnTheLoadsGarbage();
                    _ready.TrySetResult();
                    return;
                }
                whyNot = "the change log no longer reaches back to it";
            }
            log.LogInformation("Loading the whole book from the store (no snapshot used: {Why}).", whyNot);
            LoadWhole();
            log.LogInformation("Read model ready: {Accounts} accounts, data version {Version}, in {Ms:0} ms.", Current.Count, Version, watch.ElapsedMilliseconds);
            ReturnTheLoadsGarbage();
            _ready.TrySetResult();
        }
    }

    // A load leaves hundreds of MB of garbage behind once (documents, lists being grown); a compacting collection returns it to
    // the system before the host serves, instead of leaving the process that much larger for good.
    private static void ReturnTheLoadsGarbage() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>Applies what the store's change log holds after this book's version (loads the book first if it is not ready); true when there was something new.</summary>
    public bool Refresh()
    {
        lock (_following)
        {
            if (!IsReady)
            {
                Load();
                return true;
            }
            var before = Version;
            if (!FollowLog()) LoadWhole();
            // A new week rolls the oldest daily week up, with or without a write.
            Keep(_current.Book, _current.Version);
            return Version != before;
        }
    }

    /// <summary>Writes the snapshot of the current book beside the store (a background step: the book is immutable).</summary>
    public long WriteSnapshot()
    {
        var at = _current;
        BookSnapshot.Write(SnapshotPath, feed.StoreId, at.Version, at.Book);
        return at.Version;
    }

    private bool FollowLog()
    {
        var at = _current;
        IReadOnlyList<(long Version, BookChange Change)>? changes;
        try { changes = feed.ChangesAfter(at.Version); }
        catch (ChangeNotApplicable bad)
        {
            log.LogWarning("The change log could not be read, so the whole book is loaded again: {Problem}", bad.Message);
            return false;
        }
        if (changes is null) return false;
        if (changes.Count == 0) return true;
        try
        {
            Keep(at.Book.Apply(changes.Select(c => c.Change)), changes[^1].Version);
            return true;
        }
        catch (ChangeNotApplicable bad)
        {
            log.LogWarning("A change after version {Version} could not be applied, so the whole book is loaded again: {Problem}", at.Version, bad.Message);
            return false;
        }
    }

    private void LoadWhole()
    {
        var (book, version) = store.LoadBookAndVersion();
        Keep(book, version);
    }

    private void Keep(BookOfBusiness book, long version)
    {
        var rolled = book.WithDailyUsageFrom(team.Today(clock.GetUtcNow()).AddDays(-daily.Days));
        if (!ReferenceEquals(rolled, _current.Book) || version != _current.Version) _current = new Snapshot(rolled, version);
    }
}

/// <summary>How many days of usage the read model keeps day by day (`Storage:UsageHistoryDays`); older usage is kept by the week.</summary>
public sealed record DailyUsage(int Days)
{
    /// <summary>15 months.</summary>
    public const int DefaultDays = 456;

    /// <summary>The 12 weeks `health ACCOUNT` draws, and the 8 the health score reads, stay daily.</summary>
    public const int MinDays = 84;

    public static DailyUsage From(IConfiguration config) => new(Settings.WholeNumber(config, "Storage:UsageHistoryDays", DefaultDays, min: MinDays));
}

/// <summary>
/// Makes the read model ready at start (waiting up to `Storage:StartWaitSeconds` before the host listens, so a small book
/// is never seen half-loaded, while a large one goes on loading as /healthz says "starting"), then follows the store's
/// change log every `Storage:PollSeconds`, and keeps the snapshot beside the store up to date (`Storage:SnapshotSeconds`).
/// </summary>
public sealed class ReadModelRefresher(BookReadModel model, IChangeFeed feed, IConfiguration config, TimeProvider clock, ILogger<ReadModelRefresher> log) : BackgroundService
{
    private long _snapshotVersion = -1;
    private long? _snapshotTriedAt;
    private Task? _loading;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _loading = Task.Run(model.Load, CancellationToken.None);
        var wait = TimeSpan.FromSeconds(Settings.Number(config, "Storage:StartWaitSeconds", 3.0));
        await Task.WhenAny(_loading, Task.Delay(wait, cancellationToken));
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _loading!.WaitAsync(stoppingToken);
        var every = TimeSpan.FromSeconds(Settings.Number(config, "Storage:PollSeconds", 2.0));
        var snapshotEvery = TimeSpan.FromSeconds(Settings.Number(config, "Storage:SnapshotSeconds", 60.0));
        // A book read from its snapshot has one already: the next is written after the usual interval, not during the start.
        if (model.StartedFromSnapshot is { } read) (_snapshotVersion, _snapshotTriedAt) = (read, clock.GetTimestamp());
        TakeSnapshotIfBehind(snapshotEvery);
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                model.Refresh();
                TakeSnapshotIfBehind(snapshotEvery);
            }
            catch (Exception e) when (feed.IsStoreFault(e))
            {
                // The store may be busy with another process's import; the next tick tries again.
                log.LogWarning(e, "Could not read the store; will try again.");
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (model.IsReady)
        {
            try
            {
                var watch = Stopwatch.StartNew();
                // The services stopped before this one (the usage checkpoint among them) wrote their last changes: the snapshot takes them.
                model.Refresh();
                TakeSnapshotIfBehind(TimeSpan.Zero);
                log.LogInformation("Snapshot at stop: version {Version}, in {Ms:0} ms.", _snapshotVersion, watch.ElapsedMilliseconds);
            }
            catch (Exception e) when (feed.IsStoreFault(e) || e is ObjectDisposedException) { log.LogWarning("Snapshot not written at stop: {Problem}", e.Message); }
        }
    }

    private void TakeSnapshotIfBehind(TimeSpan atLeastSinceLast)
    {
        if (model.Version == _snapshotVersion || (_snapshotTriedAt is { } tried && clock.GetElapsedTime(tried) < atLeastSinceLast)) return;
        _snapshotTriedAt = clock.GetTimestamp();
        try { _snapshotVersion = model.WriteSnapshot(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The snapshot only speeds up the next start: a disk that refuses it must not stop the host from serving.
            log.LogWarning("Snapshot of the book not written beside the store: {Problem} The host serves on; a start without a snapshot reads the whole store.", e.Message);
            return;
        }
        // The snapshot covers the log up to its version; a day's worth stays for other readers that lag behind.
        feed.TrimChanges(_snapshotVersion, clock.GetUtcNow().AddDays(-1));
    }
}
