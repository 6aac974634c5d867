using SuccessBot.Core.Domain;

namespace SuccessBot.Tests;

public class ArchitectureTests
{
    [Fact]
    public void The_core_references_no_storage_web_or_scheduler_assembly()
    {
        var references = typeof(BookOfBusiness).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.Contains("System.Runtime", references);
        Assert.DoesNotContain(references, r => r.StartsWith("LiteDB", StringComparison.OrdinalIgnoreCase)
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
