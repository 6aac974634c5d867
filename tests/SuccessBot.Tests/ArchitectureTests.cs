using System.Reflection;
using SuccessBot.Core.Domain;
using SuccessBot.Storage;

namespace SuccessBot.Tests;

public class ArchitectureTests
{
    private static readonly Assembly Core = typeof(BookOfBusiness).Assembly, Storage = typeof(LiteDbStore).Assembly, Host = typeof(SuccessBot.Host.Composition).Assembly;

    private static string[] ReferencesOf(Assembly assembly) => assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

    [Fact]
    public void The_core_references_no_storage_web_or_scheduler_assembly()
    {
        var references = ReferencesOf(Core);

        Assert.Contains("System.Runtime", references);
        Assert.DoesNotContain(references, r => r.StartsWith("LiteDB", StringComparison.OrdinalIgnoreCase)
            || r.StartsWith("SuccessBot", StringComparison.OrdinalIgnoreCase)
            || r.StartsWith("Microsoft.AspNetCore", StringComparison.OrdinalIgnoreCase)
            || r.StartsWith("Quartz", StringComparison.OrdinalIgnoreCase)
            || r.StartsWith("Microsoft.Extensions", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_core_project_has_no_package_or_project_references()
    {
        var project = File.ReadAllText(Path.Combine(RepoRoot.Path, "bot", "Core", "SuccessBot.Core.csproj"));

        Assert.DoesNotContain("PackageReference", project);
        Assert.DoesNotContain("ProjectReference", project);
        Assert.Contains("Sdk=\"Microsoft.NET.Sdk\"", project);
    }

    [Fact]
    public void Only_the_storage_references_LiteDB_and_it_knows_nothing_of_channels_the_web_or_the_host()
    {
        Assert.Contains("LiteDB", ReferencesOf(Storage));
        Assert.Contains("SuccessBot.Core", ReferencesOf(Storage));
        Assert.DoesNotContain(ReferencesOf(Storage), r => r == "SuccessBot" || r.StartsWith("Microsoft.AspNetCore", StringComparison.OrdinalIgnoreCase)
            || r.StartsWith("Quartz", StringComparison.OrdinalIgnoreCase));

        // The host (channels, ingest, scheduling, the command line) speaks to the stores through the core's ports only.
        Assert.Contains("SuccessBot.Storage", ReferencesOf(Host));
        Assert.DoesNotContain("LiteDB", ReferencesOf(Host));
        Assert.DoesNotContain("Npgsql", ReferencesOf(Host));
        var hostProject = File.ReadAllText(Path.Combine(RepoRoot.Path, "bot", "SuccessBot.csproj"));
        Assert.DoesNotContain("Include=\"LiteDB\"", hostProject);
        Assert.DoesNotContain("Include=\"Npgsql\"", hostProject);
        Assert.Contains("PrivateAssets=\"compile\"", File.ReadAllText(Path.Combine(RepoRoot.Path, "bot", "Storage", "SuccessBot.Storage.csproj")));
    }

    [Fact]
    public void No_channel_ingest_or_host_type_holds_a_storage_type_other_than_the_store_itself()
    {
        // Slack, Teams, ingest, the web and the host take ports; only the composition root, the command line, the demo and the benchmarks open a file.
        var allowed = new[] { "SuccessBot.Host.Composition", "SuccessBot.Cli", "SuccessBot.Demo", "SuccessBot.Bench", "SuccessBot.Host.StoreFiles" };
        var offenders = Host.GetTypes()
            .Where(t => !allowed.Any(a => t.FullName!.StartsWith(a, StringComparison.Ordinal)) && !t.FullName!.Contains("Benchmark", StringComparison.Ordinal))
            .SelectMany(t => t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance).SelectMany(c => c.GetParameters())
                .Select(p => p.ParameterType)
                .Concat(t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static).Select(f => f.FieldType))
                .Where(type => type.Assembly == Storage)
                .Select(type => $"{t.FullName} holds {type.Name}"))
            .Distinct().ToArray();

        Assert.Empty(offenders);
    }
}

public static class RepoRoot
{
    /// <summary>The folder that holds SuccessBot.sln, found upwards from the test binaries.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "SuccessBot.sln"))) return dir.FullName;
        throw new InvalidOperationException("SuccessBot.sln not found above " + AppContext.BaseDirectory);
    }
}
