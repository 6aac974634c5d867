using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;

namespace SuccessBot.Slack;

/// <summary>
/// Slack as a way to bring nudges and surveys to people: a direct message from the bot, found by the person's email;
/// for a customer contact Slack does not know, the account's shared channel (`slack_channel_id`), addressed to them.
/// </summary>
public sealed class SlackChannel(Func<SlackApi> api, IBookSource books, SlackCharts charts, ILogger<SlackChannel> log) : IChatChannel
{
    public string Name => "slack";

    public async Task<bool> CanReachAsync(string email, CancellationToken cancel)
    {
        try
        {
            return await api().LookupUserIdAsync(email, cancel) is not null || SharedChannelOf(email) is not null;
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
            string target;
            if (await slack.LookupUserIdAsync(email, cancel) is { } user) target = await slack.OpenConversationAsync(user, cancel);
            else if (SharedChannelOf(email) is { } shared)
            {
                // Everyone in the shared channel sees it; only the addressee's click counts (the handlers check the clicker).
                target = shared;
                card = card with { Title = $"For {email}: {card.Title}" };
            }
            else return Delivery.NoRoute($"slack: no Slack user has the email {email}, and no account of theirs has a Slack channel");
            var (channel, ts) = await slack.PostMessageAsync(target, BlockKit.Message(card), cancel);
            // The card is delivered; a chart that cannot follow it (the digest's trends) is logged, not sent again.
            await charts.ShareAsync(channel, card, cancel);
            return Delivery.Sent($"{channel}|{ts}");
        }
        catch (SlackApiException e)
        {
            return Delivery.Failed($"slack: {e.Method}: {e.Error}");
        }
    }

    /// <summary>
    /// The zone Slack gives the person's user (`tz` of users.info); null for someone Slack does not know, or a zone this machine
    /// does not; a transient <see cref="SlackApiException"/> when Slack cannot say now.
    /// </summary>
    public async Task<TimeZoneInfo?> TimeZoneOfAsync(string email, CancellationToken cancel)
    {
        try
        {
            var slack = api();
            return await slack.LookupUserIdAsync(email, cancel) is { } id && await slack.UserAsync(id, cancel) is { TimeZone: { Length: > 0 } tz }
                && TimeZoneInfo.TryFindSystemTimeZoneById(tz, out var zone) ? zone : null;
        }
        catch (SlackApiException e) when (!e.Transient)
        {
            // Slack refused (a user it will not describe): the zone is unknown, as for anyone without a `tz`.
            return null;
        }
    }

    // The contact index, not a pass over the book, per send.
    private string? SharedChannelOf(string email)
    {
        var book = books.Current;
        return book.PositionsOfContact(email).Select(p => book.Accounts[p].SlackChannelId).FirstOrDefault(c => c is { Length: > 0 });
    }

    public async Task UpdateAsync(string email, string messageRef, Reply card, CancellationToken cancel)
    {
        var parts = messageRef.Split('|');
        if (parts.Length != 2) throw new ArgumentException($"\"{messageRef}\" is not a Slack message reference (channel|ts).", nameof(messageRef));
        await api().UpdateAsync(parts[0], parts[1], BlockKit.Message(card), cancel);
    }
}
