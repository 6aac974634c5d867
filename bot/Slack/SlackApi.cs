using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SuccessBot.Slack;

/// <summary>A Web API call that failed: Slack's error code (`"ok": false`), or `ratelimited`, `timeout`, `http_503`.</summary>
public sealed class SlackApiException(string method, string error, bool transient, Exception? inner = null)
    : Exception($"Slack {method} failed: {error}", inner)
{
    private static readonly HashSet<string> TransientErrors = ["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"];

    public string Method { get; } = method;
    public string Error { get; } = error;

    /// <summary>Worth trying again later (rate limit, Slack down, timeout); a wrong request is not.</summary>
    public bool Transient { get; } = transient || TransientErrors.Contains(error);
}

/// <summary>A Slack user as far as SuccessBot cares: whose workspace they belong to and their email.</summary>
public sealed record SlackUser(string Id, string? TeamId, string? Email, bool IsBot, bool Deleted)
{
    /// <summary>The IANA name of the user's time zone (users.info's `tz`, "Europe/Berlin"), when Slack gives one.</summary>
    public string? TimeZone { get; init; }

    /// <summary>The user's Slack language (users.info's `locale` with `include_locale`, "de-DE"), when Slack gives one.</summary>
    public string? Locale { get; init; }
}

/// <summary>A file to share: its name, bytes and type, the title Slack shows and the text read out instead of the picture.</summary>
public sealed record SlackFile(string Name, byte[] Content, string ContentType, string Title, string AltText);

/// <summary>Answers that rarely change (who a user is, the installing workspace), kept for a while across calls.</summary>
public sealed class SlackLookups(TimeProvider clock)
{
    private static readonly TimeSpan Kept = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<string, (object? Value, DateTimeOffset At)> _entries = new(StringComparer.OrdinalIgnoreCase);

    public async Task<T?> GetAsync<T>(string key, Func<Task<T?>> load)
    {
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(key, out var entry) && now - entry.At < Kept) return (T?)entry.Value;
        var value = await load();
        _entries[key] = (value, now);
        return value;
    }
}

/// <summary>
/// Slack's Web API over HTTP (a typed client): JSON or form posts with the bot token; Slack's `"ok": false` becomes a
/// <see cref="SlackApiException"/>. Retrying on 429 is the HTTP pipeline's job (see SlackSetup), nothing else is retried.
/// </summary>
public sealed class SlackApi(HttpClient http, SlackSettings settings, SlackLookups lookups)
{
    public async Task<(string Channel, string Ts)> PostMessageAsync(string channel, JsonObject message, CancellationToken cancel, string? threadTs = null)
    {
        message["channel"] = channel;
        if (threadTs is not null) message["thread_ts"] = threadTs;
        var json = await PostJsonAsync("chat.postMessage", message, cancel);
        return (Text(json, "channel") ?? channel, Text(json, "ts") ?? throw new SlackApiException("chat.postMessage", "no_ts_in_answer", false));
    }

    public async Task UpdateAsync(string channel, string ts, JsonObject message, CancellationToken cancel)
    {
        message["channel"] = channel;
        message["ts"] = ts;
        await PostJsonAsync("chat.update", message, cancel);
    }

    public async Task PostEphemeralAsync(string channel, string user, JsonObject message, CancellationToken cancel)
    {
        message["channel"] = channel;
        message["user"] = user;
        await PostJsonAsync("chat.postEphemeral", message, cancel);
    }

    /// <summary>The direct-message channel between the bot and a user.</summary>
    public async Task<string> OpenConversationAsync(string userId, CancellationToken cancel)
    {
        var json = await PostJsonAsync("conversations.open", new JsonObject { ["users"] = userId }, cancel);
        return json.TryGetProperty("channel", out var c) && Text(c, "id") is { } id ? id : throw new SlackApiException("conversations.open", "no_channel_in_answer", false);
    }

    /// <summary>The Slack user with this email; null when the workspace has none (kept for a while either way).</summary>
    public Task<string?> LookupUserIdAsync(string email, CancellationToken cancel) =>
        lookups.GetAsync("email:" + email.Trim(), async () =>
        {
            try
            {
                var json = await PostFormAsync("users.lookupByEmail", [new("email", email.Trim())], cancel);
                return json.TryGetProperty("user", out var user) ? Text(user, "id") : null;
            }
            catch (SlackApiException e) when (e.Error == "users_not_found")
            {
                return null;
            }
        });

    public Task<SlackUser?> UserAsync(string userId, CancellationToken cancel) =>
        lookups.GetAsync("user:" + userId, async () =>
        {
            var json = await PostFormAsync("users.info", [new("user", userId), new("include_locale", "true")], cancel);
            if (!json.TryGetProperty("user", out var user) || user.ValueKind != JsonValueKind.Object) return null;
            var email = user.TryGetProperty("profile", out var profile) ? Text(profile, "email") : null;
            return new SlackUser(userId, Text(user, "team_id"), email, Flag(user, "is_bot"), Flag(user, "deleted")) { TimeZone = Text(user, "tz"), Locale = Text(user, "locale") };
        });

    /// <summary>Whether a channel is shared with another organisation (Slack Connect): nothing is ever posted there for all to see.</summary>
    public async Task<bool> IsExternallySharedAsync(string channel, CancellationToken cancel)
    {
        var json = await PostFormAsync("conversations.info", [new("channel", channel)], cancel);
        return json.TryGetProperty("channel", out var c) && (Flag(c, "is_ext_shared") || Flag(c, "is_pending_ext_shared"));
    }

