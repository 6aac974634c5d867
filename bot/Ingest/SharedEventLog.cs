using SuccessBot.Core.Storage;

namespace SuccessBot.Ingest;

/// <summary>
/// The log of accepted events in the database every host writes to (<see cref="ISharedUsageLog"/>): any host commits what it
/// takes before it answers, and the host that leads counts the log in order; the position's offset is an event's number.
/// </summary>
public sealed class SharedEventLog(ISharedUsageLog log) : IUsageLog
{
    /// <summary>The one "file" of the shared log, as a checkpoint's position names it.</summary>
    public const string File = IngestPosition.SharedLog;

    /// <summary>Events read in one go while counting, so catching up never holds more than this in memory.</summary>
    private const int ReadAtOnce = 5000;

    public ISharedUsageLog Log => log;

    /// <summary>Commits the events that no host took before (by messageId); returns how many were new.</summary>
    public int Commit(IReadOnlyList<SegmentEvent> events, DateTimeOffset receivedAt) =>
        log.Append(events.Select(e => (e.MessageId, EventLog.LineOf(e, receivedAt))).ToArray(), receivedAt);

    public IEnumerable<(SegmentEvent Event, DateTimeOffset ReceivedAt, LogPosition After)> ReadFrom(LogPosition from)
    {
        var after = from.Offset;
        while (true)
        {
            var rows = log.After(after, ReadAtOnce);
            foreach (var row in rows)
            {
                after = row.Seq;
                if (EventLog.Read(row.Line) is { } read) yield return (read.Event, read.ReceivedAt, new LogPosition(File, row.Seq));
            }
            if (rows.Count < ReadAtOnce) yield break;
        }
    }

    /// <summary>None: the log's key refuses a messageId it holds, whichever host sends it again.</summary>
    public IEnumerable<string> MessageIds(DateTimeOffset since) => [];

    /// <summary>Nothing: a transaction is whole or absent.</summary>
    public void CutTornTails() { }

    public int DeleteBefore(DateTimeOffset before, LogPosition counted) => log.DeleteBefore(before, counted.File == File ? counted.Offset : 0);

    public bool Holds(string fileName) => fileName == File;

    public void Close() { }

    public void Dispose() { }
}
