using LiteDB;

namespace SuccessBot.Storage;

/// <summary>
/// Rows of one account and day are keyed by the day first: a usage checkpoint rewrites one day's rows of every account, and
/// with the account first each of them sat on its own index pages, all held in memory until the commit (179 MB for 63,000
/// usage rows of a book of 100,000 accounts x 90 days, 18 MB keyed by the day). Stores written before are moved at open.
/// </summary>
internal static class DayFirstKeys
{
    private const int RowsPerTransaction = 20_000;

    public static string Of(string accountId, DateOnly day) => $"{day:yyyy-MM-dd}|{accountId}";

    /// <summary>
    /// Copies the rows of a collection keyed account first into its day-first one, a part per transaction, then drops the old
    /// one. Copying upserts, so a move that was stopped half-way is done again from the start at the next open.
    /// </summary>
    public static long Move(LiteDatabase db, string from, string to)
    {
        var source = db.GetCollection(from);
        var target = db.GetCollection(to);
        long moved = 0;
        BsonValue after = BsonValue.MinValue;
        while (true)
        {
            var part = source.Find(Query.GT("_id", after), limit: RowsPerTransaction).ToList();
            if (part.Count == 0) break;
            after = part[^1]["_id"];
            db.BeginTrans();
            foreach (var row in part)
            {
                // The old key is `account|yyyy-MM-dd`; an account id may hold '|' itself, the date never does.
                var key = row["_id"].AsString;
                var bar = key.LastIndexOf('|');
                row["_id"] = Of(key[..bar], DateOnly.ParseExact(key[(bar + 1)..], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                target.Upsert(row);
            }
            db.Commit();
            moved += part.Count;
        }
        db.DropCollection(from);
        return moved;
    }
}
