namespace SuccessBot.Core.Chat;

/// <summary>Who can read a conversation, which decides where an answer may go.</summary>
public enum ConversationKind
{
    /// <summary>Only the asker and the bot: a direct message, a Teams personal chat, the local chat, the command line.</summary>
    Personal,

    /// <summary>A channel or group chat of people of the team's own organisation.</summary>
    Team,

    /// <summary>People from outside are there (a Slack channel shared with another organisation, Teams guests or another tenant), or the channel cannot tell.</summary>
    WithOutsiders,
}

/// <summary>Where an answer goes: into the conversation, or to the asker alone (Slack: ephemeral; Teams: a one-to-one chat).</summary>
public enum Visibility { Conversation, AskerOnly }

/// <summary>An answer and where it goes; <see cref="Notice"/> is said in the conversation when the answer went to the asker alone.</summary>
public sealed record PlacedAnswer(Reply Reply, Visibility Visibility, Reply? Notice);

/// <summary>
/// The one privacy rule of every channel: in a group conversation the answer goes to the asker privately unless they
/// add `share`, and it never goes into a conversation with people from outside the organisation.
/// </summary>
public static class ChannelPrivacy
{
    public const string KeptFromOutsiders = "Not shared: people from outside your organisation are in this conversation, so only you see this answer.";

    public static readonly Reply SentPrivately = new("Sent to you privately") { Summary = "I sent you the answer privately. Add `share` at the end to post it here." };

    public static readonly Reply NotSharedWithOutsiders = new("Sent to you privately")
    {
        Summary = "I sent you the answer privately: people from outside your organisation are in this conversation, so answers are not posted here.",
    };

    public static PlacedAnswer Place(Reply reply, ConversationKind where, bool share) => where switch
    {
        ConversationKind.Personal => new(reply, Visibility.Conversation, null),
        ConversationKind.Team when MayShare(reply, share) => new(reply, Visibility.Conversation, null),
        ConversationKind.Team => new(reply, Visibility.AskerOnly, SentPrivately),
        _ when share => new(reply with { Note = reply.Note is { } note ? $"{note}\n{KeptFromOutsiders}" : KeptFromOutsiders }, Visibility.AskerOnly, NotSharedWithOutsiders),
        _ => new(reply, Visibility.AskerOnly, NotSharedWithOutsiders),
    };

    /// <summary>
    /// The rule for a message in a conversation, with the `share` the asker may have added to it.
    /// <paramref name="withOutsiders"/> (which may cost the channel a call) is asked only when the answer could be posted.
    /// </summary>
    public static async Task<PlacedAnswer> PlaceAsync(Reply reply, bool share, bool personal, Func<Task<bool>> withOutsiders)
    {
        if (personal) return Place(reply, ConversationKind.Personal, share);
        if (!MayShare(reply, share)) return Place(reply, ConversationKind.Team, share);
        return Place(reply, await withOutsiders() ? ConversationKind.WithOutsiders : ConversationKind.Team, share);
    }

    /// <summary>A refusal stays with the asker even when shared: it is about them, not about the accounts.</summary>
    private static bool MayShare(Reply reply, bool share) => share && !reply.IsRefusal;
}
