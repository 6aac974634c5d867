using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;

namespace SuccessBot.Tests.Slack;

/// <summary>One fake Slack and one host with Slack on, shared by the tests of a class (each test uses its own ids).</summary>
public sealed class SlackHost : IAsyncLifetime
{
    public FakeSlack Slack { get; private set; } = null!;
    public SlackBotFactory Bot { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Slack = await FakeSlack.StartAsync();
        Bot = new SlackBotFactory(Slack);
        // A test asks once the book is loaded: a busy machine may take longer than the host waits for it before it listens.
        await Bot.Services.GetRequiredService<IBookSource>().WhenReady.WaitAsync(TimeSpan.FromMinutes(2));
    }

    public async Task DisposeAsync()
    {
        await Bot.DisposeAsync();
        await Slack.DisposeAsync();
    }
}
