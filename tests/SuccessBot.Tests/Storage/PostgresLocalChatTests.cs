using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Import;
using SuccessBot.Storage.Postgres;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Storage;

/// <summary>The local chat behind a load balancer: two hosts on one PostgreSQL, a person's page open on one, their messages and clicks sent to the other.</summary>
public sealed class PostgresLocalChatTests
{
    private const string Csm = "carla.csm@example.com", Marker = "Shared chat card";

    [SkippableFact]
    public async Task A_page_open_on_one_host_sees_the_messages_and_the_card_updates_written_through_the_other_and_both_keep_the_same_history()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        using var folder = new TempFolder();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        using (var store = new PostgresStore(connection))
            Importers.ImportAccounts(store.Book, folder.File("accounts.csv", $"account_id,name,owner_email,mrr,started_on\nshared1,Shared Chat Co,{Csm},900,2024-01-01\n"), today);
        // Only the first host delivers, every half second; the second has its page (each its own schedule: a cluster's would be shared).
        using var first = StoreHost.OnPostgres(connection, ("Checks:DeliverySeconds", "0.5"), ("Scheduling:Clustered", "false"));
        using var second = StoreHost.OnPostgres(connection, ("Checks:DeliverySeconds", "3600"), ("Scheduling:Clustered", "false"));
        var throughFirst = first.CreateClient();
        var throughSecond = second.CreateClient();
        using var page = await throughSecond.GetAsync($"/chat/events?as={Csm}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var events = new StreamReader(await page.Content.ReadAsStreamAsync());
        Assert.Equal(": listening", await events.ReadLineAsync());

        var said = await throughFirst.PostAsJsonAsync("/chat/messages", new { @as = Csm, text = "help" });
        Assert.Equal(HttpStatusCode.OK, said.StatusCode);
        var (mine, answer) = (await NextEvent(events), await NextEvent(events));
        Assert.Equal(("message", "help"), (mine.GetProperty("type").GetString(), mine.GetProperty("message").GetProperty("text").GetString()));
        Assert.Equal("message", answer.GetProperty("type").GetString());
        var answered = (await said.Content.ReadFromJsonAsync<JsonElement>())[1];
        Assert.Equal(answered.GetProperty("id").GetString(), answer.GetProperty("message").GetProperty("id").GetString());

        var now = DateTimeOffset.UtcNow;
        const string key = "renewal|shared1|chat";
        first.Services.GetRequiredService<INudgeLedger>().Record([new NudgeRecord
        {
            Key = key, Rule = NudgeRules.Renewal, AccountId = "shared1", Recipient = Csm, Card = new Reply(Marker),
            CreatedAt = now.AddMinutes(-2), NextAttemptAt = now.AddMinutes(-1),
        }], [], [], []);
        var delivered = await NextEvent(events);
        var card = delivered.GetProperty("message");
        Assert.Equal(("message", Marker), (delivered.GetProperty("type").GetString(), card.GetProperty("reply").GetProperty("title").GetString()));

        // The history read through either host is what the first host wrote.
        var history = await throughSecond.GetFromJsonAsync<JsonElement>($"/chat/history?as={Csm}");
        Assert.Equal(["help", answered.GetProperty("id").GetString(), card.GetProperty("id").GetString()],
            history.EnumerateArray().Select(m => m.GetProperty("text").GetString() ?? m.GetProperty("id").GetString()));
        Assert.Equal(history.ToString(), (await throughFirst.GetFromJsonAsync<JsonElement>($"/chat/history?as={Csm}")).ToString());

        var snooze = card.GetProperty("reply").GetProperty("buttons").EnumerateArray().First(b => b.GetProperty("actionId").GetString() == "nudge.snooze");
        var clicked = await throughFirst.PostAsJsonAsync("/chat/actions", new
        {
            @as = Csm, messageId = card.GetProperty("id").GetString(), actionId = "nudge.snooze", value = snooze.GetProperty("value").GetString(),
            inputs = new Dictionary<string, string> { ["days"] = "7" },
        });
        Assert.Equal(HttpStatusCode.OK, clicked.StatusCode);
        var updated = await NextEvent(events);
        Assert.Equal(("update", card.GetProperty("id").GetString()), (updated.GetProperty("type").GetString(), updated.GetProperty("message").GetProperty("id").GetString()));
        Assert.Empty(updated.GetProperty("message").GetProperty("reply").GetProperty("buttons").EnumerateArray());
        Assert.Contains(Csm, updated.GetProperty("message").GetProperty("reply").GetProperty("note").GetString());
        var after = await throughSecond.GetFromJsonAsync<JsonElement>($"/chat/history?as={Csm}");
        Assert.Empty(after[2].GetProperty("reply").GetProperty("buttons").EnumerateArray());
    }

