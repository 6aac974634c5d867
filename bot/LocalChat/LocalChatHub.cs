using System.Text.Json;
using System.Threading.Channels;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Storage;

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
/// proactive messages appear without a reload. Kept in memory, and bounded: at most `maxPeople` conversations of
/// the last 200 messages each; a new person makes room by dropping the least recently used conversation that has no
/// open page, and is refused while every conversation has one. On a store several hosts share (<paramref name="shared"/>) the
/// conversations are the store's, within the same bounds (a page open on another host counts as recent use, not as open),
/// and each host's open pages are told what any host adds or replaces (<see cref="FollowAsync"/>).
/// </summary>
public sealed class LocalChatHub(TimeProvider clock, int maxPeople = LocalChatSettings.DefaultMaxPeople, ISharedConversations? shared = null)
{
    public const int KeptMessages = 200;

    /// <summary>What a person typed is kept up to this many characters: the chat reads commands of a few words.</summary>
    public const int KeptText = 1_000;

    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<Conversation>> _byEmail = new(StringComparer.OrdinalIgnoreCase);
    // Most recently used first.
    private readonly LinkedList<Conversation> _recent = new();

    private sealed class Conversation(string email)
    {
        public readonly string Email = email;
        public readonly List<LocalMessage> Messages = [];
        public readonly List<Channel<ChatEvent>> Listeners = [];
    }

    // On a shared store: this host's open pages, by person; the conversations are in the store.
    private readonly Dictionary<string, List<Channel<ChatEvent>>> _pagesHere = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many conversations are kept now.</summary>
    public int People
    {
        get
        {
            if (shared is not null) return shared.People();
            lock (_gate) return _byEmail.Count;
        }
    }

    /// <summary>Adds a message to the person's conversation; null when the chat is full of conversations with open pages.</summary>
    public LocalMessage? Post(string email, string author, string? text, Reply? reply)
    {
        var message = Unkept(author, text, reply);
        if (shared is not null) return shared.Add(email, Stored(message), KeptMessages, maxPeople, IsOpenHere, message.At) ? message : null;
        lock (_gate)
        {
            if (Use(email, create: true) is not { } conversation) return null;
            conversation.Messages.Add(message);
            if (conversation.Messages.Count > KeptMessages) conversation.Messages.RemoveAt(0);
            Notify(conversation, new ChatEvent("message", message));
        }
        return message;
    }

    /// <summary>A message as <see cref="Post"/> would keep it, not kept: an answer given while the shared store cannot keep the conversation.</summary>
    public LocalMessage Unkept(string author, string? text, Reply? reply)
    {
        if (text is { Length: > KeptText }) text = $"{text[..KeptText]}… (cut: {text.Length:N0} characters, the chat keeps {KeptText:N0})";
        return new LocalMessage(Guid.NewGuid().ToString("N"), author, text, reply, clock.GetUtcNow());
    }

