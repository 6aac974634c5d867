using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;

namespace SuccessBot.LocalChat;

/// <summary>The local web chat as a delivery channel: everyone has a conversation there, so it reaches everyone.</summary>
public sealed class LocalChatChannel(LocalChatHub hub) : IChatChannel
{
    public string Name => "local";

    public Task<bool> CanReachAsync(string email, CancellationToken cancel) => Task.FromResult(true);

    public Task<Delivery> SendAsync(string email, Reply card, CancellationToken cancel) =>
        Task.FromResult(Delivery.Sent(hub.Post(email, LocalMessage.Bot, null, card).Id));

    public Task UpdateAsync(string email, string messageRef, Reply card, CancellationToken cancel)
    {
        hub.Replace(email, messageRef, card);
        return Task.CompletedTask;
    }
}
