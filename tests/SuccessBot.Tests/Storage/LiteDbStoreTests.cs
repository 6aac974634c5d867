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
    public void LiteDbs_page_cache_grows_ten_pages_at_a_time_so_a_daily_run_leaves_no_large_garbage()
    {
        using var folder = new TempFolder();
        using var store = new LiteDbStore(folder.Store);

        // A LiteDB upgrade that renames the setting fails here, not silently in the memory figures.
        var sizes = typeof(LiteDatabase).Assembly.GetType("LiteDB.Constants")?.GetField("MEMORY_SEGMENT_SIZES")?.GetValue(null);
        Assert.Equal(new[] { 10 }, sizes);
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
