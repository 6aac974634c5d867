using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SuccessBot.Tests.Teams;

/// <summary>One request the bot made to the connector or the token endpoint.</summary>
public sealed record ConnectorCall(string Method, string Path, string? Authorization, JsonElement? Body)
{
    /// <summary>The Adaptive Card of a posted activity.</summary>
    public JsonElement Card => Body!.Value.GetProperty("attachments")[0].GetProperty("content");

    public string CardTitle => Card.GetProperty("body")[0].GetProperty("text").GetString()!;
}

/// <summary>
/// The Bot Framework connector (v3 REST) and the Entra token endpoint on a local server: records every call, knows
/// members' emails, and answers the next calls with a failure (429, 503) when told to.
/// </summary>
public sealed class FakeConnector : IAsyncDisposable
{
    private LocalServer _server = null!;
    private int _ids;
    private readonly ConcurrentQueue<int> _failures = new();

    public ConcurrentQueue<ConnectorCall> Calls { get; } = new();
    public ConcurrentDictionary<string, string> Emails { get; } = new();

    /// <summary>The members `pagedmembers` lists for a conversation (TeamsChannelAccount objects); none when not set.</summary>
    public ConcurrentDictionary<string, object[]> Rosters { get; } = new();

    /// <summary>Users who blocked the bot: a one-to-one chat with them cannot be created (403).</summary>
    public ConcurrentDictionary<string, bool> Blocked { get; } = new();
    public string Url => _server.Url;
    public string TokenEndpoint => _server.Url + "botframework.com/oauth2/v2.0/token";

    public static async Task<FakeConnector> StartAsync()
    {
        var connector = new FakeConnector();
        connector._server = await LocalServer.StartAsync(connector.Serve);
        return connector;
    }

    /// <summary>The next connector calls (not token requests) fail with these statuses, with Retry-After: 1.</summary>
    public void FailNext(params int[] statuses)
    {
        foreach (var status in statuses) _failures.Enqueue(status);
    }

    public ConnectorCall[] Posted(string? conversationId = null) => Calls
        .Where(c => c.Method == "POST" && c.Path.EndsWith("/activities", StringComparison.Ordinal)
            && (conversationId is null || c.Path == $"/v3/conversations/{conversationId}/activities"))
        .ToArray();

    private async Task Serve(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        var raw = await new StreamReader(http.Request.Body).ReadToEndAsync();
        JsonElement? body = http.Request.HasJsonContentType() && raw.Length > 0 ? JsonSerializer.Deserialize<JsonElement>(raw) : null;
        Calls.Enqueue(new ConnectorCall(http.Request.Method, path, http.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, body));

        if (path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal))
        {
            var form = System.Web.HttpUtility.ParseQueryString(raw);
            if (form["grant_type"] != "client_credentials" || form["scope"] != "https://api.botframework.com/.default") { http.Response.StatusCode = 400; return; }
            await Json(http, new { token_type = "Bearer", expires_in = 3600, access_token = $"bot-token-{Interlocked.Increment(ref _ids)}" });
            return;
        }
        if (_failures.TryDequeue(out var failure))
        {
            http.Response.StatusCode = failure;
            http.Response.Headers.RetryAfter = "1";
            return;
        }
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (http.Request.Method, parts)
        {
            case ("GET", ["v3", "conversations", _, "members", var user]):
                if (Emails.TryGetValue(user, out var email)) await Json(http, new { id = user, name = email.Split('@')[0], email, userPrincipalName = email });
                else http.Response.StatusCode = 404;
                return;
            case ("GET", ["v3", "conversations", var conversation, "pagedmembers"]):
                await Json(http, new { members = Rosters.GetValueOrDefault(conversation, []) });
                return;
            case ("POST", ["v3", "conversations"]):
                if (Blocked.ContainsKey(body!.Value.GetProperty("members")[0].GetProperty("id").GetString()!)) { http.Response.StatusCode = 403; return; }
                await Json(http, new { id = $"a:created-{Interlocked.Increment(ref _ids)}" });
                return;
            case ("POST", ["v3", "conversations", _, "activities"]):
                await Json(http, new { id = $"activity-{Interlocked.Increment(ref _ids)}" });
                return;
            case ("PUT", ["v3", "conversations", _, "activities", var id]):
                await Json(http, new { id });
                return;
            default:
                http.Response.StatusCode = 404;
                return;
        }
    }

    private static Task Json(HttpContext http, object body)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
