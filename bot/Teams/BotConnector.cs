using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SuccessBot.Teams;

/// <summary>A call to the connector that failed after the retries; <see cref="Status"/> says whether trying later can help.</summary>
public sealed class ConnectorException(HttpStatusCode? status, string message) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;

    /// <summary>403 (the user blocked or removed the bot) and 404 will not get better by waiting.</summary>
    public bool Permanent => Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.BadRequest;
}

/// <summary>The Bot Framework connector's REST API (v3), as botbuilder's ConnectorClient speaks it; retries are the HttpClient's.</summary>
public sealed class BotConnector(HttpClient http, BotTokenProvider tokens)
{
    private sealed record ResourceResponse(string? Id);

    /// <summary>Posts an activity to a conversation; returns the new activity's id.</summary>
    public async Task<string> SendAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancel) =>
        await Call<ResourceResponse>(HttpMethod.Post, serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities", activity, cancel) is { Id: { Length: > 0 } id }
            ? id : throw new ConnectorException(null, "the connector returned no activity id");

    /// <summary>Replaces an activity sent before (a card whose button was used).</summary>
    public Task UpdateAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancel) =>
        Call<ResourceResponse>(HttpMethod.Put, serviceUrl,
            $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities/{Uri.EscapeDataString(activityId)}", activity with { Id = activityId }, cancel);

    /// <summary>Opens a one-to-one chat with a user for a proactive message; returns its conversation id.</summary>
    public async Task<string> CreateConversationAsync(string serviceUrl, string botId, string userId, string? tenantId, CancellationToken cancel)
    {
        var body = new
        {
            isGroup = false,
            bot = new { id = botId },
            members = new[] { new { id = userId } },
            tenantId,
            channelData = tenantId is null ? null : new { tenant = new { id = tenantId } },
        };
        return await Call<ResourceResponse>(HttpMethod.Post, serviceUrl, "v3/conversations", body, cancel) is { Id: { Length: > 0 } id }
            ? id : throw new ConnectorException(null, "the connector created no conversation id");
    }

    /// <summary>A member with their email and UPN (activities carry only ids), as TeamsInfo.GetMemberAsync.</summary>
    public Task<TeamsMember?> GetMemberAsync(string serviceUrl, string conversationId, string userId, CancellationToken cancel) =>
        Call<TeamsMember>(HttpMethod.Get, serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/members/{Uri.EscapeDataString(userId)}", null, cancel);

    /// <summary>Everyone in a conversation (or a team, by its id), page by page, as TeamsInfo.GetPagedMembersAsync.</summary>
    public async Task<IReadOnlyList<TeamsMember>> GetMembersAsync(string serviceUrl, string conversationId, CancellationToken cancel)
    {
        var members = new List<TeamsMember>();
        string? next = null;
        do
        {
            var page = await Call<TeamsMembersPage>(HttpMethod.Get, serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/pagedmembers?pageSize=500"
                + (next is null ? "" : "&continuationToken=" + Uri.EscapeDataString(next)), null, cancel);
            members.AddRange(page?.Members ?? []);
            next = page?.ContinuationToken is { Length: > 0 } token && token != next ? token : null;
        }
        while (next is not null);
        return members;
    }

    private async Task<T?> Call<T>(HttpMethod method, string serviceUrl, string path, object? body, CancellationToken cancel) where T : class
    {
        using var request = new HttpRequestMessage(method, new Uri(new Uri(serviceUrl.TrimEnd('/') + "/"), path));
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Activity.Json);
        if (await tokens.TokenAsync(cancel) is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try { response = await http.SendAsync(request, cancel); }
        catch (HttpRequestException e) { throw new ConnectorException(null, $"{method} {path}: {e.Message}"); }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new ConnectorException(response.StatusCode, $"{method} {path}: the connector answered {(int)response.StatusCode} {await Short(response, cancel)}");
            var text = await response.Content.ReadAsStringAsync(cancel);
            return text.Length == 0 ? null : JsonSerializer.Deserialize<T>(text, Activity.Json);
        }
    }

    private static async Task<string> Short(HttpResponseMessage response, CancellationToken cancel)
    {
        var text = await response.Content.ReadAsStringAsync(cancel);
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
