using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;

namespace SuccessBot.LocalChat;

/// <summary>
/// The local web chat as a delivery channel. With no other chat channel configured (the demo, a trial) it is where
/// everyone is reached; otherwise only people who have opened it, so that someone no real channel reaches is
/// rerouted (a nudge) or reported (a survey) instead of being sent where nobody looks. When the chat is off, nobody.
/// </summary>
public sealed class LocalChatChannel(LocalChatHub hub, LocalChatAccess access, bool reachesEveryone) : IChatChannel
{
    public string Name => "local";

    public Task<bool> CanReachAsync(string email, CancellationToken cancel) =>
        Task.FromResult(access.Mode != LocalChatMode.Off && (reachesEveryone || hub.Knows(email)));

    public Task<Delivery> SendAsync(string email, Reply card, CancellationToken cancel) =>
        Task.FromResult(hub.Post(email, LocalMessage.Bot, null, card) is { } sent ? Delivery.Sent(sent.Id)
            : Delivery.Failed($"the local chat is full: {hub.People:N0} conversations, each with an open page"));

    public Task UpdateAsync(string email, string messageRef, Reply card, CancellationToken cancel)
    {
        hub.Replace(email, messageRef, card);
        return Task.CompletedTask;
    }
}
