using LiteDB;
using SuccessBot.Core.Storage;
using SuccessBot.Storage;
using SuccessBot.Teams;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Storage;

/// <summary>The small stores of the channels and the ingest, on a real file reopened as a restarted host would.</summary>
public class StorePortsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_Teams_reference_kept_by_an_earlier_version_is_read_and_one_person_keeps_one_record()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.GetDirectoryName(folder.Store)!);
        using (var raw = new LiteDatabase(new ConnectionString { Filename = folder.Store, Connection = ConnectionType.Shared }))
            raw.GetCollection("teams_conversations").Insert(new BsonDocument
            {
                // The shape the file has had since Teams came: every field, nulls included, and when it was written.
                ["_id"] = "aad:oid-1", ["serviceUrl"] = "https://smba.example/", ["channelId"] = "msteams", ["userId"] = "29:u1",
                ["aadObjectId"] = "oid-1", ["email"] = BsonValue.Null, ["botId"] = "28:bot", ["botName"] = "SuccessBot", ["tenantId"] = "t1",
                ["conversationId"] = "a:conv", ["locale"] = "en-US", ["timeZone"] = "Europe/Lisbon", ["updated"] = DateTime.UtcNow,
            });

        using (var store = new LiteDbStore(folder.Store))
        {
            var references = new ConversationReferences(store.TeamsReferences);
            var known = references.FindByUserId("29:u1")!;
            Assert.Equal(("https://smba.example/", "a:conv", "Europe/Lisbon", "oid-1", null), (known.ServiceUrl, known.ConversationId, known.TimeZone, known.AadObjectId, known.Email));
            references.Save(known with { Email = "Ana@Example.com" });
        }

        using var reopened = new LiteDbStore(folder.Store);
        var stored = Assert.Single(reopened.TeamsReferences.All());
        Assert.Equal("ana@example.com", stored.Key);
        var again = new ConversationReferences(reopened.TeamsReferences).FindByEmail("ana@example.com")!;
        Assert.Equal(("a:conv", "Europe/Lisbon", "Ana@Example.com"), (again.ConversationId, again.TimeZone, again.Email));
    }

    [Fact]
    public void A_Slack_event_id_is_handled_once_across_a_restart_and_forgotten_after_the_time_kept()
    {
        using var folder = new TempFolder();
        var kept = TimeSpan.FromDays(2);
        using (var store = new LiteDbStore(folder.Store))
        {
            Assert.True(store.SlackEvents.FirstTime("Ev1", Now, kept));
            Assert.False(store.SlackEvents.FirstTime("Ev1", Now.AddMinutes(1), kept));
        }
        using var reopened = new LiteDbStore(folder.Store);
        Assert.False(reopened.SlackEvents.FirstTime("Ev1", Now.AddMinutes(5), kept));
        // Another id three days on prunes the old one: a retry that late is new again.
        Assert.True(reopened.SlackEvents.FirstTime("Ev2", Now.AddDays(3), kept));
        Assert.True(reopened.SlackEvents.FirstTime("Ev1", Now.AddDays(3), kept));
    }

    [Fact]
    public void An_ingest_checkpoint_is_read_back_whole_and_its_deletions_and_trims_hold()
    {
        using var folder = new TempFolder();
        var day = new DateOnly(2026, 12, 1);
        var aside = new AsideEvent("m1", "u2", null, "globex", null, "Track", Now, Now.AddMinutes(-1), "reports", 2.5, "s1", "{\"type\":\"track\"}");
        using (var store = new LiteDbStore(folder.Store))
        {
            store.Ingest.Store(new IngestCheckpoint(
                [new IngestDay("acme", day, [1, 2, 3, 4, 5, 6, 7, 8], [], ["reports"], 3, 12.5, 1, 2, 3.5), new IngestDay("acme", day.AddDays(-9), [], [], [], 1, 0, 0, 0, 0)],
                new Dictionary<string, IngestUser?> { ["u1"] = new("u1", "acme", "ana@acme.example", "{\"plan\":\"pro\"}"), ["old"] = new("old", null, Alias: "u1") },
                new Dictionary<string, VisitorLink?> { ["anon-1"] = new("anon-1", "u1") },
                new Dictionary<string, AsideEvent?> { ["m1"] = aside },
                new IngestPosition("events-1.ndjson", 420), null, null));
        }

        using var reopened = new LiteDbStore(folder.Store);
        var ingest = reopened.Ingest;
        Assert.Equal(new IngestPosition("events-1.ndjson", 420), ingest.Checkpointed());
        var stored = ingest.Day("acme", day)!;
        Assert.Equal((3, 12.5, 1, 2, 3.5), (stored.Events, stored.Minutes, stored.BaseUsers, stored.BaseSessions, stored.BaseMinutes));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, stored.Users);
        Assert.Equal(["reports"], stored.Features);
        Assert.Equal(["acme"], ingest.DaysFrom(day).Select(d => d.AccountId));
        Assert.Equal(new IngestUser("u1", "acme", "ana@acme.example", "{\"plan\":\"pro\"}"), ingest.User("u1"));
        Assert.Equal(["old"], ingest.AliasesOf("u1").Select(u => u.Key));
        Assert.Equal("u1", ingest.Visitor("anon-1")!.UserId);
        Assert.Equal(aside, ingest.AsideWhere(AsideKey.Account, "globex").Single());
        Assert.Equal(["m1"], ingest.AsideWhere(AsideKey.User, "u2").Select(a => a.MessageId));
        Assert.Equal(["globex"], ingest.AccountsWaitedFor());

        ingest.Store(new IngestCheckpoint([], new Dictionary<string, IngestUser?> { ["old"] = null }, new Dictionary<string, VisitorLink?>(),
            new Dictionary<string, AsideEvent?> { ["m1"] = null }, new IngestPosition("events-1.ndjson", 500), day.AddDays(-5), null));
        Assert.Null(ingest.User("old"));
        Assert.Null(ingest.Aside("m1"));
        Assert.Empty(ingest.AccountsWaitedFor());
        Assert.Null(ingest.Day("acme", day.AddDays(-9)));
        Assert.NotNull(ingest.Day("acme", day));
    }
}
