using SuccessBot.Core.Storage;

namespace SuccessBot.LocalChat;

/// <summary>Runs <see cref="LocalChatHub.FollowAsync"/> while the host runs: on a shared store, this host's open pages hear every host's writes.</summary>
public sealed class LocalChatFollower(LocalChatHub hub, IChangeFeed feed, ILogger<LocalChatFollower> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        hub.FollowAsync(feed.IsStoreFault, problem => log.LogWarning("Local chat: {Problem}; open pages may miss a message until they reload (listening again in a second).", problem), stoppingToken);
}
