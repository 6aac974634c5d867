using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;

namespace SuccessBot.Tests.Teams;

/// <summary>A person chatting with the bot in Teams: builds activities as Microsoft documents them and posts them to /api/messages with a connector token.</summary>
public sealed class TeamsChat(TeamsBotFactory bot, string userId, string? conversationType = "personal", string? conversationId = null)
{
    public const string BotId = "28:" + TeamsBotFactory.AppId;
    private static int _activityIds;
    private readonly HttpClient _http = bot.CreateClient();
    private JsonObject? _lastPosted;

    public string ConversationId { get; } = conversationId ?? "a:1" + userId.Replace(":", "");
    public string UserId => userId;

    /// <summary>Says TEXT with the bot @mentioned, as Teams sends it in a channel (and sometimes in a personal chat).</summary>
    public Task<HttpResponseMessage> Says(string text) => Post(Activity("message", new JsonObject
    {
        ["text"] = $"<at>SuccessBot</at> {text}",
        ["textFormat"] = "plain",
        ["entities"] = new JsonArray
        {
            new JsonObject { ["type"] = "mention", ["text"] = "<at>SuccessBot</at>", ["mentioned"] = new JsonObject { ["id"] = BotId, ["name"] = "SuccessBot" } },
            new JsonObject { ["type"] = "clientInfo", ["locale"] = "en-US", ["country"] = "US", ["platform"] = "Web", ["timezone"] = "Europe/Berlin" },
        },
    }));

    /// <summary>Action.Submit: a message whose value is the button's data with the inputs merged in, replying to the card.</summary>
    public Task<HttpResponseMessage> Submits(JsonObject data, string cardActivityId) => Post(Activity("message", new JsonObject
    {
        ["value"] = data.DeepClone(),
        ["replyToId"] = cardActivityId,
    }));

    /// <summary>Action.Execute: the invoke `adaptiveCard/action`, answered in the same HTTP response.</summary>
    public Task<HttpResponseMessage> Executes(string verb, JsonObject data) => Post(Activity("invoke", new JsonObject
    {
        ["name"] = "adaptiveCard/action",
        ["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["id"] = "action-id", ["verb"] = verb, ["data"] = data.DeepClone() },
            ["trigger"] = "manual",
        },
    }));

    /// <summary>The bot is added to this conversation (conversationUpdate with membersAdded).</summary>
    public Task<HttpResponseMessage> AddsTheBot() => Post(Activity("conversationUpdate", new JsonObject
    {
        ["membersAdded"] = new JsonArray { new JsonObject { ["id"] = BotId }, new JsonObject { ["id"] = userId } },
    }));

    public Task<HttpResponseMessage> Installs() => Post(Activity("installationUpdate", new JsonObject { ["action"] = "add" }));

    public JsonObject Activity(string type, JsonObject fields)
    {
        var activity = new JsonObject
        {
            ["type"] = type,
            ["id"] = $"f:{Interlocked.Increment(ref _activityIds)}",
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            ["localTimestamp"] = DateTimeOffset.Now.ToString("O"),
            ["channelId"] = "msteams",
            ["serviceUrl"] = bot.Connector.Url,
            ["from"] = new JsonObject { ["id"] = userId, ["name"] = "Teams User", ["aadObjectId"] = "aad-" + userId.Replace(":", "") },
            ["conversation"] = new JsonObject { ["conversationType"] = conversationType, ["tenantId"] = TeamsBotFactory.TenantId, ["id"] = ConversationId },
            ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = "SuccessBot" },
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = TeamsBotFactory.TenantId } },
            ["locale"] = "en-US",
        };
        foreach (var (key, value) in fields) activity[key] = value?.DeepClone();
        return activity;
    }

    /// <summary>Posts an activity with a valid connector token, unless told which token (or none) to send.</summary>
    public async Task<HttpResponseMessage> Post(JsonObject activity, string? token = null, bool noToken = false)
    {
        // A busy machine may load the book for longer than the host waits before it listens: asked earlier, the answer is "starting up".
        await bot.Services.GetRequiredService<IBookSource>().WhenReady.WaitAsync(TimeSpan.FromMinutes(2));
        _lastPosted = activity;
        return await PostRaw(activity.ToJsonString(), noToken ? null : token ?? bot.Keys.Token(TeamsBotFactory.AppId, bot.Connector.Url));
    }

    /// <summary>
    /// The cards answering the last activity posted: a delivery round may bring nudges or a digest into the same
    /// conversation as soon as the message saved the person's conversation reference.
    /// </summary>
    public ConnectorCall[] Replies => _lastPosted is null ? [] : RepliesTo(_lastPosted);

    public async Task<HttpResponseMessage> PostRaw(string body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

    /// <summary>Cards the bot posted to this conversation, oldest first.</summary>
    public ConnectorCall[] CardsReceived => bot.Connector.Posted(ConversationId);

    /// <summary>The cards posted in reply to <paramref name="activity"/>: its answer, not a nudge a delivery round brought meanwhile.</summary>
    public ConnectorCall[] RepliesTo(JsonObject activity) => CardsReceived
        .Where(c => c.Body is { } body && body.TryGetProperty("replyToId", out var to) && to.GetString() == activity["id"]!.GetValue<string>()).ToArray();

    public static async Task<JsonElement> Json(HttpResponseMessage response) => JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
}
