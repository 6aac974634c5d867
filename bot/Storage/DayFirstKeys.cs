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

    /// <summary>`yyyy-MM-dd`, the first part of a key.</summary>
    private const int DayLength = 10;

    public static string Of(string accountId, DateOnly day) => $"{day:yyyy-MM-dd}|{accountId}";

    /// <summary>
    /// Moves the rows of a collection keyed account first into its day-first one, a part per transaction: the part is
    /// written under the new keys and deleted from the old collection in the same transaction, so whenever the process
    /// stops each row is in exactly one of the two, and the next open moves the rest. The old one is dropped once empty.
    /// </summary>
    /// <returns>The rows this call moved.</returns>
    public static long Move(LiteDatabase db, string from, string to)
    {
        var source = db.GetCollection(from);
        var target = db.GetCollection(to);
        long moved = 0;
        var upsert = false;
        while (true)
        {
            db.BeginTrans();
            try
            {
                // Read in the old keys' order: a part is a run of neighbouring pages of the old collection, so deleting it is cheap.
                var part = source.Find(Query.All(), limit: RowsPerTransaction).ToList();
                if (part.Count == 0)
                {
                    db.Rollback();
                    break;
                }
                var first = part[0]["_id"];
                var last = part[^1]["_id"];
                foreach (var row in part) row["_id"] = NewKey(row["_id"].AsString);
                // Day by day (stable, so each day's rows keep the accounts' order), a part's rows go to one place per day in the new index.
                var byDay = part.OrderBy(row => row["_id"].AsString[..DayLength], StringComparer.Ordinal);
                if (upsert) foreach (var row in byDay) target.Upsert(row);
                else target.InsertBulk(byDay, part.Count);
                var deleted = source.DeleteMany(Query.Between("_id", first, last));
                if (deleted != part.Count)
                    throw new InvalidOperationException($"Moving {from}: {part.Count} rows were read from {first} to {last}, and {deleted} deleted.");
                db.Commit();
                moved += part.Count;
                upsert = false;
            }
            catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY && !upsert)
            {
                // The move before this one copied rows and left them in the old collection too: a part holding such a row is
                // done again upserting. Only such parts: upserting the rest of a stopped move (1.7 million usage rows) took 153 s,
                // inserting all 3.65 million 113 s.
                db.Rollback();
                upsert = true;
            }
            catch
            {
                db.Rollback();
                throw;
            }
        }
        // Empty now: dropping it touches a few pages (dropping all 3.65 million usage rows at once held 2.2 GB for 175 s).
        db.DropCollection(from);
        return moved;
    }

    /// <summary>The old key is `account|yyyy-MM-dd`; an account id may hold '|' itself, the date never does.</summary>
    private static string NewKey(string oldKey)
    {
        var bar = oldKey.LastIndexOf('|');
        return Of(oldKey[..bar], DateOnly.ParseExact(oldKey[(bar + 1)..], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }
}
