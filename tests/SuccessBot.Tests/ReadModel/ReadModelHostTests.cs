using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;
using SuccessBot.Host;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.ReadModel;

/// <summary>The real host on a demo store that never polls on its own (`Storage:PollSeconds` an hour) unless a test says so.</summary>
public sealed class QuietHost(double pollSeconds = 3600) : WebApplicationFactory<Program>
{
    public TempFolder Folder { get; } = new();

    public DemoBook Demo { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Demo = DemoStore.Create(Folder.Store, seed: 7, DateOnly.FromDateTime(DateTime.UtcNow));
        builder.UseSetting("Storage:Path", Folder.Store);
        // Deliveries here do not depend on the hour the suite runs at (quiet hours have tests of their own).
        builder.UseSetting("Checks:QuietHours", "off");
        builder.UseSetting("Team:Managers:0", DemoGenerator.Manager);
        builder.UseSetting("Storage:PollSeconds", pollSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Checks:DeliverySeconds", "0.2");
        // No surveys at start: every change the book sees is then the test's own.
        builder.UseSetting("Nps:MaxPerDay", "0");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Folder.Dispose();
    }
}

public class ReadModelHostTests
{
    private static async Task<JsonElement> Say(HttpClient http, string who, string text)
    {
        var response = await http.PostAsJsonAsync("/chat/messages", new { @as = who, text });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>())[1].GetProperty("reply");
    }

    private static string Text(JsonElement reply) => reply.ToString();

    /// <summary>The first card in a CSM's conversation with a "Log touchpoint" button, once delivery has brought one.</summary>
    private static async Task<(string Csm, string MessageId, JsonElement Button)> FirstNudge(HttpClient http)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            foreach (var csm in DemoGenerator.Csms)
            {
                var history = await http.GetFromJsonAsync<JsonElement>($"/chat/history?as={csm}");
                foreach (var message in history.EnumerateArray())
                    if (message.TryGetProperty("reply", out var reply) && reply.ValueKind == JsonValueKind.Object)
                        foreach (var button in reply.GetProperty("buttons").EnumerateArray())
                            if (button.GetProperty("label").GetString() == "Log touchpoint") return (csm, message.GetProperty("id").GetString()!, button);
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("No nudge reached a CSM's local chat within a minute.");
    }

    [Fact]
    public async Task A_click_shows_in_the_very_next_answer_without_waiting_for_a_poll()
    {
        using var host = new QuietHost();
        var http = host.CreateClient();
        var (csm, messageId, button) = await FirstNudge(http);
        var nudge = host.Services.GetRequiredService<INudgeLedger>().Find(button.GetProperty("value").GetString()!)!;
        var before = host.Services.GetRequiredService<BookReadModel>().Current;

        var click = await http.PostAsJsonAsync("/chat/actions", new
        {
            @as = csm, messageId, actionId = button.GetProperty("actionId").GetString(), value = button.GetProperty("value").GetString(),
            inputs = new Dictionary<string, string> { ["kind"] = "call", ["note"] = "Walked through the renewal terms" },
        });
        click.EnsureSuccessStatusCode();
        var health = await Say(http, csm, $"health {nudge.AccountId}");

        Assert.Contains("Walked through the renewal terms", Text(health));
        // The click's change was applied, not the whole book loaded again: the accounts it did not touch are the same objects.
        AssertFollowedAsChanges(before, host.Services.GetRequiredService<BookReadModel>().Current);
    }

    /// <summary>A whole load makes every account's history anew; following changes keeps all but the ones that changed.</summary>
    private static void AssertFollowedAsChanges(SuccessBot.Core.Domain.BookOfBusiness before, SuccessBot.Core.Domain.BookOfBusiness after)
    {
        var kept = Enumerable.Range(0, before.Count).Count(p => ReferenceEquals(before.HistoryAt(p), after.HistoryAt(after.PositionOf(before.Accounts[p]))));
        Assert.True(kept >= before.Count - 1, $"only {kept} of {before.Count} accounts' histories were kept from the version before");
    }

    [Fact]
    public async Task An_import_from_another_process_reaches_the_serving_hosts_answers_as_changes()
    {
        using var host = new QuietHost(pollSeconds: 0.2);
        var http = host.CreateClient();
        var model = host.Services.GetRequiredService<BookReadModel>();
        await model.WhenReady;
        var before = model.Current;
        var csv = host.Folder.File("new.csv", $"""
            account_id,name,owner_email,mrr,started_on
            brand-new,Brand New Labs,{DemoGenerator.Csms[0]},4321,2026-01-05
            """);

        var import = Process.Start(new ProcessStartInfo("dotnet", [typeof(SuccessBot.Cli.Verbs).Assembly.Location, "import", "accounts", csv])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, Environment = { ["Storage__Path"] = host.Folder.Store },
        })!;
        Assert.True(import.WaitForExit(60_000), "import did not finish within a minute");
        Assert.True(import.ExitCode == 0, await import.StandardError.ReadToEndAsync());

        var watch = Stopwatch.StartNew();
        JsonElement health;
        do
        {
            await Task.Delay(100);
            health = await Say(http, DemoGenerator.Manager, "health brand-new");
        } while (!Text(health).Contains("Brand New Labs") && watch.Elapsed < TimeSpan.FromSeconds(60));

        Assert.Contains("$4,321", Text(health));
        var after = model.Current;
        Assert.Equal(before.Count + 1, after.Count);
        AssertFollowedAsChanges(before, after);
    }

    [Fact]
    public async Task A_host_that_is_ready_writes_its_snapshot_beside_the_store()
    {
        using var host = new QuietHost();
        _ = host.CreateClient();
        await host.Services.GetRequiredService<BookReadModel>().WhenReady;
        var snapshot = SuccessBot.Storage.BookSnapshot.PathFor(host.Folder.Store);

        var watch = Stopwatch.StartNew();
        while (!File.Exists(snapshot) && watch.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(50);

        Assert.True(File.Exists(snapshot), $"no snapshot at {snapshot}");
    }
}
