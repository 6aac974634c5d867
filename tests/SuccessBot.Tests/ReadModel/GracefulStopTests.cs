using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using SuccessBot.Demo;
using SuccessBot.Storage;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;
using static SuccessBot.Tests.Ingest.SegmentPayloads;

namespace SuccessBot.Tests.ReadModel;

/// <summary>`serve` told to stop (SIGTERM, as systemd and Kubernetes send) finishes what it took, then leaves a store and snapshot the next start needs nothing more from.</summary>
public class GracefulStopTests
{
    [Fact]
    public async Task A_host_stopped_with_SIGTERM_answers_the_request_in_flight_then_checkpoints_its_usage_and_snapshots_the_last_version()
    {
        using var folder = new TempFolder();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        DemoStore.Create(folder.Store, seed: 3, today);
        string account;
        int minutesBefore;
        using (var before = new LiteDbStore(folder.Store))
        {
            var book = before.Book.LoadBook();
            account = book.Accounts[0].Id;
            minutesBefore = book.UsageOf(account).Where(u => u.Date == today).Sum(u => u.Minutes);
        }
        var port = Ports.Free();
        using var host = TheProgram.Start(folder, new()
        {
            ["Team__Managers__0"] = DemoGenerator.Manager,
            ["Ingest__WriteKey"] = WriteKey,
            // Nothing reaches the store, the read model or the snapshot on its own schedule during the test: only the stop does.
            ["Ingest__PublishSeconds"] = "3600", ["Storage__SnapshotSeconds"] = "3600", ["Storage__PollSeconds"] = "3600",
        }, "serve", "--urls", $"http://127.0.0.1:{port}");
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        await WaitUntilServingAsync(port, host);

        // A usage call whose body is still arriving when the stop signal comes, and finishes after System.CommandLine's 2 s.
        var track = Track("stop-user", "Report Created", properties: new JsonObject { ["minutes"] = 9 });
        track["context"] = new JsonObject { ["groupId"] = account };
        var body = Encoding.UTF8.GetBytes(track.ToJsonString());
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        var key = Convert.ToBase64String(Encoding.UTF8.GetBytes(WriteKey + ":"));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Basic {key}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"));
        await stream.WriteAsync(body.AsMemory(0, 10));
        await Task.Delay(300);
        using (var kill = Process.Start("kill", ["-TERM", host.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        await Task.Delay(3000);
        await stream.WriteAsync(body.AsMemory(10));
        var response = await ReadStatusLineAsync(stream);
        await host.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.Equal(0, host.ExitCode);
        using var after = new LiteDbStore(folder.Store);
        // The stop's checkpoint put the event in the store, not only in the event log a start would replay.
        Assert.Equal(minutesBefore + 9, after.Book.LoadBook().UsageOf(account).Where(u => u.Date == today).Sum(u => u.Minutes));
        var snapshot = BookSnapshot.Read(BookSnapshot.PathFor(folder.Store), after.StoreId, out var whyNot);
        Assert.True(snapshot is not null, whyNot);
        Assert.Equal(after.DataVersion, snapshot.Value.Version);
    }

    private const string WriteKey = "stop-test-write-key";

    private static async Task WaitUntilServingAsync(int port, Process host)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(host.HasExited, "the host exited before it served");
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        Assert.Fail("the host was not ready within a minute");
    }

    private static async Task<string> ReadStatusLineAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        return Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
    }

}
