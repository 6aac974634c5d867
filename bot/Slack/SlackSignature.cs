using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SuccessBot.Slack;

/// <summary>Slack's request signature: HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the signing secret.</summary>
public static class SlackSignature
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes($"v0:{timestamp}:");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>Null when the request is Slack's and fresh; otherwise what is wrong with it.</summary>
    public static string? Problem(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature)) return "X-Slack-Request-Timestamp and X-Slack-Signature are required.";
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return "X-Slack-Request-Timestamp is not a Unix time.";
        // A replayed request is refused even when its signature is right.
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > MaxAge.TotalSeconds) return "The request timestamp is more than 5 minutes from now.";
        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature)) ? null : "The signature does not match.";
    }
}
