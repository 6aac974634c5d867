namespace SuccessBot.Tests.Web;

/// <summary>What the host logs: SuccessBot's own lines and warnings; a line per request only when `Logging:LogLevel` asks for it.</summary>
public class HostLoggingTests
{
    private static async Task<IReadOnlyList<string>> LinesAfterARequest(Dictionary<string, string?> settings)
    {
        using var factory = new BotFactory(settings);
        using var client = factory.CreateClient();
        (await client.GetAsync("/healthz")).EnsureSuccessStatusCode();
        return factory.Log.Lines;
    }

    [Fact]
    public async Task Requests_are_not_logged_by_default_and_are_when_logging_asks_for_them()
    {
        var quiet = await LinesAfterARequest([]);
        var loud = await LinesAfterARequest(new() { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information" });

        Assert.Contains(quiet, l => l.StartsWith("Store: "));
        Assert.DoesNotContain(quiet, l => l.StartsWith("Request starting"));
        Assert.Contains(loud, l => l.StartsWith("Request starting") && l.Contains("/healthz"));
    }
}
