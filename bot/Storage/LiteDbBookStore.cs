using LiteDB;
using Microsoft.Extensions.Logging;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Storage;
using static SuccessBot.Storage.Documents;

namespace SuccessBot.Storage;

/// <summary>Accounts, MRR history, usage days and NPS answers. Every lookup is by key (_id, which LiteDB always indexes).</summary>
/// <remarks>Figures are computed from the read model, so no secondary index would be read, and each would slow imports.</remarks>
public sealed class LiteDbBookStore(LiteDbStore store, ILogger? log) : IBookStore
{
    public int CountAccounts() => store.Collection(Collections.Accounts).Count();

    public Account? FindAccount(string id) => store.Collection(Collections.Accounts).FindById(id) is { } d ? ToAccount(d) : null;

    public IReadOnlySet<string> AccountIds() =>
        store.Collection(Collections.Accounts).Query().Select("$._id").ToEnumerable().Select(d => d["_id"].AsString).ToHashSet(StringComparer.Ordinal);

    public BookOfBusiness LoadBook() => new(
        store.Collection(Collections.Accounts).FindAll().Select(WithMrrChecked).Select(ToAccount).ToArray(),
        store.Collection(Collections.MrrHistory).FindAll().Select(WithMrrChecked).Select(ToMrrChange).ToArray(),
        // Read while the book is built, never held as one list: the book keeps each row in a compact form.
        store.Collection(Collections.Usage).FindAll().Select(ToUsage),
        store.Collection(Collections.Nps).FindAll().Select(ToNps).ToArray(),
        store.Collection(Collections.Touchpoints).FindAll().Select(ToTouchpoint).ToArray(),
        store.Collection(Collections.Surveys).FindAll().Select(ToSurveySent).ToArray());

    /// <summary>An account or MRR history row whose MRR is outside 0..10^12 (written before the bound existed) is named in the log; it is read at the bound.</summary>
    private BsonDocument WithMrrChecked(BsonDocument row)
    {
        var mrr = row["mrr"].AsDecimal;
        if (Rules.BoundedMrr(mrr) != mrr)
            log?.LogWarning("Account {Account}: the store holds an MRR of {Mrr} ({Row}), outside the bound ({Range}); answers count it as {Bounded} until the account is imported again.",
                row["account"].IsNull ? row["_id"].AsString : row["account"].AsString, mrr, row["account"].IsNull ? "the account" : $"its MRR history from {Documents.ToDay(row["on"]):yyyy-MM-dd}",
                Rules.MrrRange, Rules.BoundedMrr(mrr));
        return row;
    }

    /// <remarks>No transaction: a load of a large book takes seconds, and in shared mode a transaction would hold every other process's writes that long.</remarks>
    public (BookOfBusiness Book, long Version) LoadBookAndVersion()
    {
        var version = store.DataVersion;
        return (LoadBook(), version);
    }

    private const int SeekAtMost = 1_000;

    public ImportCounts UpsertAccounts(IReadOnlyList<Account> accounts, DateOnly today) => store.InTransaction(() =>
    {
        var col = store.Collection(Collections.Accounts);
        var history = store.Collection(Collections.MrrHistory);
        // A sync's page or a webhook seeks its few accounts by id (LiteDB's Query.In took three times as long for a page of 100);
        // a large import scans (id, mrr) once, cheaper than as many seeks.
        var stored = accounts.Count <= SeekAtMost
            ? accounts.Select(a => a.Id).Distinct().Select(id => col.FindById(id)).OfType<BsonDocument>()
            : col.Query().Select("{ _id: $._id, mrr: $.mrr }").ToEnumerable();
        var paying = stored.ToDictionary(d => d["_id"].AsString, d => d["mrr"].AsDecimal, StringComparer.Ordinal);
        var added = new List<BsonDocument>();
        var updated = new List<BsonDocument>();
        var mrrChanges = new List<MrrChange>();
        foreach (var account in accounts)
        {
            if (!paying.TryGetValue(account.Id, out var mrr))
            {
                added.Add(ToDoc(account));
                mrrChanges.Add(new MrrChange(account.Id, account.StartedOn, account.Mrr));
                continue;
            }
            updated.Add(ToDoc(account));
            if (mrr != account.Mrr) mrrChanges.Add(new MrrChange(account.Id, today > account.StartedOn ? today : account.StartedOn, account.Mrr));
        }
        col.InsertBulk(added);
        col.Update(updated);
        foreach (var change in mrrChanges) history.Upsert(MrrDoc(change));
        store.Publish(new AccountsImported(accounts.Select(a => ToAccount(ToDoc(a))).ToArray(), mrrChanges));
        return new ImportCounts(added.Count, updated.Count);
    });

    public int UpsertMrrHistory(IReadOnlyList<MrrChange> changes) => store.InTransaction(() =>
    {
        var history = store.Collection(Collections.MrrHistory);
        foreach (var c in changes) history.Upsert(MrrDoc(c));
        store.Publish(new MrrHistoryRecorded(changes));
        return changes.Count;
    });

    public ImportCounts UpsertUsage(IReadOnlyList<UsageDay> days) => store.InTransaction(() =>
    {
        var col = store.Collection(Collections.Usage);
        int added = 0;
        foreach (var day in days)
            if (col.Upsert(ToDoc(day))) added++;
        store.Publish(new UsageDaysCounted(days));
        return new ImportCounts(added, days.Count - added);
    });

    public ImportCounts UpsertNps(IReadOnlyList<NpsAnswer> answers) => store.InTransaction(() =>
    {
        var col = store.Collection(Collections.Nps);
        int added = 0;
        foreach (var a in answers)
            if (col.Upsert(ToDoc(a))) added++;
        store.Publish(new NpsAnswersRecorded(answers.Select(a => ToNps(ToDoc(a))).ToArray()));
        return new ImportCounts(added, answers.Count - added);
    });
}
