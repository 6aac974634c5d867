using System.Text.Json;
using System.Text.Json.Serialization;

namespace SuccessBot.Teams;

/// <summary>A Bot Framework activity, with the fields SuccessBot reads or writes (the protocol has many more).</summary>
public sealed record Activity
{
    public string? Type { get; init; }
    public string? Id { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
    public string? ServiceUrl { get; init; }
    public string? ChannelId { get; init; }
    public ChannelAccount? From { get; init; }
    public ConversationAccount? Conversation { get; init; }
    public ChannelAccount? Recipient { get; init; }
    public string? Text { get; init; }
    public string? TextFormat { get; init; }
    public string? Locale { get; init; }

    /// <summary>The sender's IANA time zone ("Europe/Berlin"), as the client tells it.</summary>
    public string? LocalTimezone { get; init; }
    public string? Name { get; init; }
    public string? ReplyToId { get; init; }

    /// <summary>installationUpdate: "add" or "remove".</summary>
    public string? Action { get; init; }
    public JsonElement? Value { get; init; }
    public IReadOnlyList<ChannelAccount>? MembersAdded { get; init; }
    public IReadOnlyList<JsonElement>? Entities { get; init; }
    public JsonElement? ChannelData { get; init; }
    public IReadOnlyList<Attachment>? Attachments { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
}

public static class ActivityTypes
{
    public const string Message = "message", ConversationUpdate = "conversationUpdate", InstallationUpdate = "installationUpdate", Invoke = "invoke";
}

public sealed record ChannelAccount(string? Id, string? Name = null)
{
    public string? AadObjectId { get; init; }
}

public sealed record ConversationAccount(string? Id)
{
    public string? TenantId { get; init; }

    /// <summary>"personal", "groupChat" or "channel".</summary>
    public string? ConversationType { get; init; }
    public bool? IsGroup { get; init; }
}

public sealed record Attachment(string ContentType, JsonElement Content);

/// <summary>A member as `GET v3/conversations/{id}/members/{userId}` returns it (botbuilder's TeamsChannelAccount); <see cref="UserRole"/>: "user", "guest" or "anonymous".</summary>
public sealed record TeamsMember(string? Id, string? Name, string? Email, string? UserPrincipalName, string? AadObjectId)
{
    public string? TenantId { get; init; }
    public string? UserRole { get; init; }
}

/// <summary>A page of `GET v3/conversations/{id}/pagedmembers` (botbuilder's TeamsPagedMembersResult).</summary>
public sealed record TeamsMembersPage(string? ContinuationToken, IReadOnlyList<TeamsMember>? Members);
