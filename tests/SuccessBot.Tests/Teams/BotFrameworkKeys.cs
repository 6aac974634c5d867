using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SuccessBot.Teams;

namespace SuccessBot.Tests.Teams;

/// <summary>
/// The Bot Framework's OpenID metadata and JWKS as login.botframework.com serves them (each key with its
/// `endorsements`), from a local server, and connector tokens signed with that key.
/// </summary>
public sealed class BotFrameworkKeys : IAsyncDisposable
{
    public const string KeyId = "test-signing-key";
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _strangerKey = RSA.Create(2048);
    private LocalServer _server = null!;

    public string MetadataUrl => _server.Url + "v1/.well-known/openidconfiguration";

    public static async Task<BotFrameworkKeys> StartAsync()
    {
        var keys = new BotFrameworkKeys();
        keys._server = await LocalServer.StartAsync(keys.Serve);
        return keys;
    }

    private Task Serve(HttpContext http)
    {
        var p = _key.ExportParameters(false);
        object body = http.Request.Path.Value switch
        {
            "/v1/.well-known/openidconfiguration" => new Dictionary<string, object>
            {
                ["issuer"] = TeamsSettings.BotFrameworkIssuer,
                ["authorization_endpoint"] = "https://invalid.botframework.com",
                ["jwks_uri"] = _server.Url + "v1/keys",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt" },
            },
            "/v1/keys" => new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", kid = KeyId, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent), endorsements = new[] { "msteams", "emulator" } },
                },
            },
            _ => new { error = "not found" },
        };
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    /// <summary>A token as the connector sends it; each argument changes one thing the bot must check.</summary>
    public string Token(string audience, string serviceUrl, string issuer = TeamsSettings.BotFrameworkIssuer, DateTime? expires = null, bool strangerKey = false)
    {
        var exp = expires ?? DateTime.UtcNow.AddHours(1);
        var key = new RsaSecurityKey(strangerKey ? _strangerKey : _key) { KeyId = strangerKey ? "stranger-key" : KeyId };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = exp.AddHours(-1),
            NotBefore = exp.AddHours(-1),
            Expires = exp,
            Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl, ["appid"] = "bot-framework-connector" },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _key.Dispose();
        _strangerKey.Dispose();
    }
}
