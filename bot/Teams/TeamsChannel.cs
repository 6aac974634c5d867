using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;

namespace SuccessBot.Teams;

/// <summary>
/// Teams as a delivery channel for nudges and surveys: a proactive message from the person's stored conversation
/// reference, opening a one-to-one chat first when there is none yet.
/// </summary>
public sealed class TeamsChannel(ConversationReferences references, IServiceProvider services, ILogger<TeamsChannel> log) : IChatChannel
{
    public string Name => "teams";

    public Task<bool> CanReachAsync(string email, CancellationToken cancel) => Task.FromResult(references.FindByEmail(email) is not null);

    /// <summary>The zone the person's Teams client last told (`localTimezone`); null when none, or one this machine does not know.</summary>
    public Task<TimeZoneInfo?> TimeZoneOfAsync(string email, CancellationToken cancel) =>
        Task.FromResult(references.FindByEmail(email) is { TimeZone: { Length: > 0 } tz } && TimeZoneInfo.TryFindSystemTimeZoneById(tz, out var zone) ? zone : null);

    public async Task<Delivery> SendAsync(string email, Reply card, CancellationToken cancel)
    {
        if (references.FindByEmail(email) is not { } reference) return Delivery.NoRoute($"teams: no conversation with {email}");
        return await SendAsync(reference, card, cancel);
    }

    /// <summary>A card in the person's one-to-one chat with the bot, opened first when there is none yet.</summary>
    public async Task<Delivery> SendAsync(ConversationReference reference, Reply card, CancellationToken cancel)
    {
        var email = reference.Email ?? reference.UserId;
        // A typed HttpClient per send: the factory rotates its handlers, which a singleton holding one would defeat.
        var connector = services.GetRequiredService<BotConnector>();
        try
        {
            var conversationId = reference.ConversationId;
            if (conversationId is null)
            {
                conversationId = await connector.CreateConversationAsync(reference.ServiceUrl, reference.BotId, reference.UserId, reference.TenantId, cancel);
                references.Save(reference with { ConversationId = conversationId });
            }
            var id = await connector.SendAsync(reference.ServiceUrl, conversationId, Message(reference, conversationId, card), cancel);
            return Delivery.Sent(MessageRef(conversationId, id));
        }
        catch (ConnectorException e) when (e.Permanent)
        {
            log.LogWarning("Teams: {Email} cannot be messaged ({Why}).", email, e.Message);
            return Delivery.NoRoute($"teams: {e.Message}");
        }
        catch (ConnectorException e)
        {
            return Delivery.Failed($"teams: {e.Message}");
        }
    }

    public async Task UpdateAsync(string email, string messageRef, Reply card, CancellationToken cancel)
    {
        if (references.FindByEmail(email) is not { } reference) return;
        var split = messageRef.LastIndexOf('|');
        if (split <= 0) return;
        var conversationId = messageRef[..split];
        await services.GetRequiredService<BotConnector>().UpdateAsync(reference.ServiceUrl, conversationId, messageRef[(split + 1)..],
            Message(reference, conversationId, card), cancel);
    }

    /// <summary>Conversation ids hold ':' and '@' and ';' but no '|'.</summary>
    public static string MessageRef(string conversationId, string activityId) => $"{conversationId}|{activityId}";

    private static Activity Message(ConversationReference reference, string conversationId, Reply card) => new()
    {
        Type = ActivityTypes.Message,
        From = new ChannelAccount(reference.BotId, reference.BotName),
        Recipient = new ChannelAccount(reference.UserId) { AadObjectId = reference.AadObjectId },
        Conversation = new ConversationAccount(conversationId) { TenantId = reference.TenantId, ConversationType = "personal" },
        Locale = reference.Locale,
        Attachments = [AdaptiveCards.Attachment(card)],
    };
}
