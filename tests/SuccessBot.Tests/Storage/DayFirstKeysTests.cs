using LiteDB;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Storage;
using SuccessBot.Storage;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Storage;

/// <summary>Usage and the rollup's day states are keyed by the day first, and a store written with the account first is moved once at open.</summary>
public class DayFirstKeysTests
{
    private static readonly DateOnly Day = new(2026, 11, 30);

    private static ConnectionString Raw(TempFolder folder) => new() { Filename = folder.Store, Connection = ConnectionType.Shared };

    private static BsonDocument OldUsage(string account, DateOnly day, int users) => new()
    {
        ["_id"] = $"{account}|{day:yyyy-MM-dd}", ["account"] = account, ["date"] = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        ["users"] = users, ["sessions"] = users * 2, ["minutes"] = users * 10, ["features"] = new BsonArray(new BsonValue("reports")),
    };

    private static void WriteOldStore(TempFolder folder, params BsonDocument[] usage)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(folder.Store)!);
        using var raw = new LiteDatabase(Raw(folder));
        raw.GetCollection("usage").InsertBulk(usage);
        raw.GetCollection("ingest_days").Insert(new BsonDocument
        {
            ["_id"] = $"acme|{Day:yyyy-MM-dd}", ["account"] = "acme", ["day"] = Day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            ["users"] = new byte[8], ["sessions"] = new byte[0], ["features"] = new BsonArray(), ["events"] = 7, ["minutes"] = 1.5,
            ["baseUsers"] = 0, ["baseSessions"] = 0, ["baseMinutes"] = 0.0,
        });
    }

    [Fact]
    public void A_store_written_with_the_account_first_keeps_every_row_and_a_later_write_of_the_same_day_replaces_it()
    {
        using var folder = new TempFolder();
        WriteOldStore(folder, OldUsage("acme", Day, 3), OldUsage("acme", Day.AddDays(-1), 4), OldUsage("a|b", Day, 5));

        using (var store = new LiteDbStore(folder.Store))
        {
            store.Book.UpsertUsage([new UsageDay("acme", Day, 9, 18, 90, ["reports"])]);

            var usage = UsageOf(store, "a|b", "acme");
            Assert.Equal([("acme", Day.AddDays(-1), 4), ("acme", Day, 9), ("a|b", Day, 5)], usage.Select(u => (u.AccountId, u.Date, u.ActiveUsers)));
            Assert.Equal(7, store.Ingest.Day("acme", Day)!.Events);
        }
        using var after = new LiteDatabase(Raw(folder));
        Assert.False(after.CollectionExists("usage"));
        Assert.False(after.CollectionExists("ingest_days"));
    }

    [Fact]
    public void A_move_stopped_half_way_is_done_again_without_a_row_twice()
    {
        using var folder = new TempFolder();
        WriteOldStore(folder, OldUsage("acme", Day, 3), OldUsage("zeta", Day, 4));
        // The move before 2026-12-04 copied a first part before the process ended, and left it in the old collection too.
        using (var raw = new LiteDatabase(Raw(folder)))
            raw.GetCollection("usage_by_day").Insert(Rekeyed(OldUsage("acme", Day, 3), $"{Day:yyyy-MM-dd}|acme"));

        using var store = new LiteDbStore(folder.Store);

        Assert.Equal([("acme", Day, 3), ("zeta", Day, 4)], UsageOf(store, "acme", "zeta").Select(u => (u.AccountId, u.Date, u.ActiveUsers)));
    }

    [Theory]
    [InlineData("usage", "usage_by_day")]
    [InlineData("ingest_days", "ingest_days_by_day")]
    public void A_move_stopped_after_a_part_leaves_each_row_in_one_collection_and_the_next_open_moves_the_rest(string from, string to)
    {
        using var folder = new TempFolder();
        // More rows than a part, then a key the move cannot read: the open fails after committing the first part, as a process killed there.
        var rows = Enumerable.Range(0, 25_000).Select(i => OldRow(from, $"acc-{i / 3:D5}", Day.AddDays(-(i % 3)), i)).ToArray();
        WriteOld(folder, from, [.. rows, new BsonDocument { ["_id"] = "zz-no-day" }]);

        Assert.ThrowsAny<ArgumentException>(() => new LiteDbStore(folder.Store));
        using (var raw = new LiteDatabase(Raw(folder)))
        {
            var (moved, left) = (raw.GetCollection(to).Count(), raw.GetCollection(from).Count());
            Assert.InRange(moved, 1, rows.Length - 1);
            Assert.Equal(rows.Length + 1, moved + left);
            raw.GetCollection(from).Delete("zz-no-day");
        }
        new LiteDbStore(folder.Store).Dispose();

        using var after = new LiteDatabase(Raw(folder));
        Assert.False(after.CollectionExists(from));
        Assert.Equal(rows.Select(r => Moved(r, from)).Order(), after.GetCollection(to).FindAll().Select(d => Kept(d, from)).Order());
    }

    [Fact]
    public void Account_ids_holding_bars_or_dates_keep_their_own_rows_in_both_collections()
    {
        using var folder = new TempFolder();
        string[] accounts = ["a", "a|b", "a|2026-11-29", "|", "b|"];
        var days = new[] { Day, Day.AddDays(-1) };
        var old = accounts.SelectMany((a, i) => days.Select((d, j) => (a, d, n: i * 10 + j))).ToArray();
        foreach (var from in new[] { "usage", "ingest_days" })
            WriteOld(folder, from, [.. old.Select(r => OldRow(from, r.a, r.d, r.n))]);

        new LiteDbStore(folder.Store).Dispose();

        using var raw = new LiteDatabase(Raw(folder));
        foreach (var (from, to) in new[] { ("usage", "usage_by_day"), ("ingest_days", "ingest_days_by_day") })
        {
            Assert.False(raw.CollectionExists(from));
            Assert.Equal(old.Select(r => ($"{r.d:yyyy-MM-dd}|{r.a}", r.a, r.n)).Order(), raw.GetCollection(to).FindAll().Select(d => Kept(d, from)).Order());
        }
    }

    [Fact]
    public void A_day_s_rows_are_neighbours_in_the_key_order_whatever_the_accounts()
    {
        using var folder = new TempFolder();
        using (var store = new LiteDbStore(folder.Store))
        {
            store.Book.UpsertUsage([.. new[] { "acme", "beta", "zeta" }.SelectMany(a => new[] { Day, Day.AddDays(1) }.Select(d => new UsageDay(a, d, 1, 1, 1, [])))]);
            store.Ingest.Store(new IngestCheckpoint([.. new[] { "acme", "zeta" }.SelectMany(a => new[] { Day, Day.AddDays(1) }.Select(d => new IngestDay(a, d, [], [], [], 1, 0, 0, 0, 0)))],
                new Dictionary<string, IngestUser?>(), new Dictionary<string, VisitorLink?>(), new Dictionary<string, AsideEvent?>(), new IngestPosition("f", 1), null, null));
        }
        using var raw = new LiteDatabase(Raw(folder));

        foreach (var (collection, accounts) in new[] { ("usage_by_day", 3), ("ingest_days_by_day", 2) })
        {
            var days = raw.GetCollection(collection).Query().OrderBy("_id").ToEnumerable().Select(d => DayOf(d)).ToArray();
            Assert.Equal([.. Enumerable.Repeat(Day, accounts), .. Enumerable.Repeat(Day.AddDays(1), accounts)], days);
        }
    }

    private static BsonDocument OldRow(string collection, string account, DateOnly day, int n) => collection == "usage" ? OldUsage(account, day, n) : new()
    {
        ["_id"] = $"{account}|{day:yyyy-MM-dd}", ["account"] = account, ["day"] = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        ["users"] = new byte[8], ["sessions"] = new byte[0], ["features"] = new BsonArray(), ["events"] = n, ["minutes"] = 1.5,
        ["baseUsers"] = 0, ["baseSessions"] = 0, ["baseMinutes"] = 0.0,
    };

    /// <summary>Rows written into a collection keyed account first, with the index a store of then kept on the rollup's days.</summary>
    private static void WriteOld(TempFolder folder, string collection, BsonDocument[] rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(folder.Store)!);
        using var raw = new LiteDatabase(Raw(folder));
        if (collection == "ingest_days") raw.GetCollection(collection).EnsureIndex("day");
        raw.GetCollection(collection).InsertBulk(rows);
    }

    /// <summary>What a row of the old collection should be once moved: its day-first key, its account, and its count.</summary>
    private static (string Key, string Account, int Count) Moved(BsonDocument old, string collection) =>
        ($"{DayOf(old):yyyy-MM-dd}|{old["account"].AsString}", old["account"].AsString, old[collection == "usage" ? "users" : "events"].AsInt32);

    private static (string Key, string Account, int Count) Kept(BsonDocument d, string collection) =>
        (d["_id"].AsString, d["account"].AsString, d[collection == "usage" ? "users" : "events"].AsInt32);

    private static UsageDay[] UsageOf(LiteDbStore store, params string[] accounts)
    {
        store.Book.UpsertAccounts([.. accounts.Select(id => new Account { Id = id, Name = id, OwnerEmail = "ana@example.com", Mrr = 100, StartedOn = new DateOnly(2026, 1, 1) })], Day);
        var book = store.Book.LoadBookAndVersion().Book;
        return [.. accounts.SelectMany(book.UsageOf).OrderBy(u => u.AccountId, StringComparer.Ordinal).ThenBy(u => u.Date)];
    }

    private static BsonDocument Rekeyed(BsonDocument row, string key)
    {
        row["_id"] = key;
        return row;
    }

    private static DateOnly DayOf(BsonDocument d) => DateOnly.FromDateTime((d.TryGetValue("date", out var date) ? date : d["day"]).AsDateTime.ToUniversalTime());
}
