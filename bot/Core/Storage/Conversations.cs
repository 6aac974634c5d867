namespace SuccessBot.Core.Storage;

/// <summary>A message of a person's local chat conversation as a shared store keeps it: its id and the JSON the page reads.</summary>
public sealed record StoredChatMessage(string Id, string Json);

/// <summary>A message added to a person's conversation or replaced in it (by any host), for the pages open on every host.</summary>
public sealed record ConversationEvent(string Type, string Email, string MessageId)
{
    public const string Added = "message", Replaced = "update";
}

/// <summary>
/// The local chat's conversations in a store several hosts share (PostgreSQL), so that a person's page and their history are
/// the same whichever host a load balancer sends them to. People are by email, case-insensitive.
/// </summary>
public interface ISharedConversations
{
    /// <summary>
    /// Adds a message, keeping the person's last <paramref name="keep"/>; a new person's conversation is made when there is room
    /// (at most <paramref name="maxPeople"/>: the least recently used one with no page open, here by <paramref name="open"/> or on
    /// another host by its mark, makes room);
    /// false when there is none.
    /// </summary>
    bool Add(string email, StoredChatMessage message, int keep, int maxPeople, Func<string, bool> open, DateTimeOffset now);

    /// <summary>
    /// Marks the person's conversation used by a page opened now, making it as <see cref="Add"/> does, and open on some host until
    /// <paramref name="openUntil"/>; false when there is no room.
    /// </summary>
    bool Open(string email, int maxPeople, Func<string, bool> open, DateTimeOffset now, DateTimeOffset openUntil);

    /// <summary>
    /// These people's conversations have a page open on this host until <paramref name="until"/>: no host drops them to make room
    /// before then (each host renews the marks of its own open pages).
    /// </summary>
    void KeepOpen(IReadOnlyCollection<string> emails, DateTimeOffset until);

    /// <summary>Replaces a message of the person's; false when they have no such message.</summary>
    bool Replace(string email, StoredChatMessage message, DateTimeOffset now);

    StoredChatMessage? Find(string email, string messageId);

    /// <summary>The person's messages, oldest first.</summary>
    IReadOnlyList<StoredChatMessage> History(string email);

    bool Knows(string email);

    int People();

    /// <summary>Calls <paramref name="changed"/> for each message any host adds or replaces, until <paramref name="stop"/>.</summary>
    Task FollowAsync(Action<ConversationEvent> changed, Action<Exception> lost, CancellationToken stop);
}
