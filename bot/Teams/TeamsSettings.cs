namespace SuccessBot.Teams;

/// <summary>The `Teams:*` keys: who the bot is in the Bot Framework, and where its keys and tokens come from.</summary>
public sealed record TeamsSettings
{
    public const string BotFrameworkMetadata = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    public const string BotFrameworkIssuer = "https://api.botframework.com";
    public const string ConnectorScope = "https://api.botframework.com/.default";

    /// <summary>The bot's Microsoft App ID; without it the bot accepts unauthenticated requests (local emulator only).</summary>
    public string? AppId { get; init; }
    public string? AppPassword { get; init; }

    /// <summary>Set for single-tenant bots: tokens are then asked from that tenant instead of botframework.com.</summary>
    public string? TenantId { get; init; }
    public string OpenIdMetadataUrl { get; init; } = BotFrameworkMetadata;
    public string? TokenEndpointOverride { get; init; }

    public bool Authenticates => !string.IsNullOrEmpty(AppId);

    public string TokenEndpoint => TokenEndpointOverride
        ?? $"https://login.microsoftonline.com/{(string.IsNullOrEmpty(TenantId) ? "botframework.com" : TenantId)}/oauth2/v2.0/token";

    public static TeamsSettings From(IConfiguration config) => new()
    {
        AppId = Value(config, "Teams:AppId"),
        AppPassword = Value(config, "Teams:AppPassword"),
        TenantId = Value(config, "Teams:TenantId"),
        OpenIdMetadataUrl = Value(config, "Teams:OpenIdMetadataUrl") ?? BotFrameworkMetadata,
        TokenEndpointOverride = Value(config, "Teams:TokenEndpoint"),
    };

    private static string? Value(IConfiguration config, string key) => config[key] is { Length: > 0 } v ? v.Trim() : null;
}
