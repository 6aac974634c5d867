using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SuccessBot.Demo;
using SuccessBot.Host;
using SuccessBot.LocalChat;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Web;

/// <summary>
/// A real OpenID provider (oidc-provider, run by Node from tests/oidc-provider on a free loopback port) and the bot
/// host signing in with it: listening on every address (`https://0.0.0.0:0`, so sign-in applies) over https with a
/// certificate made here, so that its secure cookies travel as they would for real; Chromium opens it at 127.0.0.1.
/// </summary>
public sealed class SignInHost : IAsyncLifetime
{
    public const string ClientId = "successbot-test", ClientSecret = "a-secret-only-this-test-knows";

    public static string ProviderFolder { get; } = Path.Combine(RepoRoot.Path, "tests", "oidc-provider");

    /// <summary>Why the sign-in tests cannot run here, or null.</summary>
    public static string? Missing =>
        Browser.Missing
        ?? (OnPath("node") ? null : "Node.js is not on PATH (apt-get install nodejs); the sign-in tests run a real OpenID provider with it.")
        ?? (Directory.Exists(Path.Combine(ProviderFolder, "node_modules", "oidc-provider")) ? null
            : "oidc-provider is not installed: run `npm ci --prefix tests/oidc-provider` (.ci/run does).");

    private readonly TempFolder _folder = new();
    private Process? _provider;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _providerErrors = new();
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public IBrowser? Chrome { get; private set; }
    public string Url { get; private set; } = "";
    public string Authority { get; private set; } = "";
    public DemoBook Demo { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    public static void Require() => Browser.Require(Missing);

    public async Task InitializeAsync()
    {
        if (Missing is not null) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _provider = Process.Start(new ProcessStartInfo("node", "provider.js")
        {
            WorkingDirectory = ProviderFolder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _provider.ErrorDataReceived += (_, e) => { if (e.Data is not null) _providerErrors.Enqueue(e.Data); };
        _provider.BeginErrorReadLine();
        var port = (await ReadUntil("listening ", timeout.Token))["listening ".Length..];
        Authority = $"http://127.0.0.1:{port}";

        Demo = DemoStore.Create(_folder.Store, seed: 42, DateOnly.FromDateTime(DateTime.UtcNow));
        _app = BotHost.Build(["--urls", "https://0.0.0.0:0"], new Dictionary<string, string?>
        {
            ["Storage:Path"] = _folder.Store,
            ["Checks:QuietHours"] = "off",
            ["Team:Managers:0"] = DemoGenerator.Manager,
            ["LocalChat:Authority"] = Authority,
            ["LocalChat:ClientId"] = ClientId,
            ["LocalChat:ClientSecret"] = ClientSecret,
            ["Kestrel:Certificates:Default:Path"] = Certificate(out var password),
            ["Kestrel:Certificates:Default:Password"] = password,
        });
        await _app.StartAsync(timeout.Token);
        var bound = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = $"https://127.0.0.1:{new Uri(bound).Port}";

        await _provider.StandardInput.WriteLineAsync(JsonSerializer.Serialize(new
        {
            clientId = ClientId,
            clientSecret = ClientSecret,
            redirectUri = Url + LocalChatSignIn.CallbackPath,
            postLogoutRedirectUri = Url + LocalChatSignIn.SignedOutCallbackPath,
        }));
        await _provider.StandardInput.FlushAsync(timeout.Token);
        await ReadUntil("ready", timeout.Token);

        _playwright = await Playwright.CreateAsync();
        Chrome = await Browser.LaunchAsync(_playwright);
    }

    /// <summary>The chat's page in a fresh browser profile that trusts this test's certificate.</summary>
    public async Task<IBrowserContext> OpenChatAsync()
    {
        var context = await Chrome!.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        await (await context.NewPageAsync()).GotoAsync(Url);
        return context;
    }

    private async Task<string> ReadUntil(string start, CancellationToken cancel)
    {
        while (await _provider!.StandardOutput.ReadLineAsync(cancel) is { } line)
            if (line.StartsWith(start, StringComparison.Ordinal)) return line;
        throw new InvalidOperationException($"The OpenID provider ended before it said \"{start}\" (exit code {_provider.ExitCode}): {string.Join(" ", _providerErrors)}");
    }

    /// <summary>A self-signed certificate for 127.0.0.1, written as a PFX file for Kestrel.</summary>
    private string Certificate(out string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        password = Guid.NewGuid().ToString("N");
        var path = Path.Combine(_folder.Path, "localhost.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, program)));

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync(Chrome, _playwright, _app);
        if (_provider is not null)
        {
            if (!_provider.HasExited) _provider.Kill(entireProcessTree: true);
            await _provider.WaitForExitAsync();
            _provider.Dispose();
        }
        _folder.Dispose();
    }
}
