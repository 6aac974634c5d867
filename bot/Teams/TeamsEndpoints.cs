using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using SuccessBot.Core.Nudges;
using SuccessBot.Web;

namespace SuccessBot.Teams;

/// <summary>Registers the Teams adapter: `POST /api/messages`, the connector's HTTP clients with retries, and the Teams delivery channel.</summary>
public static class TeamsEndpoints
{
    public const string Path = "/api/messages";
    public const int MaxBodyBytes = 256 * 1024;

    public static void AddTeams(this WebApplicationBuilder builder)
    {
        var settings = TeamsSettings.From(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton<ConversationReferences>();
        services.AddSingleton<OutsiderCache>();
        services.AddSingleton<ChannelTokenValidator>();
        services.AddSingleton<BotTokenProvider>();
        services.AddTransient<SuccessBotTeamsBot>();
        services.AddHttpClient(ChannelTokenValidator.MetadataClient);
        services.AddHttpClient(BotTokenProvider.TokenClient).AddResilienceHandler("teams-token", Retries);
        services.AddHttpClient<BotConnector>().AddResilienceHandler("teams-connector", Retries);
        services.AddSingleton<TeamsChannel>();
        services.AddSingleton<IChatChannel>(s => s.GetRequiredService<TeamsChannel>());
        // Polly logs every successful attempt at Information; retries and failures still show as warnings.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
    }

    public static void MapTeams(this WebApplication app)
    {
        // The references are read from the store now, before the scheduler's jobs start using it from other threads.
        app.Services.GetRequiredService<ConversationReferences>();
        app.MapPost(Path, Receive);
    }

    /// <summary>
    /// 429, 412, 5xx and timeouts wait and try again, exponentially with jitter, honouring Retry-After
    /// (msteams-docs, rate limits); a send that still fails is reported, and the nudge ledger tries it later.
    /// </summary>
    private static void Retries(ResiliencePipelineBuilder<HttpResponseMessage> pipeline) => pipeline
        .AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 4,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromSeconds(1),
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
            {
                { Exception: HttpRequestException or Polly.Timeout.TimeoutRejectedException } => true,
                { Result: { } response } => IsTransient(response.StatusCode),
                _ => false,
            }),
        })
        .AddTimeout(TimeSpan.FromSeconds(15));

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.PreconditionFailed or HttpStatusCode.RequestTimeout || (int)status >= 500;

    private static async Task<IResult> Receive(HttpContext http, TeamsSettings settings, ChannelTokenValidator validator, SuccessBotTeamsBot bot, BotConnector connector, ILogger<SuccessBotTeamsBot> log)
    {
        var cancel = http.RequestAborted;
        ValidatedToken? token = null;
        if (!settings.Authenticates && !IsLoopback(http))
            return Refuse("Teams:AppId is not set, so only local tools on this machine may call without a token");
        if (settings.Authenticates)
        {
            var (validated, problem) = await validator.ValidateAsync(http.Request.Headers.Authorization.ToString() is { Length: > 0 } h ? h : null, cancel);
            if (validated is null) return Refuse(problem!);
            token = validated;
        }
        if (!http.Request.HasJsonContentType()) return Problem(415, "Send the activity as JSON (Content-Type: application/json).");
        var (read, unread) = await JsonInput.ReadBodyAsync(http.Request, MaxBodyBytes);
        if (read is not { } body) return unread!;
        Activity? activity;
        try
        {
            activity = JsonInput.Deserialize<Activity>(body, Activity.Json);
        }
        catch (JsonException e)
        {
            return Problem(400, e.Message);
        }
        if (activity is null || string.IsNullOrEmpty(activity.Type)) return Problem(400, "The activity has no type.");
        if (token?.ProblemWith(activity) is { } mismatch) return Refuse(mismatch);
        if (string.IsNullOrEmpty(activity.ServiceUrl) || activity.Conversation?.Id is null || activity.From?.Id is null || activity.Recipient?.Id is null)
            return Problem(400, "The activity needs serviceUrl, conversation.id, from.id and recipient.id.");
        // The answer is posted to serviceUrl: in emulator mode nothing vouches for it, so it must at least be a web address.
        if (!Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out var serviceUrl) || serviceUrl.Scheme is not ("http" or "https"))
            return Problem(400, "The activity's serviceUrl is not an http or https URL.");

        try
        {
            var response = await bot.OnTurnAsync(new TurnContext(activity, connector, cancel));
            return response.Body is null ? Results.StatusCode(response.Status) : Results.Json(response.Body, Activity.Json, statusCode: response.Status);
        }
        catch (ConnectorException e)
        {
            log.LogError("Teams: the answer to a {Type} activity could not be sent: {Why}", activity.Type, e.Message);
            return Problem(502, "The answer could not be sent to the Bot Framework connector.");
        }
    }

    /// <summary>Says at start whether Teams requests are authenticated, or open to local tools only.</summary>
    public static void SayWhatIsOn(TeamsSettings settings, ILogger log)
    {
        if (settings.Authenticates)
            log.LogInformation("Teams: on at {Path} for app {AppId}; connector tokens checked against {Metadata}", Path, settings.AppId, settings.OpenIdMetadataUrl);
        else
            log.LogWarning("Teams: Teams:AppId is not set, so {Path} accepts UNAUTHENTICATED requests from this machine only (the local Teams emulator); set Teams:AppId and Teams:AppPassword for a real tenant", Path);
    }

    private static bool IsLoopback(HttpContext http) => http.Connection.RemoteIpAddress is not { } address || IPAddress.IsLoopback(address);

    /// <summary>The caller is told no more than "Unauthorized."; the log line says why.</summary>
    private static IResult Refuse(string why) => JsonInput.Problem(401, "Unauthorized.", logged: $"Unauthorized: {why}.");

    private static IResult Problem(int status, string error) => JsonInput.Problem(status, error);
}
