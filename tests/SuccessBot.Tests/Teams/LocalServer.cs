using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SuccessBot.Tests.Teams;

/// <summary>A real Kestrel server on 127.0.0.1 with a free port, standing in for a Microsoft service in a test.</summary>
public sealed class LocalServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public string Url { get; }

    private LocalServer(WebApplication app, string url) => (_app, Url) = (app, url.TrimEnd('/') + "/");

    public static async Task<LocalServer> StartAsync(RequestDelegate handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(handle);
        await app.StartAsync();
        return new LocalServer(app, app.Urls.First());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
