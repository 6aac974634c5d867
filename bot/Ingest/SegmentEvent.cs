using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Time;

namespace SuccessBot.Ingest;

/// <summary>The Segment calls SuccessBot reads; page and screen views count as activity like track.</summary>
public enum SegmentCall { Track, Identify, Group, Page, Screen, Alias }

/// <summary>What a group call's traits say about the account (only what was given).</summary>
public sealed record AccountTraits(string? Name, string? Plan, decimal? Mrr, string? OwnerEmail, DateOnly? StartedOn);

/// <summary>One Segment call, checked, reduced to what the rollups, users and accounts need.</summary>
public sealed record SegmentEvent
{
    public required SegmentCall Call { get; init; }
    public required string MessageId { get; init; }
    public string? UserId { get; init; }
    public string? AnonymousId { get; init; }
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Track: the feature key its event name maps to; page and screen: only a mapped name.</summary>
    public string? Feature { get; init; }

    public double Minutes { get; init; }
    public string? SessionId { get; init; }

    /// <summary>Group: its groupId; other calls: context.groupId, when the sender knows the account.</summary>
    public string? AccountId { get; init; }

    public string? Email { get; init; }

    /// <summary>Identify: the traits as sent, kept as JSON.</summary>
    public string? Traits { get; init; }

    /// <summary>Identify: the user's language tag, `traits.locale` else `context.locale`, as sent (trimmed).</summary>
    public string? Locale { get; init; }

    public AccountTraits? Account { get; init; }

    /// <summary>Alias: the id the user was known by before (a visitor's anonymousId, or a former userId).</summary>
    public string? PreviousId { get; init; }

    /// <summary>The call as it arrived (UTF-8 JSON), for the raw window: a slice of the request's body, read before the request is answered.</summary>
    public required ReadOnlyMemory<byte> Raw { get; init; }

    /// <summary>Who did it: the userId, or the anonymousId for a visitor not identified yet.</summary>
    public string UserKey => UserId ?? AnonymousKey(AnonymousId!);

    public static string AnonymousKey(string anonymousId) => "anon:" + anonymousId;
}

/// <summary>Reads Segment's documented JSON (https://segment.com/docs/connections/spec/) into <see cref="SegmentEvent"/>, or says what is wrong.</summary>
public static partial class SegmentReader
{
    /// <param name="Ignored">What of an event read was not taken, and why (the event counts all the same).</param>
    public sealed record Outcome(SegmentEvent? Event, string? Error, string? Ignored = null);

    /// <summary>RFC 5646 asks that tags of up to 35 characters be kept; longer ones are no locale a sender means.</summary>
    private const int MaxLocaleLength = 35;

    private const double MinutesInADay = 24 * 60;

    // The call names exactly: Enum.TryParse would also take numbers and flag lists ("track,identify").
    private static readonly Dictionary<string, SegmentCall> Calls =
        Enum.GetValues<SegmentCall>().ToDictionary(c => c.ToString(), StringComparer.OrdinalIgnoreCase);

