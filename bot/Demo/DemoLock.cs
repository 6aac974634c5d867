using System.Diagnostics;
using System.Text.Json;

namespace SuccessBot.Demo;

/// <summary>
/// Says that a demo is serving a demo file: `STORE.running` beside it holds the process id and, once it listens, the URL.
/// A second demo on the same file refuses with that URL instead of replacing the file under the running host; the file
/// goes when the demo stops, and one left by a demo that was killed is stale once its process is gone.
/// </summary>
public sealed class DemoLock : IDisposable
{
    private sealed record Holder(int Pid, string? Url);

    private readonly string _path;

    private DemoLock(string path) => _path = path;

    public static string PathFor(string store) => store + ".running";

    /// <summary>Takes the demo file, or returns null with the running demo's URL (or process, while it starts) in <paramref name="other"/>.</summary>
    public static DemoLock? TryTake(string store, out string other)
    {
        var path = PathFor(store);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        while (true)
        {
            var written = Write(path, new Holder(Environment.ProcessId, null), replace: false);
            if (written)
            {
                other = "";
                return new DemoLock(path);
            }
            if (Read(path) is { } holder && IsRunning(holder.Pid))
            {
                other = holder.Url ?? $"process {holder.Pid}, still starting";
                return null;
            }
            File.Delete(path);
        }
    }

    /// <summary>Records where this demo listens, for a second demo to point at.</summary>
    public void Serving(string url) => Write(_path, new Holder(Environment.ProcessId, url), replace: true);

    public void Dispose()
    {
        if (Read(_path)?.Pid == Environment.ProcessId) File.Delete(_path);
    }

    // Written whole under a temporary name, then moved into place: a reader never sees half of it, and without
    // replace only one of two demos starting at once gets it.
    private static bool Write(string path, Holder holder, bool replace)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(holder, JsonSerializerOptions.Web));
        try
        {
            File.Move(temporary, path, overwrite: replace);
            return true;
        }
        catch (IOException) when (!replace && File.Exists(path))
        {
            File.Delete(temporary);
            return false;
        }
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

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
