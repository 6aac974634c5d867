using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Storage;

namespace SuccessBot.Host;

/// <summary>
/// The book every answer is computed from, loaded from the store at start and loaded again whenever the store's data
/// version moves (an import in this process, or `import` run from another one while the host serves).
/// </summary>
public sealed class BookReadModel(LiteDbStore store, ILogger<BookReadModel> log) : IBookSource
{
    private volatile Snapshot _current = new(BookOfBusiness.Empty, -1);
    private readonly Lock _reloading = new();

    private sealed record Snapshot(BookOfBusiness Book, long Version);

    public BookOfBusiness Current => _current.Book;

    public long Version => _current.Version;

    /// <summary>Loads the store again if its data version changed since the last load; true when it did.</summary>
    public bool Refresh()
    {
        lock (_reloading)
        {
            var version = store.DataVersion;
            if (version == _current.Version) return false;
            var started = DateTime.UtcNow;
            var book = store.LoadBook();
            _current = new Snapshot(book, version);
            log.LogInformation("Read model loaded: {Accounts} accounts, data version {Version}, in {Ms:0} ms.", book.Accounts.Count, version, (DateTime.UtcNow - started).TotalMilliseconds);
            return true;
        }
    }
}

/// <summary>Loads the read model at start, then watches the store for imports made by other processes.</summary>
public sealed class ReadModelRefresher(BookReadModel model, IConfiguration config, ILogger<ReadModelRefresher> log) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        model.Refresh();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Settings.Number(config, "Storage:PollSeconds", 2.0));
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { model.Refresh(); }
            catch (Exception e) when (e is LiteDB.LiteException or IOException)
            {
                // The store may be busy with another process's import; the next tick tries again.
                log.LogWarning(e, "Could not read the store; will try again.");
            }
        }
    }
}