    /// <param name="body">The UTF-8 JSON <paramref name="call"/> was parsed from (the call is kept as a slice of it).</param>
    public static Outcome Read(JsonElement call, ReadOnlyMemory<byte> body, SegmentCall? impliedCall, JsonElement batchContext, DateTimeOffset now, IngestSettings settings)
    {
        if (call.ValueKind != JsonValueKind.Object) return Fail("an event must be a JSON object");
        SegmentCall kind;
        if (impliedCall is { } implied) kind = implied;
        else if (Text(call, "type") is not { } type) return Fail("\"type\" is missing (track, identify, group, alias, page or screen)");
        else if (!Calls.TryGetValue(type, out kind))
            return Fail($"\"type\" \"{type}\" is not one SuccessBot reads (track, identify, group, alias, page or screen)");

        var userId = Id(call, "userId");
        var anonymousId = Id(call, "anonymousId");
        if (userId is null && anonymousId is null) return Fail("\"userId\" or \"anonymousId\" is required");

        var timestamp = now;
        if (Property(call, "timestamp", out var ts) && ts.ValueKind != JsonValueKind.Null)
        {
            if (ts.ValueKind != JsonValueKind.String || !IsoMoment.TryParse(ts.GetString()!, out timestamp))
                return Fail($"\"timestamp\" {Cut(ts.GetRawText())} is not an ISO 8601 date and time");
            if (timestamp > now + settings.FutureTolerance)
                return Fail($"\"timestamp\" {ts.GetString()} is more than {settings.FutureTolerance.TotalMinutes:0} minutes in the future");
            if (timestamp < now.AddDays(-settings.DailyUsageDays))
                return Fail($"\"timestamp\" {ts.GetString()} is more than {settings.DailyUsageDays} days ago, before the usage SuccessBot keeps day by day (Storage:UsageHistoryDays); import older usage as a CSV file");
        }

        var properties = Object(call, "properties");
        var context = Object(call, "context");
        var traits = Object(call, "traits");
        var e = new SegmentEvent
        {
            Call = kind,
            MessageId = Id(call, "messageId") ?? "generated-" + Guid.NewGuid().ToString("N"),
            UserId = userId,
            AnonymousId = anonymousId,
            Timestamp = timestamp,
            AccountId = Id(context, "groupId") ?? Id(batchContext, "groupId"),
            SessionId = Id(context, "sessionId") ?? Id(properties, "session_id"),
            Raw = RawOf(call, body),
        };

        switch (kind)
        {
            case SegmentCall.Track:
                if (Text(call, "event") is not { Length: > 0 } name) return Fail("a track call needs \"event\", the name of what the user did");
                if (Minutes(properties) is not { } minutes) return Fail("\"properties.minutes\" must be a number of minutes from 0 to 1440");
                return new(e with { Feature = settings.FeatureOf(name), Minutes = minutes }, null);
            case SegmentCall.Page or SegmentCall.Screen:
                if (Minutes(properties) is not { } viewed) return Fail("\"properties.minutes\" must be a number of minutes from 0 to 1440");
                var mapped = Text(call, "name") is { } page && settings.FeatureMap.TryGetValue(page, out var feature) ? feature : null;
                return new(e with { Feature = mapped, Minutes = viewed }, null);
            case SegmentCall.Alias:
                if (userId is null) return Fail("an alias call needs \"userId\", the user's id from now on");
                if (Id(call, "previousId") is not { } previousId) return Fail("an alias call needs \"previousId\", the id the user was known by before");
                return new(e with { PreviousId = previousId }, null);
            case SegmentCall.Identify:
                var (locale, ignored) = Locale(traits, context, batchContext);
                return new(e with { Email = Text(traits, "email"), Traits = traits.ValueKind == JsonValueKind.Object ? traits.GetRawText() : null, Locale = locale }, null, ignored);
            default:
                if (Id(call, "groupId") is not { } groupId) return Fail("a group call needs \"groupId\", the account_id of the user's account");
                var (account, problem) = ReadAccount(groupId, traits);
                return problem is null ? new(e with { AccountId = groupId, Account = account }, null) : Fail(problem);
        }
    }

    /// <summary>Group traits, checked against the same domain rules a CSV import keeps.</summary>
    private static (AccountTraits? Account, string? Problem) ReadAccount(string groupId, JsonElement traits)
    {
        decimal? mrr = null;
        if (Property(traits, "mrr", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind == JsonValueKind.Number && m.TryGetDecimal(out var number)) mrr = number;
            else if (m.ValueKind == JsonValueKind.String && decimal.TryParse(m.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed)) mrr = parsed;
            else return (null, $"\"traits.mrr\" {Cut(m.GetRawText())} is {(m.ValueKind == JsonValueKind.Number ? "out of range" : "not a number")}; {Rules.MrrRange}");
        }
        DateOnly? started = null;
        if ((Text(traits, "createdAt") ?? Text(traits, "created_at")) is { } created)
        {
            if (!IsoMoment.TryParse(created, out var at))
                return (null, $"\"traits.createdAt\" \"{created}\" is not an ISO 8601 date");
            started = DateOnly.FromDateTime(at.UtcDateTime);
        }
        var account = new AccountTraits(Text(traits, "name"), Text(traits, "plan"), mrr, Text(traits, "owner_email") ?? Text(traits, "ownerEmail"), started);
        // What was not given cannot break a rule: stand-ins that keep them fill the gaps.
        var probe = new Account { Id = groupId, Name = account.Name ?? groupId, OwnerEmail = account.OwnerEmail ?? "owner@example.com", Mrr = mrr ?? 0, StartedOn = started ?? DateOnly.MinValue, Plan = account.Plan };
        return Rules.Check(probe).FirstOrDefault() is { } broken ? (null, $"\"traits.{broken.Field}\" {broken.Problem}") : (account, null);
    }

