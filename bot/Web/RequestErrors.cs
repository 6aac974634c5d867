using System.Buffers;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Primitives;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace SuccessBot.Web;

/// <summary>
/// Requests broken below the endpoints (a bad chunk, a body that stalls, a URL or headers too long) get the JSON shape of
/// every other refusal, `{"error": "..."}` with the reason; every refusal, these and the endpoints' own 4xx, is one
/// warning line in the log (`SuccessBot.Requests`), never an error with a stack trace.
/// </summary>
public static class RequestErrors
{
    public const int MaxRequestTargetBytes = 8 * 1024, MaxHeaderBytes = 32 * 1024, MaxHeaderCount = 100;
    public const string LogCategory = "SuccessBot.Requests";

    // Kestrel's DiagnosticSource event for a request it refuses itself (aspnetcore#34783).
    private const string KestrelBadRequest = "Microsoft.AspNetCore.Server.Kestrel.BadRequest";

    /// <summary>
    /// Kestrel answers a request line, headers or a header count over its own limits itself, with an empty body and no way
    /// to add one (aspnet/KestrelHttpServer#2947); its limits sit at twice ours, so that a request over ours is answered here, by name.
    /// </summary>
    public static void Limits(KestrelServerOptions kestrel)
    {
        kestrel.Limits.MaxRequestLineSize = 2 * MaxRequestTargetBytes;
        kestrel.Limits.MaxRequestHeadersTotalSize = 2 * MaxHeaderBytes;
        kestrel.Limits.MaxRequestHeaderCount = 2 * MaxHeaderCount;
    }

    public static void UseRequestErrors(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory);
        // What Kestrel refuses before any middleware runs cannot be given a body, but it is still one line in the log.
        var refusedByKestrel = app.Services.GetRequiredService<DiagnosticListener>()
            .Subscribe(new KestrelRefusals(log), name => name == KestrelBadRequest);
        app.Lifetime.ApplicationStopped.Register(refusedByKestrel.Dispose);
        app.Use(async (http, next) =>
        {
            if (TooLong(http) is { } refusal)
            {
                await JsonInput.Problem(refusal.Status, refusal.Reason).ExecuteAsync(http);
                return;
            }
            try
            {
                await next(http);
            }
            catch (BadHttpRequestException e) when (!http.Response.HasStarted)
            {
                // The rest of a body that could not be read is not a next request: without this Kestrel sometimes read it as one (a second refusal).
                http.Response.Headers.Connection = "close";
                await JsonInput.Problem(e.StatusCode, Unreadable(e)).ExecuteAsync(http);
            }
            catch (Exception e) when (!http.Response.HasStarted && StoreFaults.IsStoreFault(http, e))
            {
                await StoreFaults.AnswerAsync(http);
            }
        });
    }

    /// <summary>Why a body could not be read, in one wording wherever it is read: Kestrel's words, or ours where its name a setting.</summary>
    public static string Unreadable(BadHttpRequestException e) => e.StatusCode == StatusCodes.Status408RequestTimeout
        ? "The request could not be read: its body stopped arriving (or came slower than 240 bytes a second)."
        : $"The request could not be read: {e.Message}";

    /// <summary>The one warning line of a refusal of this request.</summary>
    public static void Refused(HttpContext http, int status, string reason)
    {
        if (http.RequestServices?.GetService<ILoggerFactory>() is { } logs)
            Refused(logs.CreateLogger(LogCategory), http.Request.Method, http.Request.Path.Value, http.Connection.RemoteIpAddress, status, reason);
    }

    /// <summary>The one warning line of a refusal: method, path (cut at 200 characters), who sent it, status and reason.</summary>
    private static void Refused(ILogger log, string? method, string? path, IPAddress? remote, int status, string reason) =>
        log.LogWarning("Refused {Method} {Path} from {Remote}: {Status} {Reason}", method is { Length: > 0 } ? method : "-",
            path is { Length: > 200 } ? path[..200] + "…" : path is { Length: > 0 } ? path : "-", remote, status, reason);

    private static (int Status, string Reason)? TooLong(HttpContext http)
    {
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (target.Length > MaxRequestTargetBytes)
            return (StatusCodes.Status414RequestUriTooLong, $"The URL is longer than {MaxRequestTargetBytes / 1024} KB.");
        var headers = http.Request.Headers;
        if (headers.Count > MaxHeaderCount)
            return (StatusCodes.Status431RequestHeaderFieldsTooLarge, $"The request has more than {MaxHeaderCount} headers.");
        if (HeaderBytes(headers) > MaxHeaderBytes)
            return (StatusCodes.Status431RequestHeaderFieldsTooLarge, $"The request headers are larger than {MaxHeaderBytes / 1024} KB.");
        return null;
    }

    /// <summary>
    /// The headers' size as Kestrel counts it (name, ": ", value, CRLF). Every request passes here: the headers are copied
    /// into a pooled array, since enumerating Kestrel's header dictionary through its interface boxes an enumerator each time.
    /// </summary>
    private static int HeaderBytes(IHeaderDictionary headers)
    {
        var copy = ArrayPool<KeyValuePair<string, StringValues>>.Shared.Rent(headers.Count);
        try
        {
            headers.CopyTo(copy, 0);
            var bytes = 0;
            for (var i = 0; i < headers.Count; i++)
            {
                bytes += copy[i].Key.Length + 4;
                foreach (var value in copy[i].Value) bytes += value?.Length ?? 0;
            }
            return bytes;
        }
        finally
        {
            ArrayPool<KeyValuePair<string, StringValues>>.Shared.Return(copy, clearArray: true);
        }
    }

    /// <summary>Kestrel's refusals of requests it would not pass on (over its limits, unparsable, headers that stop arriving).</summary>
    private sealed class KestrelRefusals(ILogger log) : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> e)
        {
            // Kestrel also reports here a body it could not drain after the host has answered the request: that one is logged already.
            if (e.Value is not IFeatureCollection request || request.Get<IHttpResponseFeature>()?.HasStarted != false) return;
            var reason = request.Get<IBadRequestExceptionFeature>()?.Error?.Message ?? "the request is malformed";
            var line = request.Get<IHttpRequestFeature>();
            Refused(log, line?.Method, line?.Path, request.Get<IHttpConnectionFeature>()?.RemoteIpAddress,
                request.Get<IHttpResponseFeature>()?.StatusCode ?? StatusCodes.Status400BadRequest, $"{reason} (answered by Kestrel, without a body)");
        }

        public void OnError(Exception error) { }

        public void OnCompleted() { }
    }
}
