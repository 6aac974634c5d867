using LiteDB;
using Microsoft.Extensions.Logging;
using SuccessBot.Import;
using SuccessBot.Storage;
using SuccessBot.Tests.Import;
using SuccessBot.Tests.Web;

namespace SuccessBot.Tests.Storage;

public class LiteDbStoreTests
{
    [Fact]
    public void Reading_a_large_store_in_one_go_puts_nothing_on_the_large_object_heap()
    {
        using var folder = new TempFolder();
        using var store = new LiteDbStore(folder.Store);
        // 24 MB of documents: LiteDB's own cache would grow by segments of up to 1,000 pages (8 MB) to read them.
        using (var raw = new LiteDatabase(new ConnectionString { Filename = folder.Store, Connection = ConnectionType.Shared }))
            raw.GetCollection("blobs").InsertBulk(Enumerable.Range(0, 2400).Select(i => new BsonDocument { ["_id"] = i, ["text"] = new string((char)('a' + i % 26), 10_000) }));

        long large;
        using (var heap = new LargeObjectHeapAllocations())
        {
            using var raw = new LiteDatabase(new ConnectionString { Filename = folder.Store, Connection = ConnectionType.Shared });
            Assert.Equal(24_000_000, raw.GetCollection("blobs").FindAll().Sum(d => (long)d["text"].AsString.Length));
            large = heap.OnThisThread();
        }

        Assert.True(large < 1024 * 1024, $"{large:N0} bytes went to the large object heap while the store was read");
    }

    [Fact]
    public async Task A_reader_following_the_change_log_while_another_thread_writes_never_loses_its_place()
    {
        using var folder = new TempFolder();
        using var store = new LiteDbStore(folder.Store);
        store.Book.UpsertAccounts([new Core.Domain.Account { Id = "acme", Name = "Acme", OwnerEmail = "ana@example.com", Mrr = 100, StartedOn = new DateOnly(2026, 1, 1) }], new DateOnly(2026, 12, 2));
        const int writes = 1500;
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < writes; i++) store.Activity.AddTouchpoint(new Core.Domain.Touchpoint("acme", "call", $"note {i}", "ana@example.com", DateTimeOffset.UtcNow));
        });

        var version = store.DataVersion;
        var seen = 0;
        while (!writer.IsCompleted || version < store.DataVersion)
        {
            // A write that lands while the log is read must wait for the next read, never look like a log that no longer reaches back.
            var changes = store.ChangesAfter(version);
            Assert.True(changes is not null, $"the log after version {version} was said not to reach back, {seen} touchpoints in");
            seen += changes.Count;
            if (changes.Count > 0) version = changes[^1].Version;
        }
        await writer;

        Assert.Equal(writes, seen);
    }

    [Fact]
    public async Task A_store_closed_while_another_thread_is_inside_it_says_so_instead_of_throwing()
    {
        using var folder = new TempFolder();
        var lines = new LogLines();
        using var logs = LoggerFactory.Create(l => l.AddProvider(lines));
        var store = new LiteDbStore(folder.Store, logs.CreateLogger<LiteDbStore>());
        using var inside = new ManualResetEventSlim();
        using var leave = new ManualResetEventSlim();
        // Work that did not stop with the host: it holds the store's lock while the host closes the store.
        var job = Task.Factory.StartNew(() => store.InOne(() => { inside.Set(); leave.Wait(); return 0; }), TaskCreationOptions.LongRunning);
        inside.Wait();

        store.Dispose();

        Assert.Contains(lines.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("The store was closed while another thread still used it"));
        leave.Set();
        await Assert.ThrowsAnyAsync<Exception>(() => job);
    }

    [Fact]
    public void An_mrr_above_the_bound_written_before_it_existed_is_counted_at_the_bound_named_in_the_log_and_answers_every_figure()
    {
        var today = new DateOnly(2026, 11, 25);
        using var folder = new TempFolder();
        using (var store = new LiteDbStore(folder.Store))
            Importers.ImportAccounts(store.Book, folder.File("accounts.csv", """
                account_id,name,owner_email,mrr,started_on,renewal_on,canceled_on
                huge,Huge Co,ana@example.com,100,2024-01-01,2026-12-01,
                small,Small Co,ana@example.com,100,2024-01-01,2026-12-10,
                gone,Gone Co,ana@example.com,100,2024-01-01,,2026-10-05
                """), today);
        // What a store written before the bound holds: the largest decimal there is, in the account and in its MRR history.
        using (var raw = new LiteDatabase(new ConnectionString { Filename = folder.Store, Connection = ConnectionType.Shared }))
        {
            foreach (var (collection, id) in new[] { ("accounts", "huge"), ("mrr_history", "huge|2024-01-01") })
            {
                var row = raw.GetCollection(collection).FindById(id);
                row["mrr"] = decimal.MaxValue;
                raw.GetCollection(collection).Update(row);
            }
        }
        var lines = new LogLines();
        using var logs = LoggerFactory.Create(l => l.AddProvider(lines));

        using var reopened = new LiteDbStore(folder.Store, logs.CreateLogger<LiteDbStore>());
        var book = reopened.Book.LoadBook();

        Assert.Equal(1_000_000_000_000m, book.Find("huge")!.Mrr);
        var warnings = lines.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToArray();
        Assert.Equal(2, warnings.Length);
        Assert.All(warnings, w => Assert.StartsWith($"Account huge: the store holds an MRR of {decimal.MaxValue}", w));
        Assert.Contains(warnings, w => w.Contains("(its MRR history from 2024-01-01)"));
        var chat = new Builders.Conversation(book, today).As("boss@example.com");
        foreach (var question in new[] { "churn last month", "retention", "clv", "renewals next 30 days", "at-risk", "health huge co" })
            Assert.False(chat.Send(question).IsRefusal, question);
        Assert.Contains("$1,000,000,000,000", chat.SendText("renewals next 30 days"));
    }
}
