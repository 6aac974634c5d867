using System.Text.Json;

namespace SuccessBot.Demo;

/// <summary>
/// Says that a demo is serving a demo file. The demo holds `STORE.running.lock` open with an exclusive lock, which the
/// system releases when the process ends, however it ends (a `kill -9` included), so a lock is never stale and a process id
/// used again by another program means nothing. `STORE.running` beside it holds the process id and, once it listens, the
/// URL: a second demo on the same file refuses with that URL instead of replacing the file under the running host.
/// </summary>
public sealed class DemoLock : IDisposable
{
    private sealed record Holder(int Pid, string? Url);

    private readonly string _path;
    private readonly FileStream _held;

    private DemoLock(string path, FileStream held) => (_path, _held) = (path, held);

    public static string PathFor(string store) => store + ".running";

    private static string LockPathFor(string running) => running + ".lock";

    /// <summary>Takes the demo file, or returns null with the running demo's URL (or process, while it starts) in <paramref name="other"/>.</summary>
    public static DemoLock? TryTake(string store, out string other)
    {
        var path = PathFor(store);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        FileStream held;
        try
        {
            // FileShare.None is an exclusive lock of the open file (flock on Linux): one holder at a time, across processes.
            held = new FileStream(LockPathFor(path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            other = Read(path) is { } holder ? holder.Url ?? $"process {holder.Pid}, still starting" : "a demo still starting";
            return null;
        }
        Write(path, new Holder(Environment.ProcessId, null));
        other = "";
        return new DemoLock(path, held);
    }

    /// <summary>Records where this demo listens, for a second demo to point at.</summary>
    public void Serving(string url) => Write(_path, new Holder(Environment.ProcessId, url));

    /// <summary>The note goes, then the lock (the lock file itself stays: removing it could let two demos lock two files of one name).</summary>
    public void Dispose()
    {
        File.Delete(_path);
        _held.Dispose();
    }

    // Written whole under a temporary name, then moved into place: a reader never sees half of it.
    private static void Write(string path, Holder holder)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(holder, JsonSerializerOptions.Web));
        File.Move(temporary, path, overwrite: true);
    }

    private static Holder? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<Holder>(File.ReadAllText(path), JsonSerializerOptions.Web);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }
}