    /// <summary>
    /// The user's language: `traits.locale` (the app's word on its user), else `context.locale` (the browser's or device's,
    /// the batch's when the event has none). One that is not a language tag is named and passed over: the call counts without it.
    /// </summary>
    private static (string? Locale, string? Ignored) Locale(JsonElement traits, JsonElement context, JsonElement batchContext)
    {
        string? ignored = null;
        foreach (var (field, holder) in new[] { ("traits.locale", traits), ("context.locale", context), ("context.locale", batchContext) })
        {
            if (!Property(holder, "locale", out var value) || value.ValueKind == JsonValueKind.Null
                || (value.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetString()))) continue;
            if (value.ValueKind == JsonValueKind.String && value.GetString()!.Trim() is { Length: <= MaxLocaleLength } tag && LanguageTag().IsMatch(tag))
                return (tag, ignored);
            ignored ??= $"\"{field}\" {Cut(value.GetRawText())} is not a language tag such as \"de\" or \"pt-BR\" (at most {MaxLocaleLength} characters), and was not read";
        }
        return (null, ignored);
    }

    /// <summary>A language of 2 to 8 letters, then subtags of up to 8 letters or digits (`_` as some senders write `pt_BR`).</summary>
    [GeneratedRegex("^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$")]
    private static partial Regex LanguageTag();

    /// <summary>Minutes of one event: 0 to a day's 1,440, so one bad sender cannot fill a usage row.</summary>
    private static double? Minutes(JsonElement properties) =>
        !Property(properties, "minutes", out var m) || m.ValueKind == JsonValueKind.Null ? 0
        : m.ValueKind == JsonValueKind.Number && m.TryGetDouble(out var minutes) && minutes is >= 0 and <= MinutesInADay ? minutes : null;

    private static Outcome Fail(string error) => new(null, error);

    /// <summary>A value quoted in an error, short enough to read (a sender may send a number of 10,000 digits).</summary>
    private static string Cut(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>Where the call's JSON sits in the body the document was parsed from (the document reads that memory, it does not copy it).</summary>
    private static ReadOnlyMemory<byte> RawOf(JsonElement call, ReadOnlyMemory<byte> body)
    {
        var raw = JsonMarshal.GetRawUtf8Value(call);
        var offset = Unsafe.ByteOffset(ref MemoryMarshal.GetReference(body.Span), ref MemoryMarshal.GetReference(raw));
        return offset >= 0 && offset + raw.Length <= body.Length ? body.Slice((int)offset, raw.Length) : raw.ToArray();
    }

    /// <summary>A property of <paramref name="e"/> if it is an object that has one (an absent "properties" is no object).</summary>
    private static bool Property(JsonElement e, string name, out JsonElement value)
    {
        value = default;
        return e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out value);
    }

    private static JsonElement Object(JsonElement e, string name) =>
        Property(e, name, out var value) && value.ValueKind == JsonValueKind.Object ? value : default;

    private static string? Text(JsonElement e, string name) =>
        Property(e, name, out var value) && value.ValueKind == JsonValueKind.String
        && value.GetString() is { } s && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;

    /// <summary>Segment ids are strings, though some senders send numbers.</summary>
    private static string? Id(JsonElement e, string name) =>
        Property(e, name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetRawText() : Text(e, name);
}
