using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SuccessBot.Demo;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Web;

/// <summary>The real host, through the real ASP.NET pipeline, on a fresh demo store of its own.</summary>
public sealed class BotFactory : WebApplicationFactory<Program>
{
    private readonly TempFolder _folder = new();

    public static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    public DemoBook Demo { get; }

    public BotFactory() => Demo = DemoStore.Create(_folder.Store, seed: 42, Today);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Path", _folder.Store);
        builder.UseSetting("Team:Managers:0", DemoGenerator.Manager);
        builder.UseSetting("Storage:PollSeconds", "0.2");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }
}
