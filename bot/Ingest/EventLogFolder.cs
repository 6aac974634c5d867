using SuccessBot.Host;

namespace SuccessBot.Ingest;

/// <summary>
/// The folder of one store's event log, `STORE.ingest/` beside the file, marked with the store's id (written with its
/// first event): a log is replayed only into the store it was written for. <see cref="Refusal"/> says why usage events
/// stay off; <see cref="Note"/> what was found of the older layout (one `ingest/` folder for every store beside it) and done with it.
/// </summary>
public sealed record EventLogFolder(string Path, string? Refusal, string? Note)
{
    public const string MarkFile = "store-id";

    /// <summary>Finds (or moves into place) the folder of the store's log, and checks that it is this store's (<paramref name="id"/>).</summary>
    public static EventLogFolder For(StoreFiles files, string id)
    {
        var folder = files.IngestLog;
        var note = Directory.Exists(folder) ? null : MoveSharedFolder(files, folder, id);
        var mark = MarkOf(folder);
        if (mark is null && Directory.Exists(folder) && Directory.EnumerateFiles(folder, "events-*.ndjson").Any())
            return new(folder, $"the event log {folder} holds events but no {MarkFile} mark, so it may be another store's; move it away (or, if it is this store's, "
                + $"write this store's id {id} to {System.IO.Path.Combine(folder, MarkFile)}) and start again", note);
        if (mark is not null && mark != id)
            return new(folder, $"the event log {folder} belongs to another store (id {mark}; this store's id is {id}), so it is not replayed into this one; move it away and start again", note);
        return new(folder, null, note);
    }

    /// <summary>The older `ingest/` beside the store moves only when it is marked as this store's; otherwise it is left, and the note says so.</summary>
    private static string? MoveSharedFolder(StoreFiles files, string folder, string id)
    {
        var shared = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(files.Store)!, "ingest");
        if (!Directory.Exists(shared)) return null;
        var mark = MarkOf(shared);
        if (mark != id)
            return $"the folder {shared} beside the store is not marked as this store's event log ({(mark is null ? $"it has no {MarkFile} mark" : $"it is marked as store {mark}'s")}); it was left as it is and not replayed";
        try
        {
            Directory.Move(shared, folder);
            return $"the event log {shared} is marked as this store's and was moved to {folder}";
        }
        catch (IOException e)
        {
            return $"the event log {shared} is this store's but could not be moved to {folder} ({e.Message}); it was not replayed";
        }
    }

    private static string? MarkOf(string folder)
    {
        var mark = System.IO.Path.Combine(folder, MarkFile);
        return File.Exists(mark) ? File.ReadAllText(mark).Trim() : null;
    }
}
