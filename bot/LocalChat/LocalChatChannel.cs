using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;

namespace SuccessBot.LocalChat;

/// <summary>
/// The local web chat as a delivery channel. With no other chat channel configured (the demo, a trial) it is where
/// everyone is reached; otherwise only people who have opened it, so that someone no real channel reaches is
/// rerouted (a nudge) or reported (a survey) instead of being sent where nobody looks.
/// </summary>
public sealed class LocalChatChannel(LocalChatHub hub, bool reachesEveryone) : IChatChannel
{
    public string Name => "local";

    public Task<bool> CanReachAsync(string email, CancellationToken cancel) => Task.FromResult(reachesEveryone || hub.Knows(email));

    public Task<Delivery> SendAsync(string email, Reply card, CancellationToken cancel) =>
        Task.FromResult(Delivery.Sent(hub.Post(email, LocalMessage.Bot, null, card).Id));

    public Task UpdateAsync(string email, string messageRef, Reply card, CancellationToken cancel)
    {
        hub.Replace(email, messageRef, card);
        return Task.CompletedTask;
    }
}
