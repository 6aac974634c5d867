namespace SuccessBot.Tests.Import;

/// <summary>A folder of real files for one test, removed afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("successbot-test-").FullName;

    public string File(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string Store => System.IO.Path.Combine(Path, "data", "test.db");

    /// <summary>Copies a folder and all it holds, as the files are now (what a machine that dies leaves on disk).</summary>
    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) System.IO.File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) Copy(folder, System.IO.Path.Combine(to, System.IO.Path.GetFileName(folder)));
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
