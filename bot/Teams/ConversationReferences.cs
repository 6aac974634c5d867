using System.Collections.Concurrent;
using LiteDB;
using SuccessBot.Storage;

namespace SuccessBot.Teams;

/// <summary>
/// What it takes to message a person later (botbuilder's ConversationReference): where their connector is, who they
/// and the bot are, their tenant, and their one-to-one conversation once there is one.
/// </summary>
public sealed record ConversationReference
{
    public required string ServiceUrl { get; init; }
    public required string ChannelId { get; init; }
    public required string UserId { get; init; }
    public string? AadObjectId { get; init; }
    public string? Email { get; init; }
    public required string BotId { get; init; }
    public string? BotName { get; init; }
    public string? TenantId { get; init; }

    /// <summary>The personal (one-to-one) conversation; null until the person chats with the bot or one is created.</summary>
    public string? ConversationId { get; init; }
    public string? Locale { get; init; }

    /// <summary>The person's IANA time zone, from the `localTimezone` of their last activity: their quiet hours are kept in it.</summary>
    public string? TimeZone { get; init; }
}

/// <summary>
/// Conversation references in the store's own file, keyed by email when known, else by AAD object id. Only this
/// host writes them, so they are also kept in memory: the delivery job asks for every pending nudge every few seconds.
/// </summary>
public sealed class ConversationReferences
{
    private readonly ILiteCollection<BsonDocument> _references;
    private readonly ConcurrentDictionary<string, ConversationReference> _byKey;

    public ConversationReferences(LiteDbStore store)
    {
        _references = store.Collection("teams_conversations");
        _byKey = new ConcurrentDictionary<string, ConversationReference>(_references.FindAll().Select(d => KeyValuePair.Create(d["_id"].AsString, From(d))));
    }

    public static string KeyOf(ConversationReference r) =>
        r.Email is { Length: > 0 } email ? email.Trim().ToLowerInvariant() : "aad:" + (r.AadObjectId ?? r.UserId);

    public void Save(ConversationReference reference)
    {
        var key = KeyOf(reference);
        // A person known first by object id and later by email keeps one record.
        foreach (var older in _byKey.Where(p => p.Value.UserId == reference.UserId && p.Key != key).Select(p => p.Key).ToArray())
        {
            _references.Delete(older);
            _byKey.TryRemove(older, out _);
        }
        _references.Upsert(new BsonDocument
        {
            ["_id"] = key, ["serviceUrl"] = reference.ServiceUrl, ["channelId"] = reference.ChannelId, ["userId"] = reference.UserId,
            ["aadObjectId"] = Text(reference.AadObjectId), ["email"] = Text(reference.Email), ["botId"] = reference.BotId,
            ["botName"] = Text(reference.BotName), ["tenantId"] = Text(reference.TenantId), ["conversationId"] = Text(reference.ConversationId),
            ["locale"] = Text(reference.Locale), ["timeZone"] = Text(reference.TimeZone), ["updated"] = DateTime.UtcNow,
        });
        _byKey[key] = reference;
    }

    public ConversationReference? FindByEmail(string email) => _byKey.GetValueOrDefault(email.Trim().ToLowerInvariant());

    public ConversationReference? FindByUserId(string userId) => _byKey.Values.FirstOrDefault(r => r.UserId == userId);

    private static ConversationReference From(BsonDocument d) => new()
    {
        ServiceUrl = d["serviceUrl"].AsString, ChannelId = d["channelId"].AsString, UserId = d["userId"].AsString,
        AadObjectId = OrNull(d["aadObjectId"]), Email = OrNull(d["email"]), BotId = d["botId"].AsString, BotName = OrNull(d["botName"]),
        TenantId = OrNull(d["tenantId"]), ConversationId = OrNull(d["conversationId"]), Locale = OrNull(d["locale"]),
        TimeZone = d.TryGetValue("timeZone", out var zone) ? OrNull(zone) : null,
    };

    private static BsonValue Text(string? s) => s is null ? BsonValue.Null : new BsonValue(s);

    private static string? OrNull(BsonValue v) => v.IsNull ? null : v.AsString;
}
