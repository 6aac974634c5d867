using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SuccessBot.Core.Audit;
using SuccessBot.Demo;
using SuccessBot.Host;
using SuccessBot.Storage;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Audit;

/// <summary>What the host adds to the audit log by itself: changes of who is a manager, and the retention of `Audit:Days`.</summary>
public class AuditHostTests
{
    /// <summary>The real host on a given store, with the managers of the test.</summary>
    private sealed class StartedHost(string store, params string[] managers) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Storage:Path", store);
            builder.UseSetting("Audit:Days", "400");
            builder.UseSetting("Checks:DeliverySeconds", "3600");
            for (var i = 0; i < managers.Length; i++) builder.UseSetting($"Team:Managers:{i}", managers[i]);
        }
    }

    private static void Start(string store, params string[] managers)
    {
        using var host = new StartedHost(store, managers);
        _ = host.Services;
    }

    [Fact]
    public void A_change_of_managers_is_recorded_once_at_start_and_entries_older_than_Audit_Days_are_trimmed()
    {
        using var folder = new TempFolder();
        DemoStore.Create(folder.Store, seed: 42, DateOnly.FromDateTime(DateTime.UtcNow));
        var now = DateTimeOffset.UtcNow;
        using (var store = new LiteDbStore(folder.Store))
        {
            foreach (var days in new[] { 401, 399 })
                store.Audit.Recorded(() => (0, new AuditEntry(now.AddDays(-days), "ana@example.com", AuditChannels.Slack, "nudge.snooze", "acme", new Dictionary<string, string> { ["days"] = "7" })));
        }

        Start(folder.Store, DemoGenerator.Manager);
        Start(folder.Store, DemoGenerator.Manager);
        Start(folder.Store, "Boss@Example.com", DemoGenerator.Manager);

        using var after = new LiteDbStore(folder.Store);
        var entries = after.Audit.AuditEntries();
        var kept = Assert.Single(entries, e => e.Action == "nudge.snooze");
        Assert.Equal(now.AddDays(-399).ToUnixTimeMilliseconds(), kept.At.ToUnixTimeMilliseconds());
        var managers = entries.Where(e => e.Action == AuditUpkeep.ManagersChanged).ToArray();
        Assert.Equal(2, managers.Length);
        Assert.All(managers, m => Assert.Equal((AuditEntry.Administrator, AuditChannels.Settings), (m.Who, m.Channel)));
        Assert.Equal(DemoGenerator.Manager, managers[0].Values["managers"]);
        Assert.False(managers[0].Values.ContainsKey("before"));
        Assert.Equal($"boss@example.com, {DemoGenerator.Manager}", managers[1].Values["managers"]);
        Assert.Equal(DemoGenerator.Manager, managers[1].Values["before"]);
    }
}
