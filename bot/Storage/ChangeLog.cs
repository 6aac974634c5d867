using LiteDB;
using SuccessBot.Core.Domain;
using static SuccessBot.Storage.Documents;

namespace SuccessBot.Storage;

/// <summary>Book changes as entries of the store's change log, and back: one entry per <see cref="RowsPerEntry"/> rows.</summary>
internal static class ChangeLog
{
    // A change log entry holds at most this many rows, so that an import of any size stays far below LiteDB's document limit.
    private const int RowsPerEntry = 2_000;

    public static IEnumerable<BsonDocument> Entries(BookChange change) => change switch
    {
        AccountsImported a => a.Accounts.Chunk(RowsPerEntry).Select(rows => Entry("accounts", rows.Select(ToDoc)))
            .Concat(a.MrrChanges.Chunk(RowsPerEntry).Select(rows => Entry("mrr", rows.Select(MrrDoc)))),
        MrrHistoryRecorded m => m.Changes.Chunk(RowsPerEntry).Select(rows => Entry("mrr", rows.Select(MrrDoc))),
        UsageDaysCounted u => u.Days.Chunk(RowsPerEntry).Select(rows => Entry("usage", rows.Select(ToDoc))),
        NpsAnswersRecorded n => n.Answers.Chunk(RowsPerEntry).Select(rows => Entry("nps", rows.Select(ToDoc))),
        TouchpointLogged t => [Entry("touchpoint", [ToDoc(t.Touchpoint)])],
        AccountChurned c => [Entry("churned", [ToDoc(c.Account), ToDoc(c.Touchpoint)], ChurnDoc(c.Record))],
        SurveyRecorded v => [Entry("survey", [SurveyDoc(v.Survey)])],
        SurveyAnswered v => [Entry("answered", [SurveyDoc(v.Survey), ToDoc(v.Answer)])],
        _ => throw new ArgumentException($"The change log does not know {change.GetType().Name}.", nameof(change)),
    };

    private static BsonDocument Entry(string kind, IEnumerable<BsonDocument> rows, BsonDocument? record = null)
    {
        var entry = new BsonDocument { ["kind"] = kind, ["rows"] = new BsonArray(rows) };
        if (record is not null) entry["record"] = record;
        return entry;
    }

    public static BookChange Read(BsonDocument entry)
    {
        try
        {
            var rows = entry["rows"].AsArray.Select(r => r.AsDocument).ToArray();
            return entry["kind"].AsString switch
            {
                "accounts" => new AccountsImported(rows.Select(ToAccount).ToArray(), []),
                "mrr" => new MrrHistoryRecorded(rows.Select(ToMrrChange).ToArray()),
                "usage" => new UsageDaysCounted(rows.Select(ToUsage).ToArray()),
                "nps" => new NpsAnswersRecorded(rows.Select(ToNps).ToArray()),
                "touchpoint" => new TouchpointLogged(ToTouchpoint(rows.Single())),
                "churned" => new AccountChurned(ToAccount(rows[0]), ToChurnRecord(entry["record"].AsDocument), ToTouchpoint(rows[1])),
                "survey" => new SurveyRecorded(ToSurveySent(rows.Single())),
                "answered" => new SurveyAnswered(ToSurveySent(rows[0]), ToNps(rows[1])),
                var kind => throw new ChangeNotApplicable($"Change log entry {entry["_id"]} is of a kind this version does not know: {kind}."),
            };
        }
        catch (Exception e) when (e is not ChangeNotApplicable)
        {
            throw new ChangeNotApplicable($"Change log entry {entry["_id"]} cannot be read ({e.GetType().Name}: {e.Message}): {Cut(entry.ToString())}");
        }
    }

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
