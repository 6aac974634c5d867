using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;

namespace SuccessBot.Slack;

/// <summary>Slack as a way to bring nudges to people: a direct message from the bot, found by the person's email.</summary>
public sealed class SlackChannel(Func<SlackApi> api, ILogger<SlackChannel> log) : IChatChannel
{
    public string Name => "slack";

    public async Task<bool> CanReachAsync(string email, CancellationToken cancel)
    {
        try
        {
            return await api().LookupUserIdAsync(email, cancel) is not null;
        }
        catch (SlackApiException e) when (e.Transient)
        {
            // Slack is unreachable for now, not the person: the send fails the same way and the ledger tries again later.
            return true;
        }
        catch (SlackApiException e)
        {
            log.LogWarning("Slack cannot look people up ({Error}); nudges go to the next channel.", e.Error);
            return false;
        }
    }

    public async Task<Delivery> SendAsync(string email, Reply card, CancellationToken cancel)
    {
        try
        {
            var slack = api();
            if (await slack.LookupUserIdAsync(email, cancel) is not { } user) return Delivery.NoRoute($"slack: no Slack user has the email {email}");
            var direct = await slack.OpenConversationAsync(user, cancel);
            var (channel, ts) = await slack.PostMessageAsync(direct, BlockKit.Message(card), cancel);
            return Delivery.Sent($"{channel}|{ts}");
        }
        catch (SlackApiException e)
        {
            return Delivery.Failed($"slack: {e.Method}: {e.Error}");
        }
    }

    public async Task UpdateAsync(string email, string messageRef, Reply card, CancellationToken cancel)
    {
        var parts = messageRef.Split('|');
        if (parts.Length != 2) throw new ArgumentException($"\"{messageRef}\" is not a Slack message reference (channel|ts).", nameof(messageRef));
        await api().UpdateAsync(parts[0], parts[1], BlockKit.Message(card), cancel);
    }
}
