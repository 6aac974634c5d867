using System.Text.Json;
using System.Text.Unicode;
using System.Text.RegularExpressions;

namespace SuccessBot.Web;

/// <summary>
/// The one way request bodies are read as JSON (Slack, Teams, Segment events, the local chat): a lone surrogate escape
/// (`"\ud800"`, a cut emoji) reads as U+FFFD, nesting is limited, and what cannot be read is said with the JSON path
/// and the type expected there, for a 400.
/// </summary>
public static partial class JsonInput
{
    public const int MaxDepth = 64;

    public static readonly JsonDocumentOptions Document = new() { MaxDepth = MaxDepth };

    /// <summary>
    /// The body, limited to <paramref name="limit"/> bytes as read (a chunked body declares no length), or the 413 that says
    /// why not. A body Kestrel cannot read (a bad chunk, one that stops arriving) throws on to <see cref="RequestErrors"/>,
    /// which answers it in one wording for every endpoint.
    /// </summary>
    public static async Task<(byte[]? Body, IResult? Problem)> ReadBodyAsync(HttpRequest request, int limit)
    {
        var tooLarge = Problem(413, $"The body is larger than {limit / 1024} KB.");
        if (request.ContentLength > limit) return (null, tooLarge);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit) return (null, tooLarge);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, tooLarge);
        }
        return (buffer.ToArray(), null);
    }

    /// <summary>Parses UTF-8 JSON (its lone surrogate escapes are replaced in place); null with the problem when it is not JSON.</summary>
    public static JsonDocument? Parse(Memory<byte> utf8, out string? problem)
    {
        if (Unreadable(utf8.Span) is { } bad)
        {
            problem = bad;
            return null;
        }
        try
        {
            problem = null;
            return JsonDocument.Parse(utf8, Document);
        }
        catch (JsonException e)
        {
            problem = Describe(e);
            return null;
        }
    }

    /// <summary>Reads UTF-8 JSON as <typeparamref name="T"/> (lone surrogates replaced in place); a <see cref="JsonException"/> says what is wrong, by <see cref="Describe"/>.</summary>
    public static T? Deserialize<T>(byte[] utf8, JsonSerializerOptions options)
    {
        if (Unreadable(utf8) is { } bad) throw new JsonException(bad);
        try
        {
            // The options' own depth limit is 64 unless they say otherwise (a copy here would lose their cached type metadata).
            return JsonSerializer.Deserialize<T>(utf8, options);
        }
        catch (JsonException e)
        {
            throw new JsonException(Describe(e), e);
        }
    }

    /// <summary>
    /// Replaces every `\uD800`-`\uDFFF` escape that is not half of a pair with `\uFFFD`: the same six bytes, so offsets
    /// into the body (and a signature already checked) stay valid. System.Text.Json parses such escapes but throws when it decodes them.
    /// </summary>
    public static void ReplaceLoneSurrogates(Span<byte> utf8)
    {
        for (var i = 0; i < utf8.Length - 1; i++)
        {
            // Most bodies have few escapes: jump to the next backslash (a vectorised search) rather than look at every byte.
            var next = utf8[i..].IndexOf((byte)'\\');
            if (next < 0 || i + next == utf8.Length - 1) return;
            i += next;
            if (utf8[i + 1] != 'u' || Escaped(utf8, i) is not { } unit)
            {
                i++; // an escape of one character (\\, \", \n, ...): the next byte is not the start of another escape
                continue;
            }
            if (char.IsHighSurrogate(unit) && Escaped(utf8, i + 6) is { } low && char.IsLowSurrogate(low))
            {
                i += 11;
                continue;
            }
            if (char.IsSurrogate(unit)) "\\ufffd"u8.CopyTo(utf8[i..]);
            i += 5;
        }
    }

    /// <summary>What is wrong, in words a sender can act on: where (as a JSON Pointer, `/from/id`), and what was expected there.</summary>
    public static string Describe(JsonException e)
    {
        var where = e.Path is { Length: > 1 } path ? $" at {Pointer(path)}" : "";
        if (e.Message.Contains("maximum configured depth", StringComparison.Ordinal))
            return $"The body is nested more than {MaxDepth} levels deep.";
        if (Conversion().Match(e.Message) is { Success: true } m)
        {
            // A constructor parameter's mismatch names the declaring type; the reader's own words say what it wanted and found.
            var (wanted, found) = e.InnerException is { } inner && TokenMismatch().Match(inner.Message) is { Success: true } t
                ? (Kind(t.Groups[2].Value), $", not {Kind(t.Groups[1].Value)}") : (Expected(m.Groups[1].Value), "");
            return $"The JSON{(where.Length > 0 ? where : " body")} must be {wanted}{found}.";
        }
        return $"The body is not valid JSON{where}: {Reason(e.Message)}.";
    }

    /// <summary>System.Text.Json's path (`$.entities[0]['a.b']`) as a JSON Pointer (`/entities/0/a.b`), which has no dots of its own.</summary>
    private static string Pointer(string path) =>
        string.Concat(PathSegment().Matches(path).Select(s => "/" + (s.Groups[1].Success ? s.Groups[1].Value : s.Groups[2].Success ? s.Groups[2].Value.Replace("''", "'") : s.Groups[3].Value)));

    /// <summary>The element's text when it is a string; null for any other kind (GetString throws on a number or an object).</summary>
    public static string? StringOrNull(this JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    /// <summary>
    /// A refusal, `{"error": "..."}`, and its one warning line in the log: <paramref name="logged"/> when the sender is told
    /// less than the log says (an unauthorized caller), <paramref name="body"/> when the answer carries more than the error.
    /// </summary>
    public static IResult Problem(int status, string error, string? logged = null, object? body = null) => new Refusal(status, error, logged, body);

    private sealed class Refusal(int status, string error, string? logged, object? body) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => status;

        public Task ExecuteAsync(HttpContext http)
        {
            // Only refusals of what was sent: a 5xx is the host's own trouble, logged where it happens.
            if (status < 500) RequestErrors.Refused(http, status, logged ?? error);
            return Results.Json(body ?? new { error }, statusCode: status).ExecuteAsync(http);
        }
    }

    private static string? Unreadable(Span<byte> utf8)
    {
        // A raw invalid byte sequence (not an escape) cannot be told from what was meant; it is refused, not guessed.
        if (!Utf8.IsValid(utf8)) return "The body is not valid JSON: it is not UTF-8 text.";
        ReplaceLoneSurrogates(utf8);
        return null;
    }

    /// <summary>The UTF-16 unit of the `\uXXXX` escape at <paramref name="at"/>, if there is one.</summary>
    private static char? Escaped(ReadOnlySpan<byte> utf8, int at)
    {
        if (at + 6 > utf8.Length || utf8[at] != '\\' || utf8[at + 1] != 'u') return null;
        var value = 0;
        for (var k = at + 2; k < at + 6; k++)
        {
            var digit = utf8[k] switch
            {
                >= (byte)'0' and <= (byte)'9' => utf8[k] - '0',
                >= (byte)'a' and <= (byte)'f' => utf8[k] - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => utf8[k] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0) return null;
            value = value * 16 + digit;
        }
        return (char)value;
    }

    /// <summary>The type the serializer wanted, as a sender would say it.</summary>
    private static string Expected(string type)
    {
        var name = type.Replace("System.Nullable`1[", "").TrimEnd(']');
        return name switch
        {
            "System.String" => "a string",
            "System.Boolean" => "true or false",
            "System.DateTimeOffset" or "System.DateTime" => "an ISO 8601 date and time string",
            "System.Int32" or "System.Int64" or "System.Double" or "System.Decimal" => "a number",
            _ when name.Contains("List`1", StringComparison.Ordinal) || name.EndsWith("[]", StringComparison.Ordinal) => "an array",
            _ => "an object",
        };
    }

    /// <summary>A token type ('Number', 'StartObject') or a reader's word for a type ("string", "boolean") as a sender would say it.</summary>
    private static string Kind(string word) => word.ToLowerInvariant() switch
    {
        "string" or "propertyname" => "a string",
        "number" or "int32" or "int64" or "double" or "decimal" => "a number",
        "true" or "false" or "boolean" => "true or false",
        "startobject" => "an object",
        "startarray" => "an array",
        "null" => "null",
        var other => other,
    };

    /// <summary>The reader's own words up to its position details ("'}' is invalid after a value", "Expected depth to be zero").</summary>
    private static string Reason(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal) is var p and >= 0 ? message[..p]
            : message.IndexOf(" LineNumber:", StringComparison.Ordinal) is var l and >= 0 ? message[..l] : message;
        return cut.Trim().TrimEnd('.').Replace(". ", "; ");
    }

    [GeneratedRegex(@"could not be converted to ([^\s]+?)\.? Path:")]
    private static partial Regex Conversion();

    [GeneratedRegex(@"token type '(\w+)' as an? (\w+)")]
    private static partial Regex TokenMismatch();

    [GeneratedRegex(@"\.([^.\[]+)|\['((?:[^']|'')*)'\]|\[(\d+)\]")]
    private static partial Regex PathSegment();
}
