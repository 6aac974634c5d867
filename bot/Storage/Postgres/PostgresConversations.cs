using Npgsql;
using SuccessBot.Core.Storage;

namespace SuccessBot.Storage.Postgres;

/// <summary>
/// The local chat's conversations in tables chat_people and chat_messages; each write notifies <see cref="ChangedChannel"/>
/// with what changed, so every host tells its open pages. Making a new person's conversation holds an advisory lock, so two
/// hosts never both take the last room; a conversation another host marks open (`open_until`) is never the one dropped.
/// </summary>
public sealed class PostgresConversations(PostgresStore store) : ISharedConversations
{
    public const string ChangedChannel = "successbot_chat";

    // Any fixed number, the same on every host.
    private const long RoomLock = 0x4348_4154_524D;

    public bool Add(string email, StoredChatMessage message, int keep, int maxPeople, Func<string, bool> open, DateTimeOffset now) => store.InTransaction(() => store.With(c =>
    {
        var key = Key(email);
        if (!Use(c, key, maxPeople, open, now)) return false;
        PostgresStore.Run(c, "INSERT INTO chat_messages (email, id, json) VALUES ($1, $2, $3)", key, message.Id, message.Json);
        PostgresStore.Run(c, """
            DELETE FROM chat_messages WHERE email = $1 AND seq < (SELECT min(seq) FROM (SELECT seq FROM chat_messages WHERE email = $1 ORDER BY seq DESC LIMIT $2) kept)
            """, key, keep);
        Notify(c, ConversationEvent.Added, key, message.Id);
        return true;
    }));

    public bool Open(string email, int maxPeople, Func<string, bool> open, DateTimeOffset now, DateTimeOffset openUntil) => store.InTransaction(() => store.With(c =>
    {
        var key = Key(email);
        if (!Use(c, key, maxPeople, open, now)) return false;
        PostgresStore.Run(c, "UPDATE chat_people SET open_until = $2 WHERE email = $1", key, openUntil.UtcDateTime);
        return true;
    }));

    public void KeepOpen(IReadOnlyCollection<string> emails, DateTimeOffset until) =>
        store.Execute("UPDATE chat_people SET open_until = $2 WHERE email = ANY($1)", emails.Select(Key).ToArray(), until.UtcDateTime);

    public bool Replace(string email, StoredChatMessage message, DateTimeOffset now) => store.InTransaction(() => store.With(c =>
    {
        var key = Key(email);
        if (PostgresStore.Run(c, "UPDATE chat_messages SET json = $3 WHERE email = $1 AND id = $2", key, message.Id, message.Json) == 0) return false;
        PostgresStore.Run(c, "UPDATE chat_people SET used = $2 WHERE email = $1", key, now.UtcDateTime);
        Notify(c, ConversationEvent.Replaced, key, message.Id);
        return true;
    }));

    public StoredChatMessage? Find(string email, string messageId) =>
        store.Query("SELECT id, json FROM chat_messages WHERE email = $1 AND id = $2", Read, Key(email), messageId).FirstOrDefault();

    public IReadOnlyList<StoredChatMessage> History(string email) => store.Query("SELECT id, json FROM chat_messages WHERE email = $1 ORDER BY seq", Read, Key(email));

    public bool Knows(string email) => store.Scalar<bool>("SELECT EXISTS (SELECT 1 FROM chat_people WHERE email = $1)", Key(email));

    public int People() => (int)store.Scalar<long>("SELECT count(*) FROM chat_people");

    public Task FollowAsync(Action<ConversationEvent> changed, Action<Exception> lost, CancellationToken stop) =>
        store.ListenAsync(ChangedChannel, payload =>
        {
            // Listening begins with an empty call (for what came before): a page opened since reads its history.
            if (payload.Split('\n') is [var type, var email, var id]) changed(new ConversationEvent(type, email, id));
        }, lost, stop);

    /// <summary>The person's conversation, used now; a new one only when there is room (the least recently used closed one makes it).</summary>
    private static bool Use(NpgsqlConnection c, string key, int maxPeople, Func<string, bool> open, DateTimeOffset now)
    {
        if (PostgresStore.Run(c, "UPDATE chat_people SET used = $2 WHERE email = $1", key, now.UtcDateTime) == 1) return true;
        PostgresStore.Run(c, "SELECT pg_advisory_xact_lock($1)", RoomLock);
        var people = (long)PostgresStore.RunScalar(c, "SELECT count(*) FROM chat_people")!;
        if (people >= maxPeople)
        {
            var idle = LeastRecentlyUsedClosed(c, now).FirstOrDefault(p => !open(p));
            if (idle is null) return false;
            PostgresStore.Run(c, "DELETE FROM chat_people WHERE email = $1", idle);
        }
        PostgresStore.Run(c, "INSERT INTO chat_people (email, used) VALUES ($1, $2) ON CONFLICT (email) DO UPDATE SET used = excluded.used", key, now.UtcDateTime);
        return true;
    }

    /// <summary>The conversations no other host marks open, least recently used first.</summary>
    private static List<string> LeastRecentlyUsedClosed(NpgsqlConnection c, DateTimeOffset now)
    {
        using var command = PostgresStore.Command(c, "SELECT email FROM chat_people WHERE open_until IS NULL OR open_until <= $1 ORDER BY used", now.UtcDateTime);
        using var reader = command.ExecuteReader();
        var people = new List<string>();
        while (reader.Read()) people.Add(reader.GetString(0));
        return people;
    }

    private static void Notify(NpgsqlConnection c, string type, string key, string id) => PostgresStore.Run(c, $"SELECT pg_notify('{ChangedChannel}', $1)", $"{type}\n{key}\n{id}");

    private static StoredChatMessage Read(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1));

    private static string Key(string email) => email.Trim().ToLowerInvariant();
}
