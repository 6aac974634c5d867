using System.Collections.Concurrent;
using System.Threading.Channels;
using SuccessBot.Core.Chat;

namespace SuccessBot.LocalChat;

/// <summary>One message in a person's local conversation: what they typed, or a card from the bot.</summary>
public sealed record LocalMessage(string Id, string Author, string? Text, Reply? Reply, DateTimeOffset At)
{
    public const string Bot = "bot", Person = "person";
}

/// <summary>What the page is told as it happens: a new message, or a card that changed after a click.</summary>
public sealed record ChatEvent(string Type, LocalMessage Message);

/// <summary>
/// The local web chat's conversations, one per person (by email), and the open pages listening to them, so that
/// proactive messages appear without a reload. Kept in memory: the local chat is for trying SuccessBot out.
/// </summary>
public sealed class LocalChatHub(TimeProvider clock)
{
    private const int Kept = 200;
    private readonly ConcurrentDictionary<string, Conversation> _conversations = new(StringComparer.OrdinalIgnoreCase);

    private sealed class Conversation
    {
        public readonly List<LocalMessage> Messages = [];
        public readonly List<Channel<ChatEvent>> Listeners = [];
    }

    public LocalMessage Post(string email, string author, string? text, Reply? reply)
    {
        var message = new LocalMessage(Guid.NewGuid().ToString("N"), author, text, reply, clock.GetUtcNow());
        var conversation = _conversations.GetOrAdd(email, _ => new Conversation());
        lock (conversation)
        {
            conversation.Messages.Add(message);
            if (conversation.Messages.Count > Kept) conversation.Messages.RemoveAt(0);
            Notify(conversation, new ChatEvent("message", message));
        }
        return message;
    }

    /// <summary>Replaces a card (after a click on it); null when the person has no such message.</summary>
    public LocalMessage? Replace(string email, string messageId, Reply reply)
    {
        if (!_conversations.TryGetValue(email, out var conversation)) return null;
        lock (conversation)
        {
            var index = conversation.Messages.FindIndex(m => m.Id == messageId);
            if (index < 0) return null;
            var updated = conversation.Messages[index] with { Reply = reply };
            conversation.Messages[index] = updated;
            Notify(conversation, new ChatEvent("update", updated));
            return updated;
        }
    }

    public LocalMessage? Find(string email, string messageId)
    {
        if (!_conversations.TryGetValue(email, out var conversation)) return null;
        lock (conversation) return conversation.Messages.Find(m => m.Id == messageId);
    }

    /// <summary>Whether this person has a conversation here: they opened the chat, or wrote in it, since the host started.</summary>
    public bool Knows(string email) => _conversations.ContainsKey(email.Trim());

    public IReadOnlyList<LocalMessage> History(string email)
    {
        if (!_conversations.TryGetValue(email, out var conversation)) return [];
        lock (conversation) return conversation.Messages.ToArray();
    }

    /// <summary>Everything that happens in this person's conversation from now on, until the page goes away.</summary>
    public async IAsyncEnumerable<ChatEvent> Listen(string email, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        var channel = Channel.CreateBounded<ChatEvent>(new BoundedChannelOptions(100) { FullMode = BoundedChannelFullMode.DropOldest });
        var conversation = _conversations.GetOrAdd(email, _ => new Conversation());
        lock (conversation) conversation.Listeners.Add(channel);
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancel)) yield return e;
        }
        finally
        {
            lock (conversation) conversation.Listeners.Remove(channel);
        }
    }

    private static void Notify(Conversation conversation, ChatEvent e)
    {
        foreach (var listener in conversation.Listeners) listener.Writer.TryWrite(e);
    }
}
