using LiteDB;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;
using static SuccessBot.Storage.Documents;

namespace SuccessBot.Storage.Postgres;

/// <summary>What CSMs do about accounts: snoozes, touchpoints, churn marks and the records churned accounts keep.</summary>
public sealed class PostgresAccountActivity(PostgresStore store) : IAccountActivity
{
    public IReadOnlyDictionary<string, Snooze> Snoozes() => Tables.Snoozes.All(store).ToDictionary(d => d["_id"].AsString, d => new Snooze(
        d["_id"].AsString, ToDay(d["until"]), OrNull(d["reason"]), d["by"].AsString, Enum.Parse<HealthBand>(d["band"].AsString)));

    public void SaveSnooze(Snooze s) => store.With(c => Tables.Snoozes.Write(c, [new BsonDocument
    {
        ["_id"] = s.AccountId, ["until"] = FromDay(s.Until), ["reason"] = Nullable(s.Reason), ["by"] = s.By, ["band"] = s.BandWhenSnoozed.ToString(),
    }]));

    public void EndSnooze(string accountId) => Tables.Snoozes.Delete(store, accountId);

    public void AddTouchpoint(Touchpoint t) => store.InTransaction(() =>
    {
        var doc = ToDoc(t);
        store.With(c => Tables.Touchpoints.Write(c, [doc], OnExisting.Keep));
        store.Publish(new TouchpointLogged(ToTouchpoint(doc)));
        return 0;
    });

    public void MarkChurned(AccountChurned churned) => store.InTransaction(() =>
    {
        var (account, record, touchpoint) = (churned.Account, churned.Record, churned.Touchpoint);
        var touchpointDoc = ToDoc(touchpoint);
        store.With(c =>
        {
            if (Tables.Accounts.Find(store, account.Id) is null) throw new InvalidOperationException($"No account {account.Id}.");
            Tables.Accounts.Write(c, [ToDoc(account)], OnExisting.UpdateOnly);
            Tables.Touchpoints.Write(c, [touchpointDoc], OnExisting.Keep);
            return Tables.ChurnRecords.Write(c, [ChurnDoc(record)]);
        });
        store.Publish(new AccountChurned(ToAccount(ToDoc(account)), record, ToTouchpoint(touchpointDoc)));
        return 0;
    });

    public IReadOnlyList<ChurnRecord> ChurnRecordsKept() => Tables.ChurnRecords.All(store).Select(ToChurnRecord).ToArray();
}
