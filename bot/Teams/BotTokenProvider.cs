using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace SuccessBot.Teams;

/// <summary>The bot's own token for the connector, by client credentials, kept until shortly before it expires.</summary>
public sealed class BotTokenProvider(TeamsSettings settings, IHttpClientFactory http, TimeProvider clock)
{
    public const string TokenClient = "teams-token";
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _asking = new(1, 1);
    private (string Token, DateTimeOffset Until)? _cached;

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);

    /// <summary>The bearer token, or null when no app id is set (the local emulator takes none).</summary>
    public async Task<string?> TokenAsync(CancellationToken cancel)
    {
        if (!settings.Authenticates) return null;
        if (_cached is { } c && clock.GetUtcNow() < c.Until) return c.Token;
        await _asking.WaitAsync(cancel);
        try
        {
            if (_cached is { } again && clock.GetUtcNow() < again.Until) return again.Token;
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = settings.AppId!,
                ["client_secret"] = settings.AppPassword ?? "",
                ["scope"] = TeamsSettings.ConnectorScope,
            });
            using var response = await http.CreateClient(TokenClient).PostAsync(settings.TokenEndpoint, form, cancel);
            if (!response.IsSuccessStatusCode)
                throw new ConnectorException(response.StatusCode, $"the token endpoint answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancel)}");
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancel);
            if (token?.AccessToken is not { Length: > 0 } access) throw new ConnectorException(response.StatusCode, "the token endpoint gave no access_token");
            _cached = (access, clock.GetUtcNow() + TimeSpan.FromSeconds(token.ExpiresIn) - RenewBefore);
            return access;
        }
        finally
        {
            _asking.Release();
        }
    }
}
