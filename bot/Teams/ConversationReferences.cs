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
}

/// <summary>Conversation references in the store's own file, keyed by email when known, else by AAD object id.</summary>
public sealed class ConversationReferences
{
    private readonly ILiteCollection<BsonDocument> _references;

    public ConversationReferences(LiteDbStore store)
    {
        _references = store.Collection("teams_conversations");
        // Every activity is looked up by the sender's channel user id.
        _references.EnsureIndex("userId");
    }

    public static string KeyOf(ConversationReference r) =>
        r.Email is { Length: > 0 } email ? email.Trim().ToLowerInvariant() : "aad:" + (r.AadObjectId ?? r.UserId);

    public void Save(ConversationReference reference)
    {
        var key = KeyOf(reference);
        // A person known first by object id and later by email keeps one record.
        foreach (var older in _references.Find(Query.EQ("userId", reference.UserId)).Where(d => d["_id"].AsString != key).ToArray())
            _references.Delete(older["_id"]);
        _references.Upsert(new BsonDocument
        {
            ["_id"] = key, ["serviceUrl"] = reference.ServiceUrl, ["channelId"] = reference.ChannelId, ["userId"] = reference.UserId,
            ["aadObjectId"] = Text(reference.AadObjectId), ["email"] = Text(reference.Email), ["botId"] = reference.BotId,
            ["botName"] = Text(reference.BotName), ["tenantId"] = Text(reference.TenantId), ["conversationId"] = Text(reference.ConversationId),
            ["locale"] = Text(reference.Locale), ["updated"] = DateTime.UtcNow,
        });
    }

    public ConversationReference? FindByEmail(string email) =>
        _references.FindById(email.Trim().ToLowerInvariant()) is { } d ? From(d) : null;

    public ConversationReference? FindByUserId(string userId) =>
        _references.FindOne(Query.EQ("userId", userId)) is { } d ? From(d) : null;

    private static ConversationReference From(BsonDocument d) => new()
    {
        ServiceUrl = d["serviceUrl"].AsString, ChannelId = d["channelId"].AsString, UserId = d["userId"].AsString,
        AadObjectId = OrNull(d["aadObjectId"]), Email = OrNull(d["email"]), BotId = d["botId"].AsString, BotName = OrNull(d["botName"]),
        TenantId = OrNull(d["tenantId"]), ConversationId = OrNull(d["conversationId"]), Locale = OrNull(d["locale"]),
    };

    private static BsonValue Text(string? s) => s is null ? BsonValue.Null : new BsonValue(s);

    private static string? OrNull(BsonValue v) => v.IsNull ? null : v.AsString;
}
