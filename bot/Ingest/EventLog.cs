using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using SuccessBot.Core.Storage;

namespace SuccessBot.Ingest;

/// <summary>Where the log has been read or written up to: a file of the log and a byte offset in it (in the shared log, its event number).</summary>
public readonly record struct LogPosition(string File, long Offset);

/// <summary>What the rollup reads of a log of accepted events: this host's files (<see cref="EventLog"/>), or the database's (<see cref="SharedEventLog"/>).</summary>
public interface IUsageLog : IDisposable
{
    /// <summary>The events after <paramref name="from"/>, each with the position just past it, oldest first.</summary>
    IEnumerable<(SegmentEvent Event, DateTimeOffset ReceivedAt, LogPosition After)> ReadFrom(LogPosition from);

    /// <summary>The messageIds logged since <paramref name="since"/> that the rollup must remember to catch retries.</summary>
    IEnumerable<string> MessageIds(DateTimeOffset since);

    /// <summary>Cuts what a crash left half-written.</summary>
    void CutTornTails();

    /// <summary>Deletes the events received before <paramref name="before"/>, but none after <paramref name="counted"/> (not checkpointed yet).</summary>
    int DeleteBefore(DateTimeOffset before, LogPosition counted);

    /// <summary>Whether the log still has the file a checkpoint names.</summary>
    bool Holds(string fileName);

    /// <summary>Lets go of what is open; the next use opens it again.</summary>
    void Close();
}

/// <summary>
/// The accepted events, one JSON line each, in one file per hour (`STORE.ingest/events-YYYYMMDD-HH.ndjson`, see <see cref="EventLogFolder"/>):
/// the raw window, and the write-ahead log the rollup recovers from. An append is on disk (fsync) before it returns.
/// </summary>
/// <param name="storeId">Written to the folder's mark (<see cref="EventLogFolder.MarkFile"/>) before its first event, when it has none.</param>
public sealed class EventLog(string folder, string? storeId = null) : IUsageLog
{
    private const string Prefix = "events-", Suffix = ".ndjson";
    private readonly ArrayBufferWriter<byte> _buffer = new(256 * 1024);
    private FileStream? _file;
    private string? _fileName;

    /// <summary>The end of what was appended by this process (empty before the first append).</summary>
    public LogPosition End => _fileName is null ? default : new LogPosition(_fileName, _file!.Position);

