using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SuccessBot.Web;

/// <summary>
/// Requests broken below the endpoints (a bad chunk, a body that stalls or is over Kestrel's size, a URL or headers too
/// long) get the JSON shape of every other refusal, `{"error": "..."}` with the reason, and one warning line in the log.
/// </summary>
public static class RequestErrors
{
    public const int MaxRequestTargetBytes = 8 * 1024, MaxHeaderBytes = 32 * 1024;

    /// <summary>
    /// Kestrel answers a request line or headers over its own limits itself, with an empty body and no way to add one;
    /// its limits sit at twice ours, so that a request over ours is answered here, by name.
    /// </summary>
    public static void Limits(KestrelServerOptions kestrel)
    {
        kestrel.Limits.MaxRequestLineSize = 2 * MaxRequestTargetBytes;
        kestrel.Limits.MaxRequestHeadersTotalSize = 2 * MaxHeaderBytes;
    }

    public static void UseRequestErrors(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SuccessBot.Requests");
        app.Use(async (http, next) =>
        {
            if (TooLong(http) is { } refusal)
            {
                await RefuseAsync(http, log, refusal.Status, refusal.Reason);
                return;
            }
            try
            {
                await next(http);
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (!http.Response.HasStarted)
            {
                await RefuseAsync(http, log, e.StatusCode, $"The request could not be read: {e.Message}");
            }
        });
    }

    private static (int Status, string Reason)? TooLong(HttpContext http)
    {
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (target.Length > MaxRequestTargetBytes)
            return (StatusCodes.Status414RequestUriTooLong, $"The URL is longer than {MaxRequestTargetBytes / 1024} KB.");
        var headers = http.Request.Headers.Sum(h => h.Key.Length + 4 + h.Value.Sum(v => v?.Length ?? 0));
        if (headers > MaxHeaderBytes)
            return (StatusCodes.Status431RequestHeaderFieldsTooLarge, $"The request headers are larger than {MaxHeaderBytes / 1024} KB.");
        return null;
    }

    private static Task RefuseAsync(HttpContext http, ILogger log, int status, string reason)
    {
        log.LogWarning("Refused {Method} {Path} from {Remote}: {Status} {Reason}", http.Request.Method, http.Request.Path.Value is { Length: > 200 } p ? p[..200] + "…" : http.Request.Path.Value,
            http.Connection.RemoteIpAddress, status, reason);
        return JsonInput.Problem(status, reason).ExecuteAsync(http);
    }
}
