using SuccessBot.Core.Storage;

namespace SuccessBot.LocalChat;

/// <summary>
/// Runs <see cref="LocalChatHub.FollowAsync"/> and <see cref="LocalChatHub.KeepPagesMarkedOpenAsync"/> while the host runs: on a
/// shared store, this host's open pages hear every host's writes, and no host drops their conversations.
/// </summary>
public sealed class LocalChatFollower(LocalChatHub hub, IChangeFeed feed, ILogger<LocalChatFollower> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        hub.FollowAsync(feed.IsStoreFault, problem => log.LogWarning("Local chat: {Problem}; open pages may miss a message until they reload (listening again in a second).", problem), stoppingToken),
        hub.KeepPagesMarkedOpenAsync(feed.IsStoreFault, problem => log.LogWarning("Local chat: {Problem}; this host's open pages were not marked open just now (trying again shortly).", problem), stoppingToken));
}
