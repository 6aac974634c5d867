using System.Diagnostics;
using SuccessBot.Demo;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Demo;

/// <summary>The mark a running demo keeps beside its file, so that a second demo refuses rather than replace the file under it.</summary>
public class DemoLockTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_second_demo_on_the_same_file_is_refused_with_the_first_ones_address_until_the_first_stops()
    {
        using (var first = DemoLock.TryTake(_folder.Store, out _))
        {
            Assert.NotNull(first);
            Assert.Null(DemoLock.TryTake(_folder.Store, out var starting));
            Assert.Equal($"process {Environment.ProcessId}, still starting", starting);

            first.Serving("http://127.0.0.1:5080");

            Assert.Null(DemoLock.TryTake(_folder.Store, out var url));
            Assert.Equal("http://127.0.0.1:5080", url);
        }
        Assert.False(File.Exists(DemoLock.PathFor(_folder.Store)));
        using var next = DemoLock.TryTake(_folder.Store, out _);
        Assert.NotNull(next);
    }

    [Fact]
    public void The_mark_of_a_demo_that_was_killed_is_stale_once_its_process_is_gone()
    {
        using var gone = Process.Start("true")!;
        gone.WaitForExit();
        Directory.CreateDirectory(Path.GetDirectoryName(_folder.Store)!);
        File.WriteAllText(DemoLock.PathFor(_folder.Store), $$"""{"pid":{{gone.Id}},"url":"http://127.0.0.1:5080"}""");

        using var taken = DemoLock.TryTake(_folder.Store, out _);

        Assert.NotNull(taken);
    }

    [Fact]
    public void The_note_of_a_killed_demo_whose_process_id_now_belongs_to_another_process_does_not_block()
    {
        // After a restart (a container's, say) the killed demo's process id may be anyone's, this very process's included.
        Directory.CreateDirectory(Path.GetDirectoryName(_folder.Store)!);
        File.WriteAllText(DemoLock.PathFor(_folder.Store), $$"""{"pid":{{Environment.ProcessId}},"url":"http://127.0.0.1:5080"}""");

        using var taken = DemoLock.TryTake(_folder.Store, out _);

        Assert.NotNull(taken);
        Assert.Null(DemoLock.TryTake(_folder.Store, out var other));
        Assert.Equal($"process {Environment.ProcessId}, still starting", other);
    }
}