    /// <summary>Writes the events as lines of the file for <paramref name="receivedAt"/>'s hour and flushes them to disk.</summary>
    public LogPosition Append(IReadOnlyList<SegmentEvent> events, DateTimeOffset receivedAt)
    {
        var name = FileNameFor(receivedAt);
        if (name != _fileName)
        {
            Close();
            Directory.CreateDirectory(folder);
            var mark = System.IO.Path.Combine(folder, EventLogFolder.MarkFile);
            if (storeId is not null && !File.Exists(mark)) File.WriteAllText(mark, storeId);
            _file = new FileStream(System.IO.Path.Combine(folder, name), FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 1);
            _fileName = name;
        }
        _buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            foreach (var e in events)
            {
                Write(json, e, receivedAt);
                json.Flush();
                _buffer.Write("\n"u8);
                json.Reset(_buffer);
            }
        }
        _file!.Write(_buffer.WrittenSpan);
        _file.Flush(flushToDisk: true);
        return End;
    }

    public IEnumerable<(SegmentEvent Event, DateTimeOffset ReceivedAt, LogPosition After)> ReadFrom(LogPosition from)
    {
        foreach (var name in FileNames().Where(n => string.CompareOrdinal(n, from.File) >= 0))
        {
            var start = name == from.File ? from.Offset : 0;
            foreach (var (line, end) in Lines(name, start))
            {
                if (Read(line) is { } read) yield return (read.Event, read.ReceivedAt, new LogPosition(name, end));
            }
        }
    }

    /// <summary>Every event of the log, oldest first, each with whether <paramref name="checkpoint"/> counted it (as <see cref="UsageRollup.Recover"/> reads on from it).</summary>
    public IEnumerable<LoggedUsageEvent> Events(IngestPosition? checkpoint)
    {
        foreach (var (e, receivedAt, after) in ReadFrom(default))
        {
            var counted = checkpoint is { File: { } file } c && (string.CompareOrdinal(after.File, file) < 0 || (after.File == file && after.Offset <= c.Offset));
            yield return new LoggedUsageEvent(e.MessageId, receivedAt, LineOf(e, receivedAt), counted);
        }
    }

    /// <summary>The messageIds of the files since <paramref name="since"/>'s hour, oldest first.</summary>
    public IEnumerable<string> MessageIds(DateTimeOffset since)
    {
        var first = FileNameFor(since);
        foreach (var name in FileNames().Where(n => string.CompareOrdinal(n, first) >= 0))
        {
            foreach (var (line, _) in Lines(name, 0))
            {
                if (MessageIdOf(line) is { } id) yield return id;
            }
        }
    }

    /// <summary>A crash can leave half a line at the end of a file; it was never acknowledged, so it is cut off.</summary>
    public void CutTornTails()
    {
        foreach (var name in FileNames())
        {
            using var file = new FileStream(System.IO.Path.Combine(folder, name), FileMode.Open, FileAccess.ReadWrite);
            var end = file.Length;
            while (end > 0)
            {
                file.Position = end - 1;
                if (file.ReadByte() == '\n') break;
                end--;
            }
            if (end != file.Length) file.SetLength(end);
        }
    }

    /// <summary>Deletes the files of hours before <paramref name="before"/>, but none from the counted position's file on; says how many.</summary>
    public int DeleteBefore(DateTimeOffset before, LogPosition counted)
    {
        var keepFrom = counted.File;
        var first = FileNameFor(before);
        var old = FileNames().Where(n => string.CompareOrdinal(n, first) < 0 && string.CompareOrdinal(n, keepFrom) < 0 && n != _fileName).ToArray();
        foreach (var name in old) File.Delete(System.IO.Path.Combine(folder, name));
        return old.Length;
    }

    public bool Holds(string fileName) => File.Exists(System.IO.Path.Combine(folder, fileName));

    private IReadOnlyList<string> FileNames() =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, Prefix + "*" + Suffix).Select(f => System.IO.Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray()
            : [];

    public static string FileNameFor(DateTimeOffset at) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{at.UtcDateTime:yyyyMMdd-HH}{Suffix}");

    /// <summary>Closes the file being appended to; the next append opens it again (recovery reads and cuts files).</summary>
    public void Close()
    {
        _file?.Dispose();
        _file = null;
        _fileName = null;
    }

    public void Dispose() => Close();

    /// <summary>One event as a line of the log (without its newline): what the shared log stores too.</summary>
    public static byte[] LineOf(SegmentEvent e, DateTimeOffset receivedAt)
    {
        var buffer = new ArrayBufferWriter<byte>(512 + e.Raw.Length);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true })) Write(json, e, receivedAt);
        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter json, SegmentEvent e, DateTimeOffset receivedAt)
    {
        json.WriteStartObject();
        // The messageId first: rebuilding the recent ids reads only this.
        json.WriteString("messageId", e.MessageId);
        json.WriteString("call", e.Call.ToString());
        json.WriteNumber("receivedAt", receivedAt.ToUnixTimeMilliseconds());
        json.WriteString("timestamp", e.Timestamp);
        Optional(json, "userId", e.UserId);
        Optional(json, "anonymousId", e.AnonymousId);
        Optional(json, "accountId", e.AccountId);
        Optional(json, "feature", e.Feature);
        if (e.Minutes != 0) json.WriteNumber("minutes", e.Minutes);
        Optional(json, "sessionId", e.SessionId);
        Optional(json, "email", e.Email);
        Optional(json, "traits", e.Traits);
        Optional(json, "locale", e.Locale);
        Optional(json, "previousId", e.PreviousId);
        if (e.Account is { } a)
        {
            json.WriteStartObject("account");
            Optional(json, "name", a.Name);
            Optional(json, "plan", a.Plan);
            if (a.Mrr is { } mrr) json.WriteNumber("mrr", mrr);
            Optional(json, "ownerEmail", a.OwnerEmail);
            if (a.StartedOn is { } started) json.WriteString("startedOn", started.ToString("O", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }
        json.WritePropertyName("raw");
        json.WriteRawValue(e.Raw.Span, skipInputValidation: true);
        json.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null) json.WriteString(name, value);
    }

    /// <summary>An event read back from its line; null for a line this version cannot read.</summary>
    public static (SegmentEvent Event, DateTimeOffset ReceivedAt)? Read(ReadOnlyMemory<byte> line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var d = doc.RootElement;
            var account = d.TryGetProperty("account", out var a) ? new AccountTraits(Text(a, "name"), Text(a, "plan"),
                a.TryGetProperty("mrr", out var mrr) ? mrr.GetDecimal() : null, Text(a, "ownerEmail"),
                Text(a, "startedOn") is { } started ? DateOnly.ParseExact(started, "O", CultureInfo.InvariantCulture) : null) : null;
            var e = new SegmentEvent
            {
                Call = Enum.Parse<SegmentCall>(d.GetProperty("call").GetString()!), MessageId = d.GetProperty("messageId").GetString()!,
                Timestamp = d.GetProperty("timestamp").GetDateTimeOffset(), UserId = Text(d, "userId"), AnonymousId = Text(d, "anonymousId"),
                AccountId = Text(d, "accountId"), Feature = Text(d, "feature"), Minutes = d.TryGetProperty("minutes", out var m) ? m.GetDouble() : 0,
                SessionId = Text(d, "sessionId"), Email = Text(d, "email"), Traits = Text(d, "traits"), Locale = Text(d, "locale"),
                PreviousId = Text(d, "previousId"),
                Account = account, Raw = JsonMarshal.GetRawUtf8Value(d.GetProperty("raw")).ToArray(),
            };
            return (e, DateTimeOffset.FromUnixTimeMilliseconds(d.GetProperty("receivedAt").GetInt64()));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            // A line this version cannot read is skipped rather than stopping the host from starting.
            return null;
        }
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? MessageIdOf(ReadOnlyMemory<byte> line)
    {
        var reader = new Utf8JsonReader(line.Span);
        try
        {
            return reader.Read() && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("messageId"u8) && reader.Read()
                ? reader.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The complete lines of a file from <paramref name="offset"/>, each with the offset just past it.</summary>
    private IEnumerable<(ReadOnlyMemory<byte> Line, long End)> Lines(string name, long offset)
    {
        using var file = new FileStream(System.IO.Path.Combine(folder, name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        file.Position = offset;
        var buffer = new byte[1024 * 1024];
        var filled = 0;
        var position = offset;
        int read;
        while ((read = file.Read(buffer, filled, buffer.Length - filled)) > 0)
        {
            filled += read;
            var start = 0;
            int newline;
            while ((newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0)
            {
                position += newline - start + 1;
                if (newline > start) yield return (buffer.AsMemory(start, newline - start), position);
                start = newline + 1;
            }
            // Keep the unfinished line; a line longer than the buffer (over Segment's 32 KB per call) grows it.
            Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
            filled -= start;
            if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
        }
    }
}
