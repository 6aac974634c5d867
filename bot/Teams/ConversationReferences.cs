using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using SuccessBot.Core.Storage;

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
/// Conversation references in the store, keyed by email when known, else by AAD object id. Only this host writes them, so
/// they are also kept in memory: the delivery job asks for every pending nudge every few seconds.
/// </summary>
public sealed class ConversationReferences
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly IConversationReferenceStore _store;
    private readonly ConcurrentDictionary<string, ConversationReference> _byKey;

    public ConversationReferences(IConversationReferenceStore store)
    {
        _store = store;
        _byKey = new ConcurrentDictionary<string, ConversationReference>(
            store.All().Select(r => KeyValuePair.Create(r.Key, JsonSerializer.Deserialize<ConversationReference>(r.Json, Json)!)));
    }

    public static string KeyOf(ConversationReference r) =>
        r.Email is { Length: > 0 } email ? email.Trim().ToLowerInvariant() : "aad:" + (r.AadObjectId ?? r.UserId);

    public void Save(ConversationReference reference)
    {
        var key = KeyOf(reference);
        // A person known first by object id and later by email keeps one record.
        var older = _byKey.Where(p => p.Value.UserId == reference.UserId && p.Key != key).Select(p => p.Key).ToArray();
        _store.Save(new StoredReference(key, JsonSerializer.Serialize(reference, Json)), older);
        foreach (var gone in older) _byKey.TryRemove(gone, out _);
        _byKey[key] = reference;
    }

    public ConversationReference? FindByEmail(string email) => _byKey.GetValueOrDefault(email.Trim().ToLowerInvariant());

    public ConversationReference? FindByUserId(string userId) => _byKey.Values.FirstOrDefault(r => r.UserId == userId);
}
