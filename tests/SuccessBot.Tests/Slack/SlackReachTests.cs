using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.LocalChat;

namespace SuccessBot.Tests.Slack;

/// <summary>With Slack on, the local chat reaches only people who use it: everyone else's nudges go to the managers.</summary>
public class SlackReachTests(SlackHost host) : IClassFixture<SlackHost>
{
    [Fact]
    public async Task A_nudge_for_someone_no_channel_reaches_goes_to_the_managers_and_a_local_chat_user_still_gets_theirs()
    {
        var services = host.Bot.Services;
        var ledger = services.GetRequiredService<INudgeLedger>();
        var account = services.GetRequiredService<IBookSource>().Current.Accounts.First();
        const string nobody = "nobody.anywhere@example.com", local = "local.user@example.com";
        services.GetRequiredService<LocalChatHub>().Post(local, LocalMessage.Person, "help", null);
        foreach (var who in new[] { nobody, local })
            ledger.Add(NudgeRecord.From(new Nudge($"reach-test|{who}", NudgeRules.Renewal, account.Id, who, new Reply($"Reach test for {who}")), DateTimeOffset.UtcNow));

        await services.GetRequiredService<NudgeService>().DeliverDueAsync(CancellationToken.None);

        Assert.Equal("managers", ledger.Find($"reach-test|{nobody}")!.Channel);
        var rerouted = ledger.Find($"reach-test|{nobody}|via|{SuccessBot.Demo.DemoGenerator.Manager}")!;
        Assert.Equal("Sent to you because nobody.anywhere@example.com has no chat identity SuccessBot can reach.", rerouted.Card.Note);
        Assert.Equal("local", ledger.Find($"reach-test|{local}")!.Channel);
        Assert.Contains(services.GetRequiredService<LocalChatHub>().History(local), m => m.Reply?.Title == $"Reach test for {local}");
    }
}