    /// <summary>Replaces a card (after a click on it); null when the person has no such message.</summary>
    public LocalMessage? Replace(string email, string messageId, Reply reply)
    {
        if (shared is not null)
            return Find(email, messageId) is { } found && found with { Reply = reply } is var updated && shared.Replace(email, Stored(updated), clock.GetUtcNow()) ? updated : null;
        lock (_gate)
        {
            if (Use(email, create: false) is not { } conversation) return null;
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
        if (shared is not null) return shared.Find(email, messageId) is { } stored ? Parsed(stored) : null;
        lock (_gate) return Use(email, create: false)?.Messages.Find(m => m.Id == messageId);
    }

    /// <summary>Whether this person has a conversation here: they opened the chat, or wrote in it, since the host started.</summary>
    public bool Knows(string email)
    {
        if (shared is not null) return shared.Knows(email);
        lock (_gate) return _byEmail.ContainsKey(email.Trim());
    }

    public IReadOnlyList<LocalMessage> History(string email)
    {
        if (shared is not null) return shared.History(email).Select(Parsed).ToArray();
        lock (_gate) return Use(email, create: false)?.Messages.ToArray() ?? [];
    }

    /// <summary>An open page of this person's, told everything that happens from now on until it is disposed; null when the chat is full.</summary>
    public Listening? Listen(string email)
    {
        var channel = Channel.CreateBounded<ChatEvent>(new BoundedChannelOptions(100) { FullMode = BoundedChannelFullMode.DropOldest });
        if (shared is not null) return ListenHere(email.Trim(), channel);
        lock (_gate)
        {
            if (Use(email, create: true) is not { } conversation) return null;
            conversation.Listeners.Add(channel);
            return new Listening(channel.Reader, () => { lock (_gate) conversation.Listeners.Remove(channel); });
        }
    }

    private Listening? ListenHere(string email, Channel<ChatEvent> channel)
    {
        var now = clock.GetUtcNow();
        if (!shared!.Open(email, maxPeople, IsOpenHere, now, now + OpenMark)) return null;
        lock (_gate)
        {
            if (!_pagesHere.TryGetValue(email, out var pages)) _pagesHere[email] = pages = [];
            pages.Add(channel);
        }
        return new Listening(channel.Reader, () =>
        {
            lock (_gate)
            {
                if (!_pagesHere.TryGetValue(email, out var pages)) return;
                pages.Remove(channel);
                if (pages.Count == 0) _pagesHere.Remove(email);
            }
        });
    }

    private bool IsOpenHere(string email)
    {
        lock (_gate) return _pagesHere.ContainsKey(email);
    }

    /// <summary>How long a page's mark as open lasts in a shared store; the host renews it three times within that, while the page is open.</summary>
    public static readonly TimeSpan OpenMark = TimeSpan.FromSeconds(60);

    /// <summary>On a shared store: renews the marks of this host's open pages, so that no other host drops their conversations, until <paramref name="stop"/>.</summary>
    public async Task KeepPagesMarkedOpenAsync(Func<Exception, bool> isStoreFault, Action<string> lost, CancellationToken stop)
    {
        if (shared is null) return;
        using var every = new PeriodicTimer(OpenMark / 3, clock);
        try
        {
            while (await every.WaitForNextTickAsync(stop))
            {
                string[] open;
                lock (_gate) open = [.. _pagesHere.Keys];
                if (open.Length == 0) continue;
                try { shared.KeepOpen(open, clock.GetUtcNow() + OpenMark); }
                catch (Exception e) when (isStoreFault(e)) { lost(e.Message); }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    /// <summary>
    /// On a shared store: tells this host's open pages what any host adds to their conversations or replaces in them (read from
    /// the store by the id the notification names), until <paramref name="stop"/>. Without a shared store there is nothing to follow.
    /// </summary>
    public async Task FollowAsync(Func<Exception, bool> isStoreFault, Action<string> lost, CancellationToken stop)
    {
        if (shared is null) return;
        // Notifications come on the listening connection's thread: the store is read beside it, in order.
        var changes = Channel.CreateUnbounded<ConversationEvent>(new UnboundedChannelOptions { SingleReader = true });
        var listening = shared.FollowAsync(e => changes.Writer.TryWrite(e), e => lost(e.Message), stop);
        try
        {
            await foreach (var change in changes.Reader.ReadAllAsync(stop))
            {
                Channel<ChatEvent>[] pages;
                lock (_gate) pages = _pagesHere.TryGetValue(change.Email, out var open) ? [.. open] : [];
                StoredChatMessage? stored;
                try { stored = pages.Length == 0 ? null : shared.Find(change.Email, change.MessageId); }
                catch (Exception e) when (isStoreFault(e))
                {
                    // The page shows the message when it reloads its history.
                    lost(e.Message);
                    continue;
                }
                if (stored is null) continue;
                var told = new ChatEvent(change.Type, Parsed(stored));
                foreach (var page in pages) page.Writer.TryWrite(told);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        await listening;
    }

    private static StoredChatMessage Stored(LocalMessage message) => new(message.Id, JsonSerializer.Serialize(message, JsonSerializerOptions.Web));

    private static LocalMessage Parsed(StoredChatMessage stored) => JsonSerializer.Deserialize<LocalMessage>(stored.Json, JsonSerializerOptions.Web)!;

    /// <summary>One open page; while it is open its conversation is never dropped to make room.</summary>
    public sealed class Listening(ChannelReader<ChatEvent> events, Action close) : IDisposable
    {
        public IAsyncEnumerable<ChatEvent> Events(CancellationToken cancel) => events.ReadAllAsync(cancel);

        public void Dispose() => close();
    }

    /// <summary>The person's conversation, now the most recently used; a new one only when there is room. Under the gate.</summary>
    private Conversation? Use(string email, bool create)
    {
        email = email.Trim();
        if (_byEmail.TryGetValue(email, out var node))
        {
            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value;
        }
        if (!create) return null;
        if (_byEmail.Count >= maxPeople)
        {
            var idle = _recent.Last;
            while (idle is not null && idle.Value.Listeners.Count > 0) idle = idle.Previous;
            if (idle is null) return null;
            _recent.Remove(idle);
            _byEmail.Remove(idle.Value.Email);
        }
        node = _recent.AddFirst(new Conversation(email));
        _byEmail[node.Value.Email] = node;
        return node.Value;
    }

    private static void Notify(Conversation conversation, ChatEvent e)
    {
        foreach (var listener in conversation.Listeners) listener.Writer.TryWrite(e);
    }
}
