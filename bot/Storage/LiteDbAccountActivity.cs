using LiteDB;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;
using static SuccessBot.Storage.Documents;

namespace SuccessBot.Storage;

/// <summary>What CSMs do about accounts: snoozes, touchpoints, churn marks and the records churned accounts keep.</summary>
public sealed class LiteDbAccountActivity(LiteDbStore store) : IAccountActivity
{
    public IReadOnlyDictionary<string, Snooze> Snoozes() =>
        store.Collection(Collections.Snoozes).FindAll().ToDictionary(d => d["_id"].AsString, d => new Snooze(
            d["_id"].AsString, ToDay(d["until"]), OrNull(d["reason"]), d["by"].AsString, Enum.Parse<HealthBand>(d["band"].AsString)));

    public void SaveSnooze(Snooze s) => store.Collection(Collections.Snoozes).Upsert(new BsonDocument
    {
        ["_id"] = s.AccountId, ["until"] = FromDay(s.Until), ["reason"] = Nullable(s.Reason), ["by"] = s.By, ["band"] = s.BandWhenSnoozed.ToString(),
    });

    public void EndSnooze(string accountId) => store.Collection(Collections.Snoozes).Delete(accountId);

    public void AddTouchpoint(Touchpoint t) => store.InTransaction(() =>
    {
        var doc = ToDoc(t);
        store.Collection(Collections.Touchpoints).Insert(doc);
        store.Publish(new TouchpointLogged(ToTouchpoint(doc)));
        return 0;
    });

    public void MarkChurned(AccountChurned churned) => store.InTransaction(() =>
    {
        var (account, r, touchpoint) = (churned.Account, churned.Record, churned.Touchpoint);
        if (!store.Collection(Collections.Accounts).Update(ToDoc(account))) throw new InvalidOperationException($"No account {account.Id}.");
        var touchpointDoc = ToDoc(touchpoint);
        store.Collection(Collections.Touchpoints).Insert(touchpointDoc);
        store.Collection(Collections.ChurnRecords).Upsert(ChurnDoc(r));
        store.Publish(new AccountChurned(ToAccount(ToDoc(account)), r, ToTouchpoint(touchpointDoc)));
        return 0;
    });

    public IReadOnlyList<ChurnRecord> ChurnRecordsKept() => store.Collection(Collections.ChurnRecords).FindAll().Select(ToChurnRecord).ToArray();
}
