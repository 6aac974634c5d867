using System.Threading.Channels;
using SuccessBot.Core.Storage;

namespace SuccessBot.Host;

/// <summary>How a store tells of commits made by any host on it (PostgreSQL's LISTEN/NOTIFY): calls the first action on each, the second when the line is lost.</summary>
public sealed record ChangeNotifications(Func<Action, Action<Exception>, CancellationToken, Task> Follow);

/// <summary>
/// On a store shared by several hosts, another host's commit wakes this host's read model at once to read the change feed
/// after its version, instead of at the next `Storage:PollSeconds` (the poll stays, for a notification lost with its line).
/// </summary>
public sealed class ChangeWakeup(ChangeNotifications notifications, BookReadModel model, IChangeFeed feed, ILogger<ChangeWakeup> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await model.WhenReady.WaitAsync(stoppingToken);
        // Commits that come while the book is catching up make one more read, not one each.
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var listening = notifications.Follow(() => wake.Writer.TryWrite(true),
            lost => log.LogWarning("Change notifications: {Problem}; listening again in a second (the poll goes on meanwhile).", lost.Message), stoppingToken);
        try
        {
            await foreach (var _ in wake.Reader.ReadAllAsync(stoppingToken))
            {
                try { model.Refresh(); }
                catch (Exception e) when (feed.IsStoreFault(e)) { log.LogWarning("Could not read the change feed after a notification ({Problem}); the poll tries again.", e.Message); }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        await listening;
    }
}
