using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SuccessBot.Demo;
using SuccessBot.Host;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Web;

/// <summary>
/// Debian's Chromium, driven by Playwright, against the bot host on a real port. Without Chromium the browser tests
/// are skipped with the install command; under CI (SUCCESSBOT_REQUIRE_BROWSER=1) they fail instead.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    public static string? Missing => File.Exists(Chromium) ? null
        : $"Chromium is not installed at {Chromium}; install it with `apt-get install chromium` (.ci/run does).";

    private readonly TempFolder _folder = new();
    private IPlaywright? _playwright;
    private WebApplication? _app;

    public IBrowser? Chrome { get; private set; }
    public string Url { get; private set; } = "";
    public DemoBook Demo { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        Demo = DemoStore.Create(_folder.Store, seed: 42, DateOnly.FromDateTime(DateTime.UtcNow));
        _app = BotHost.Build(["--urls", "http://127.0.0.1:0"], new Dictionary<string, string?>
        {
            ["Storage:Path"] = _folder.Store,
            ["Checks:QuietHours"] = "off",
            ["Team:Managers:0"] = DemoGenerator.Manager,
            ["Checks:DeliverySeconds"] = "0.5",
            ["Nps:CommentGraceSeconds"] = "0",
        });
        await _app.StartAsync();
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        if (Missing is not null) return;
        _playwright = await Playwright.CreateAsync();
        Chrome = await LaunchAsync(_playwright);
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Chromium,
        Headless = true,
        // The machine has no network: without these Chromium keeps trying to reach Google's services.
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });

    /// <summary>Closes the browser, then stops the host it drove.</summary>
    public static async Task CloseAsync(IBrowser? chrome, IPlaywright? playwright, WebApplication? app)
    {
        if (chrome is not null) await chrome.DisposeAsync();
        playwright?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Skips the test when there is no browser, unless CI requires one.</summary>
    public static void Require() => Require(Missing);

    /// <summary>Skips the test when something it drives is missing (said in `missing`), unless CI requires browser tests to run.</summary>
    public static void Require(string? missing)
    {
        if (missing is null) return;
        if (Environment.GetEnvironmentVariable("SUCCESSBOT_REQUIRE_BROWSER") == "1") Assert.Fail(missing);
        Skip.If(true, missing);
    }

    public async Task DisposeAsync()
    {
        await CloseAsync(Chrome, _playwright, _app);
        _folder.Dispose();
    }
}
