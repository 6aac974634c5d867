using LiteDB;
using SuccessBot.Storage;
using SuccessBot.Teams;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Storage;

/// <summary>What the LiteDB file kept before the ports (the rest of every port's contract: <see cref="StoreContractTests"/>, on both providers).</summary>
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
}
