using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SuccessBot.Demo;
using SuccessBot.Tests.Import;
using SuccessBot.Tests.Web;

namespace SuccessBot.Tests.Teams;

/// <summary>
/// The real host with Teams configured as for a real tenant, except that the OpenID metadata and the connector
/// are local servers started here.
/// </summary>
public class TeamsBotFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AppId = "6f1c2a4e-0b7d-4c55-9a0e-3d2b1f8e7c60";
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private readonly TempFolder _folder = new();

    public DemoBook Demo { get; }
    public BotFrameworkKeys Keys { get; private set; } = null!;
    public FakeConnector Connector { get; private set; } = null!;

    /// <summary>The local emulator's mode: no app id, no tokens.</summary>
    protected virtual bool Authenticated => true;

    public TeamsBotFactory() => Demo = DemoStore.Create(_folder.Store, seed: 42, DateOnly.FromDateTime(DateTime.UtcNow));

    public async Task InitializeAsync()
    {
        Keys = await BotFrameworkKeys.StartAsync();
        Connector = await FakeConnector.StartAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Path", _folder.Store);
        // Deliveries here do not depend on the hour the suite runs at (quiet hours have tests of their own).
        builder.UseSetting("Checks:QuietHours", "off");
        builder.UseSetting("Team:Managers:0", DemoGenerator.Manager);
        // Nudges are delivered by the tests themselves, not by the scheduler in the middle of one.
        builder.UseSetting("Checks:DeliverySeconds", "3600");
        builder.StopsAfterItsJobs();
        if (!Authenticated) return;
        builder.UseSetting("Teams:AppId", AppId);
        builder.UseSetting("Teams:AppPassword", "test-secret");
        builder.UseSetting("Teams:TenantId", TenantId);
        builder.UseSetting("Teams:OpenIdMetadataUrl", Keys.MetadataUrl);
        builder.UseSetting("Teams:TokenEndpoint", Connector.TokenEndpoint);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Keys.DisposeAsync();
        await Connector.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary>The host as the local Teams emulator meets it: no Teams:AppId.</summary>
public sealed class EmulatorBotFactory : TeamsBotFactory
{
    protected override bool Authenticated => false;
}
