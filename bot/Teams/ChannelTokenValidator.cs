using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Tokens;

namespace SuccessBot.Teams;

/// <summary>The connector's signing keys, with each key's endorsements: the channels (`msteams`) it may sign for.</summary>
public sealed record BotSigningKeys(IReadOnlyList<SecurityKey> Keys, IReadOnlyDictionary<string, string[]> Endorsements);

/// <summary>Reads the OpenID metadata, then its JWKS, keeping the `endorsements` that standard OpenID types drop (as botbuilder's EndorsementsRetriever does).</summary>
public sealed class SigningKeysRetriever : IConfigurationRetriever<BotSigningKeys>
{
    public async Task<BotSigningKeys> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        using var metadata = JsonDocument.Parse(await retriever.GetDocumentAsync(address, cancel));
        var jwksUri = metadata.RootElement.TryGetProperty("jwks_uri", out var uri) && uri.GetString() is { Length: > 0 } u ? u
            : throw new InvalidOperationException($"The OpenID metadata at {address} names no jwks_uri.");
        var jwks = await retriever.GetDocumentAsync(jwksUri, cancel);
        var endorsements = new Dictionary<string, string[]>(StringComparer.Ordinal);
        using (var raw = JsonDocument.Parse(jwks))
        {
            foreach (var key in raw.RootElement.GetProperty("keys").EnumerateArray())
            {
                if (key.TryGetProperty("kid", out var kid) && kid.GetString() is { } id && key.TryGetProperty("endorsements", out var list) && list.ValueKind == JsonValueKind.Array)
                    endorsements[id] = list.EnumerateArray().Select(e => e.GetString()).OfType<string>().ToArray();
            }
        }
        return new BotSigningKeys(new JsonWebKeySet(jwks).GetSigningKeys().ToArray(), endorsements);
    }
}

/// <summary>A token that passed: its claims, and the key that signed it.</summary>
public sealed record ValidatedToken(IReadOnlyDictionary<string, object> Claims, string? KeyId, IReadOnlyList<string> Endorsements)
{
    /// <summary>What botbuilder checks once the activity is read: the key is endorsed for its channel and the token names its serviceUrl.</summary>
    public string? ProblemWith(Activity activity)
    {
        if (string.IsNullOrEmpty(activity.ChannelId) || !Endorsements.Contains(activity.ChannelId, StringComparer.Ordinal))
            return $"the signing key is not endorsed for channel \"{activity.ChannelId}\"";
        var serviceUrl = Claims.TryGetValue("serviceurl", out var claim) ? claim as string : null;
        if (serviceUrl is null || !string.Equals(serviceUrl, activity.ServiceUrl, StringComparison.OrdinalIgnoreCase))
            return "the token's serviceurl claim is not the activity's serviceUrl";
        return null;
    }
}

/// <summary>
/// Validates the Bot Framework connector's bearer token as botbuilder's JwtTokenExtractor and ChannelValidation do:
/// RS256 signature by a key from the OpenID metadata, issuer, audience = our app id, lifetime with 5 minutes' skew.
/// </summary>
public sealed class ChannelTokenValidator
{
    public const string MetadataClient = "teams-openid";
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);
    private readonly ConfigurationManager<BotSigningKeys> _keys;
    private readonly TeamsSettings _settings;
    private readonly TimeProvider _clock;
    private readonly JsonWebTokenHandler _handler = new();

    public ChannelTokenValidator(TeamsSettings settings, IHttpClientFactory http, TimeProvider clock)
    {
        _settings = settings;
        _clock = clock;
        // HTTPS is required except on loopback, where only a developer's or a test's own metadata server can be.
        var local = Uri.TryCreate(settings.OpenIdMetadataUrl, UriKind.Absolute, out var uri) && uri.IsLoopback;
        _keys = new ConfigurationManager<BotSigningKeys>(settings.OpenIdMetadataUrl, new SigningKeysRetriever(),
            new HttpDocumentRetriever(http.CreateClient(MetadataClient)) { RequireHttps = !local });
    }

    /// <summary>The token's claims, or why it is refused.</summary>
    public async Task<(ValidatedToken? Token, string? Problem)> ValidateAsync(string? authorization, CancellationToken cancel)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= 7)
            return (null, "no bearer token");
        var token = authorization[7..].Trim();
        BotSigningKeys keys;
        try { keys = await _keys.GetConfigurationAsync(cancel); }
        catch (InvalidOperationException failed) { return (null, $"the signing keys could not be read ({failed.Message})"); }
        var result = await _handler.ValidateTokenAsync(token, Parameters(keys));
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // Keys roll over: read the metadata again once (the manager limits how often) before refusing.
            _keys.RequestRefresh();
            try { keys = await _keys.GetConfigurationAsync(cancel); }
            catch (InvalidOperationException failed) { return (null, $"the signing keys could not be read ({failed.Message})"); }
            result = await _handler.ValidateTokenAsync(token, Parameters(keys));
        }
        if (!result.IsValid) return (null, result.Exception?.GetType().Name ?? "invalid token");
        var kid = (result.SecurityToken as JsonWebToken)?.Kid;
        var endorsements = kid is not null && keys.Endorsements.TryGetValue(kid, out var e) ? e : [];
        return (new ValidatedToken(result.Claims.AsReadOnly(), kid, endorsements), null);
    }

    public static bool Fresh(DateTime? notBefore, DateTime? expires, DateTime now) =>
        expires is { } exp && now <= exp.ToUniversalTime() + Skew && (notBefore is not { } nbf || now >= nbf.ToUniversalTime() - Skew);

    private TokenValidationParameters Parameters(BotSigningKeys keys) => new()
    {
        ValidateIssuer = true,
        ValidIssuer = TeamsSettings.BotFrameworkIssuer,
        ValidateAudience = true,
        ValidAudience = _settings.AppId,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = Skew,
        // The library reads the system clock; the host's TimeProvider decides instead, so tests can move time.
        LifetimeValidator = (notBefore, expires, _, _) => Fresh(notBefore, expires, _clock.GetUtcNow().UtcDateTime),
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        IssuerSigningKeys = keys.Keys,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
    };
}