    /// <summary>The workspace that installed the bot, and the bot's own user id.</summary>
    public async Task<(string TeamId, string BotUserId)> InstallationAsync(CancellationToken cancel) =>
        await lookups.GetAsync<(string, string)?>("auth.test", async () =>
        {
            var json = await PostJsonAsync("auth.test", [], cancel);
            return (Text(json, "team_id") ?? "", Text(json, "user_id") ?? "");
        }) ?? ("", "");

    public Task OpenViewAsync(string triggerId, JsonObject view, CancellationToken cancel) =>
        PostJsonAsync("views.open", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view }, cancel);

    public Task PublishHomeAsync(string userId, JsonObject view, CancellationToken cancel) =>
        PostJsonAsync("views.publish", new JsonObject { ["user_id"] = userId, ["view"] = view }, cancel);

    /// <summary>A Socket Mode WebSocket URL, asked for with the app-level token.</summary>
    public async Task<Uri> OpenSocketAsync(CancellationToken cancel)
    {
        var json = await SendAsync("apps.connections.open", new StringContent("", Encoding.UTF8, "application/x-www-form-urlencoded"), settings.AppToken, cancel);
        return Text(json, "url") is { } url ? new Uri(url) : throw new SlackApiException("apps.connections.open", "no_url_in_answer", false);
    }

    /// <summary>Posts a message to a slash command's or a click's `response_url` (up to 5 times in 30 minutes).</summary>
    public async Task RespondAsync(string responseUrl, JsonObject message, CancellationToken cancel)
    {
        using var response = await Send("response_url", () => http.PostAsync(responseUrl, Json(message), cancel), cancel);
        if (!response.IsSuccessStatusCode) throw Failure("response_url", response.StatusCode);
    }

    /// <summary>
    /// Shares files in a conversation with Slack's external upload flow: `files.getUploadURLExternal` for each file, its bytes
    /// posted to the URL Slack gave, then one `files.completeUploadExternal` with the channel and the text that introduces them.
    /// </summary>
    public async Task UploadFilesAsync(string channel, IReadOnlyList<SlackFile> files, string? comment, CancellationToken cancel, string? threadTs = null)
    {
        var uploaded = new JsonArray();
        foreach (var file in files)
        {
            var ticket = await PostFormAsync("files.getUploadURLExternal",
                [new("filename", file.Name), new("length", file.Content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("alt_txt", BlockKit.Cut(file.AltText, MaxAltText))], cancel);
            if (Text(ticket, "upload_url") is not { } url || Text(ticket, "file_id") is not { } id)
                throw new SlackApiException("files.getUploadURLExternal", "no_upload_url_in_answer", false);
            // The upload URL is signed by Slack: the bytes go as they are, without the bot token.
            var content = new ByteArrayContent(file.Content);
            content.Headers.ContentType = new(file.ContentType);
            using var response = await Send("file upload", () => http.PostAsync(url, content, cancel), cancel);
            if (!response.IsSuccessStatusCode) throw Failure("file upload", response.StatusCode);
            uploaded.Add(new JsonObject { ["id"] = id, ["title"] = file.Title });
        }
        var fields = new List<KeyValuePair<string, string>> { new("files", uploaded.ToJsonString()), new("channel_id", channel) };
        if (comment is not null) fields.Add(new("initial_comment", comment));
        if (threadTs is not null) fields.Add(new("thread_ts", threadTs));
        await PostFormAsync("files.completeUploadExternal", fields.ToArray(), cancel);
    }

    /// <summary>Slack keeps a file's alt text up to this many characters.</summary>
    public const int MaxAltText = 1000;

    public Task<JsonElement> PostJsonAsync(string method, JsonObject body, CancellationToken cancel) =>
        SendAsync(method, Json(body), settings.BotToken, cancel);

    // Slack's read methods (users.info, users.lookupByEmail, conversations.info) take form fields, not JSON.
    private Task<JsonElement> PostFormAsync(string method, KeyValuePair<string, string>[] fields, CancellationToken cancel) =>
        SendAsync(method, new FormUrlEncodedContent(fields), settings.BotToken, cancel);

    private async Task<JsonElement> SendAsync(string method, HttpContent content, string? token, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, method) { Content = content };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await Send(method, () => http.SendAsync(request, cancel), cancel);
        if (!response.IsSuccessStatusCode) throw Failure(method, response.StatusCode);
        JsonElement json;
        try
        {
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancel), cancellationToken: cancel);
            json = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new SlackApiException(method, "invalid_json_answer", transient: true, e);
        }
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("ok", out var ok) || ok.ValueKind != JsonValueKind.True)
            throw new SlackApiException(method, json.ValueKind == JsonValueKind.Object ? Text(json, "error") ?? "unknown_error" : "invalid_json_answer", transient: false);
        return json;
    }

    private static async Task<HttpResponseMessage> Send(string method, Func<Task<HttpResponseMessage>> send, CancellationToken cancel)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException e)
        {
            throw new SlackApiException(method, "connection_failed", transient: true, e);
        }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
        {
            // HttpClient's timeout: whether Slack acted is unknown, so the caller decides; nothing here sends it again.
            throw new SlackApiException(method, "timeout", transient: true, e);
        }
    }

    private static SlackApiException Failure(string method, HttpStatusCode status) =>
        new(method, status == HttpStatusCode.TooManyRequests ? "ratelimited" : $"http_{(int)status}", transient: (int)status >= 500 || status == HttpStatusCode.TooManyRequests);

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    public static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The named member when it is an object; an undefined element otherwise (what Slack sent may have any shape).</summary>
    public static JsonElement Child(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : default;

    public static bool Flag(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
