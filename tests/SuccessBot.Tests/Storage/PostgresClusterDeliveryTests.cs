using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;
using SuccessBot.Import;
using SuccessBot.Storage.Postgres;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;
using SuccessBot.Tests.Slack;

namespace SuccessBot.Tests.Storage;

/// <summary>Two real hosts on one PostgreSQL, each running the same check at once, both delivering to a local fake Slack.</summary>
public sealed class PostgresClusterDeliveryTests : IDisposable
{
    private readonly StartedHosts _hosts = new();
    private readonly TempFolder _folder = new();

    public void Dispose()
    {
        _hosts.Dispose();
        _folder.Dispose();
    }

    [SkippableFact]
    public async Task A_check_triggered_on_both_hosts_at_once_posts_each_card_to_Slack_once()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        await using var slack = await FakeSlack.StartAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var rows = Enumerable.Range(1, 6).Select(i => $"cl{i},Cluster Co {i},{DemoGenerator.Csms[0]},{100 * i},2024-01-01,{today.AddDays(3):yyyy-MM-dd}");
        using (var store = new PostgresStore(connection))
            Importers.ImportAccounts(store.Book, _folder.File("accounts.csv", "account_id,name,owner_email,mrr,started_on,renewal_on\n" + string.Join('\n', rows)), today);
        var hosts = new[] { "first", "second" }.Select(name => _hosts.Start(StoreHost.OnPostgres(connection,
            ("Slack:BotToken", "token-" + name), ("Slack:ApiBaseUrl", slack.ApiBaseUrl), ("Slack:SigningSecret", SlackBotFactory.SigningSecret),
            ("Checks:DeliverySeconds", "0.5"), ("Checks:MaxNudgesPerDay", "100")))).ToArray();
        foreach (var host in hosts) await WaitForAccounts(host);

        // How many each check counts as recorded depends on whether it saw the other's cards (it then records the day cards it grows
        // again); what must hold is what Slack was given.
        await Task.WhenAll(hosts.Select(h => Task.Run(() => h.Services.GetRequiredService<NudgeService>().Check(CheckKind.Renewals))));

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Posted(slack).Length < 6 && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
        // A moment more, for a second sending of any of them to show.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"Cluster Co {i}"), Posted(slack).Order());
    }

    /// <summary>The accounts named in the cards posted, once for each time a card was posted.</summary>
    private static string[] Posted(FakeSlack slack) => slack.Calls("chat.postMessage")
        .Select(c => Regex.Match(c.Fields.ToJsonString(), @"Cluster Co \d").Value).Where(name => name.Length > 0).ToArray();

    private static async Task WaitForAccounts(StoreHost host)
    {
        var model = host.Services.GetRequiredService<SuccessBot.Host.BookReadModel>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (model.Current.Find("cl6") is null && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
    }
}
