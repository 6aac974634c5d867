using SuccessBot.Core.Domain;
using SuccessBot.Core.Storage;

namespace SuccessBot.Import;

/// <summary>
/// The fields a system of record owns for the accounts it syncs: an import row that gives another value is refused, naming the
/// column and the source (change it there); a column the file leaves out keeps the synced value rather than clearing it.
/// </summary>
public sealed class SyncedFields(IReadOnlyDictionary<string, IReadOnlySet<RecordSource>> sources, Func<string, Account?> stored)
{
    private sealed record Field(string Column, RecordSource Source, Func<Account, object?> Value, Func<Account, Account, Account> Take);

    private static readonly Field[] Owned =
    [
        new("name", RecordSource.Stripe, a => a.Name, (to, from) => to with { Name = from.Name }),
        new("mrr", RecordSource.Stripe, a => a.Mrr, (to, from) => to with { Mrr = from.Mrr }),
        new("started_on", RecordSource.Stripe, a => a.StartedOn, (to, from) => to with { StartedOn = from.StartedOn }),
        new("canceled_on", RecordSource.Stripe, a => a.CanceledOn, (to, from) => to with { CanceledOn = from.CanceledOn }),
        new("churn_reason", RecordSource.Stripe, a => a.ChurnReason, (to, from) => to with { ChurnReason = from.ChurnReason }),
        new("renewal_on", RecordSource.Stripe, a => a.RenewalOn, (to, from) => to with { RenewalOn = from.RenewalOn }),
        new("owner_email", RecordSource.HubSpot, a => a.OwnerEmail, (to, from) => to with { OwnerEmail = from.OwnerEmail }),
        new("contact_emails", RecordSource.HubSpot, a => string.Join(';', a.ContactEmails), (to, from) => to with { ContactEmails = from.ContactEmails }),
        new("segment", RecordSource.HubSpot, a => a.Segment, (to, from) => to with { Segment = from.Segment }),
    ];

    public Account Keep(CsvRow row, Account read)
    {
        if (!sources.TryGetValue(read.Id, out var from) || stored(read.Id) is not { } synced) return read;
        var account = read;
        foreach (var field in Owned.Where(f => from.Contains(f.Source)))
        {
            if (!row.Has(field.Column)) account = field.Take(account, synced);
            else if (!Equals(field.Value(read), field.Value(synced)))
                row.Fail(field.Column, $"{read.Id} comes from {field.Source}, which keeps its {field.Column} ({Shown(field.Value(synced))}); change it in {field.Source}, or leave the column out");
        }
        return account;
    }

    private static string Shown(object? value) => value switch
    {
        null or "" => "empty",
        DateOnly d => d.ToString("yyyy-MM-dd"),
        decimal m => m.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => $"\"{value}\"",
    };
}
