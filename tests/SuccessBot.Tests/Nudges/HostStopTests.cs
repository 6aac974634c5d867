using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Storage;
using SuccessBot.Tests.Web;

namespace SuccessBot.Tests.Nudges;

public class HostStopTests
{
    /// <summary>A chat API that never answers: a send waits until it is cancelled.</summary>
    private sealed class HangingChannel : IChatChannel
    {
        public TaskCompletionSource Sending { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "hanging";

        public Task<bool> CanReachAsync(string email, CancellationToken cancel) => Task.FromResult(true);

        public async Task<Delivery> SendAsync(string email, Reply card, CancellationToken cancel)
        {
            Sending.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancel);
            }
            catch (OperationCanceledException)
            {
                Cancelled.TrySetResult();
                throw;
            }
            return Delivery.Sent("never");
        }

        public Task UpdateAsync(string email, string messageRef, Reply card, CancellationToken cancel) => Task.CompletedTask;
    }

    [Fact]
    public async Task Stopping_the_host_stops_a_delivery_in_flight_and_its_nudge_stays_pending()
    {
        var channel = new HangingChannel();
        await using var bot = new BotFactory().WithWebHostBuilder(b =>
        {
            b.UseSetting("Checks:DeliverySeconds", "0.2");
            b.ConfigureTestServices(s =>
            {
                s.RemoveAll<IChatChannel>();
                s.AddSingleton<IChatChannel>(channel);
            });
        });
        _ = bot.Server;
        await channel.Sending.Task.WaitAsync(TimeSpan.FromMinutes(1));
        var storePath = bot.Services.GetRequiredService<LiteDbStore>().Path;

        bot.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        await channel.Cancelled.Task.WaitAsync(TimeSpan.FromMinutes(1));
        // The stopping host may have closed its store already: the file is what the next start reads.
        using var store = new LiteDbStore(storePath);
        // Reasons merged into a card of the day are never sent themselves; every card stays pending.
        var ledger = store.Ledger.AllNudges().Where(n => n.Status != DeliveryStatus.Merged).ToArray();
        Assert.NotEmpty(ledger);
        Assert.All(ledger, n => Assert.Equal(DeliveryStatus.Pending, n.Status));
    }
}
