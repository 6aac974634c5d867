using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Tests.Web;

namespace SuccessBot.Tests.Slack;

/// <summary>Quiet hours in the recipient's own zone, asked of the fake Slack by the host's delivery rounds.</summary>
public class SlackZoneTests
{
    private const string Tokyo = "tokyo.csm@successbot.demo";

    [Fact]
    public async Task A_recipients_zone_is_asked_of_Slack_once_an_hour_not_every_round_and_again_when_Slack_could_not_say()
    {
        await using var slack = await FakeSlack.StartAsync();
        // 03:00 UTC: quiet hours in the team's zone (UTC), noon in Tokyo.
        var clock = new FakeTimeProvider(new DateTimeOffset(BotFactory.Today.ToDateTime(new TimeOnly(3, 0)), TimeSpan.Zero));
        await using var host = new SlackBotFactory(slack);
        await using var bot = host.WithWebHostBuilder(b =>
        {
            b.UseSetting("Checks:QuietHours", "20:00-08:00");
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock));
        });
        // The test runs the delivery rounds itself: the scheduler's are finished and stopped first.
        await (await bot.Services.GetRequiredService<ISchedulerFactory>().GetScheduler()).Shutdown(waitForJobsToComplete: true);
        var nudges = bot.Services.GetRequiredService<NudgeService>();
        var ledger = bot.Services.GetRequiredService<INudgeLedger>();
        int ZoneAskedOfSlack() => slack.Calls("users.info").Count(c => c.Fields["user"]?.GetValue<string>() == FakeSlack.InTokyo);
        bool Delivered(string title) => slack.Calls("chat.postMessage").Any(c => c.Fields["text"]?.GetValue<string>().StartsWith(title) == true);
        async Task RoundWith(string title)
        {
            ledger.Add(NudgeRecord.From(new Nudge($"test|zone|{title}", NudgeRules.Digest, "", Tokyo, new Reply(title)), clock.GetUtcNow()));
            await nudges.DeliverDueAsync(CancellationToken.None);
        }

        await RoundWith("First");
        Assert.True(Delivered("First"));   // in Tokyo's day, though the team's night
        Assert.Equal(1, ZoneAskedOfSlack());

        // Past the 15 minutes Slack's own lookups are kept: the zone is still known.
        clock.Advance(TimeSpan.FromMinutes(20));
        await RoundWith("Second");
        Assert.True(Delivered("Second"));
        Assert.Equal(1, ZoneAskedOfSlack());

        clock.Advance(RecipientZones.Kept);
        await RoundWith("Third");
        Assert.True(Delivered("Third"));
        Assert.Equal(2, ZoneAskedOfSlack());

        // Slack cannot say now: the team's zone stands in for that round (quiet), and the next round asks again.
        clock.Advance(RecipientZones.Kept);
        slack.Script("users.info", f => f["user"]?.GetValue<string>() == FakeSlack.InTokyo, () => FakeSlack.NotOk("ratelimited"));
        await RoundWith("Fourth");
        Assert.False(Delivered("Fourth"));
        Assert.Equal(3, ZoneAskedOfSlack());
        clock.Advance(TimeSpan.FromMinutes(1));
        await RoundWith("Fifth");
        Assert.True(Delivered("Fifth"));
        Assert.Equal(4, ZoneAskedOfSlack());
    }
}