    [SkippableFact]
    public async Task Each_person_keeps_the_last_200_messages_in_the_database_and_a_new_person_takes_the_least_recently_used_room()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        using var first = StoreHost.OnPostgres(connection, ("LocalChat:MaxPeople", "1"));
        using var second = StoreHost.OnPostgres(connection, ("LocalChat:MaxPeople", "1"));
        var throughFirst = first.CreateClient();
        for (var i = 0; i < 110; i++) Assert.Equal(HttpStatusCode.OK, (await throughFirst.PostAsJsonAsync("/chat/messages", new { @as = StoreHost.Manager, text = $"help {i}" })).StatusCode);

        var history = await second.CreateClient().GetFromJsonAsync<JsonElement>($"/chat/history?as={StoreHost.Manager}");
        Assert.Equal(200, history.GetArrayLength());
        Assert.Equal("help 10", history[0].GetProperty("text").GetString());

        // The only room goes to a second person (a CSM once their account is imported): the manager's conversation, with no page open, makes it.
        var hub = second.Services.GetRequiredService<SuccessBot.LocalChat.LocalChatHub>();
        using (var store = new PostgresStore(connection))
            Importers.ImportAccounts(store.Book, WriteCsv(), DateOnly.FromDateTime(DateTime.UtcNow));
        await WaitForAccount(second);
        Assert.Equal(HttpStatusCode.OK, (await second.CreateClient().PostAsJsonAsync("/chat/messages", new { @as = Csm, text = "help" })).StatusCode);
        Assert.Equal((1, true, false), (hub.People, hub.Knows(Csm), first.Services.GetRequiredService<SuccessBot.LocalChat.LocalChatHub>().Knows(StoreHost.Manager)));
    }

    [SkippableFact]
    public async Task A_conversation_whose_page_is_open_on_another_host_is_never_dropped_to_make_room()
    {
        var connection = PostgresServer.Require().CreateDatabase();
        using var first = StoreHost.OnPostgres(connection, ("LocalChat:MaxPeople", "1"));
        using var second = StoreHost.OnPostgres(connection, ("LocalChat:MaxPeople", "1"));
        using (var store = new PostgresStore(connection))
            Importers.ImportAccounts(store.Book, WriteCsv(), DateOnly.FromDateTime(DateTime.UtcNow));
        await WaitForAccount(second);
        using var page = await first.CreateClient().GetAsync($"/chat/events?as={StoreHost.Manager}", HttpCompletionOption.ResponseHeadersRead);
        using var events = new StreamReader(await page.Content.ReadAsStreamAsync());
        Assert.Equal(": listening", await events.ReadLineAsync());

        // The only room is the manager's, whose page is open on the first host: the second host may not take it.
        var refused = await second.CreateClient().PostAsJsonAsync("/chat/messages", new { @as = Csm, text = "help" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("The local chat is full", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        var hub = second.Services.GetRequiredService<SuccessBot.LocalChat.LocalChatHub>();
        Assert.Equal((1, true, false), (hub.People, hub.Knows(StoreHost.Manager), hub.Knows(Csm)));
        var said = await first.CreateClient().PostAsJsonAsync("/chat/messages", new { @as = StoreHost.Manager, text = "help" });
        Assert.Equal(HttpStatusCode.OK, said.StatusCode);
        var mine = await NextEvent(events);
        Assert.Equal(("message", "help"), (mine.GetProperty("type").GetString(), mine.GetProperty("message").GetProperty("text").GetString()));
    }

    private static string WriteCsv()
    {
        var path = Path.Combine(Path.GetTempPath(), $"accounts-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, $"account_id,name,owner_email,mrr,started_on\nroom1,Room Co,{Csm},100,2024-01-01\n");
        return path;
    }

    private static async Task WaitForAccount(StoreHost host)
    {
        var model = host.Services.GetRequiredService<SuccessBot.Host.BookReadModel>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (model.Current.Find("room1") is null && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
    }

    /// <summary>The next event of the page's stream (`data: {...}`), skipping the blank lines between them.</summary>
    private static async Task<JsonElement> NextEvent(StreamReader events)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (await events.ReadLineAsync(timeout.Token) is { } line)
                if (line.StartsWith("data: ", StringComparison.Ordinal)) return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException("Nothing reached the page open on the other host.");
        }
        throw new Xunit.Sdk.XunitException("The page's stream ended.");
    }
}
