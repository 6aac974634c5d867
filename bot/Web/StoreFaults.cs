using SuccessBot.Core.Storage;

namespace SuccessBot.Web;

/// <summary>
/// A request whose write met the store down (PostgreSQL unreachable, a LiteDB file locked) is answered 503 with `Retry-After`
/// and the reason, never a 500: its transaction rolled back, so asking again once the store is back is safe.
/// </summary>
public static class StoreFaults
{
    /// <summary>A minute: the time a restarted database or a failed-over one takes.</summary>
    public const string RetryAfterSeconds = "60";

    public const string Reason = "SuccessBot cannot reach its database just now, so nothing was changed; try again in a minute.";

    /// <summary>Whether the exception is the store failing, as the store that failed tells.</summary>
    public static bool IsStoreFault(HttpContext http, Exception e) => http.RequestServices?.GetService<IChangeFeed>()?.IsStoreFault(e) == true;

    public static Task AnswerAsync(HttpContext http)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds;
        return JsonInput.Problem(503, Reason).ExecuteAsync(http);
    }
}
