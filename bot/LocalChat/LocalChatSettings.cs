namespace SuccessBot.LocalChat;

/// <summary>`LocalChat:*`: sign-in with OpenID Connect where the chat is not on loopback only, and what it keeps in memory.</summary>
public sealed record LocalChatSettings
{
    public const int DefaultMaxPeople = 1_000;

    /// <summary>The OpenID provider's issuer URL (its metadata is at `/.well-known/openid-configuration` below it).</summary>
    public string Authority { get; init; } = "";
    public string ClientId { get; init; } = "";
    public string ClientSecret { get; init; } = "";

    /// <summary>Take the token's `email` without `email_verified` (a single-tenant Entra ID, whose emails the organisation assigns).</summary>
    public bool TrustEmailClaim { get; init; }

    /// <summary>Sign-in even on loopback: a proxy on the same machine publishes a loopback listener to the world.</summary>
    public bool RequireSignIn { get; init; }

    /// <summary>Conversations kept at most; the least recently used one without an open page makes room for a new one.</summary>
    public int MaxPeople { get; init; } = DefaultMaxPeople;

    /// <summary>The sign-in settings not given, by their keys.</summary>
    public IReadOnlyList<string> MissingSignInKeys =>
        new[] { ("LocalChat:Authority", Authority), ("LocalChat:ClientId", ClientId), ("LocalChat:ClientSecret", ClientSecret) }
            .Where(k => k.Item2.Length == 0).Select(k => k.Item1).ToArray();

    public bool SignInConfigured => MissingSignInKeys.Count == 0;

    /// <summary>http is allowed only for a provider on this machine (a test or a local provider); anywhere else the metadata comes over https.</summary>
    public bool AuthorityIsLoopback => Uri.TryCreate(Authority, UriKind.Absolute, out var uri) && uri.IsLoopback;

    public static LocalChatSettings From(IConfiguration config)
    {
        string Text(string key) => config[key]?.Trim() ?? "";
        var settings = new LocalChatSettings
        {
            Authority = Text("LocalChat:Authority"),
            ClientId = Text("LocalChat:ClientId"),
            ClientSecret = Text("LocalChat:ClientSecret"),
            TrustEmailClaim = Flag(config, "LocalChat:TrustEmailClaim"),
            RequireSignIn = Flag(config, "LocalChat:RequireSignIn"),
            MaxPeople = Settings.WholeNumber(config, "LocalChat:MaxPeople", DefaultMaxPeople, min: 1),
        };
        if (settings.Authority.Length > 0)
        {
            if (!Uri.TryCreate(settings.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
                throw new InvalidSettingException($"LocalChat:Authority: \"{settings.Authority}\" is not an http(s) URL.");
            if (authority.Scheme == "http" && !authority.IsLoopback)
                throw new InvalidSettingException($"LocalChat:Authority: \"{settings.Authority}\" must be https (http is allowed only for a provider on loopback).");
        }
        return settings;
    }

    private static bool Flag(IConfiguration config, string key) =>
        config[key] is not { Length: > 0 } text ? false
        : bool.TryParse(text, out var on) ? on
        : throw new InvalidSettingException($"{key}: \"{text}\" is not true or false.");
}
