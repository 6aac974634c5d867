using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SuccessBot.Demo;
using SuccessBot.Slack;
using SuccessBot.Tests.Import;
using SuccessBot.Tests.Web;

namespace SuccessBot.Tests.Slack;

/// <summary>The real host with Slack on, on a fresh demo store, its Web API pointed at a <see cref="FakeSlack"/>.</summary>
public sealed class SlackBotFactory(FakeSlack slack, bool socketMode = false, bool withSigningSecret = true) : WebApplicationFactory<Program>
{
    public const string SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";

    private readonly TempFolder _folder = new();

    public FakeSlack Slack => slack;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        DemoStore.Create(_folder.Store, seed: 42, BotFactory.Today);
        builder.UseSetting("Storage:Path", _folder.Store);
        // Deliveries here do not depend on the hour the suite runs at (quiet hours have tests of their own).
        builder.UseSetting("Checks:QuietHours", "off");
        builder.UseSetting("Team:Managers:0", DemoGenerator.Manager);
        builder.UseSetting("Storage:PollSeconds", "0.2");
        builder.UseSetting("Slack:BotToken", "fake-bot-token");
        builder.UseSetting("Slack:ApiBaseUrl", slack.ApiBaseUrl);
        if (withSigningSecret) builder.UseSetting("Slack:SigningSecret", SigningSecret);
        if (socketMode) builder.UseSetting("Slack:AppToken", "fake-app-token");
        builder.StopsAfterItsJobs();
    }

    /// <summary>Posts a body to /slack/events signed as Slack signs it (or with the given timestamp and secret).</summary>
    public Task<HttpResponseMessage> PostSignedAsync(string body, string contentType, DateTimeOffset? at = null, string secret = SigningSecret, Action<HttpRequestMessage>? change = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, SlackEndpoints.Path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(secret, timestamp, Encoding.UTF8.GetBytes(body)));
        change?.Invoke(request);
        return CreateClient().SendAsync(request);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string json, Action<HttpRequestMessage>? change = null) => PostSignedAsync(json, "application/json", change: change);

    public async Task<HttpResponseMessage> PostFormAsync(IEnumerable<KeyValuePair<string, string>> fields) =>
        await PostSignedAsync(await new FormUrlEncodedContent(fields).ReadAsStringAsync(), "application/x-www-form-urlencoded");

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }
}
