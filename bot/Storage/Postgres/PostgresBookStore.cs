using LiteDB;
using Npgsql;
using NpgsqlTypes;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Storage;
using static SuccessBot.Storage.Documents;

namespace SuccessBot.Storage.Postgres;

/// <summary>Accounts, MRR history, usage days and NPS answers; usage (the bulk of a book) in columns, written with binary COPY.</summary>
public sealed class PostgresBookStore(PostgresStore store) : IBookStore
{
    public int CountAccounts() => (int)store.Scalar<long>("SELECT count(*) FROM accounts");

    public Account? FindAccount(string id) => Tables.Accounts.Find(store, id) is { } d ? ToAccount(d) : null;

    public IReadOnlySet<string> AccountIds() => store.Query("SELECT id FROM accounts", r => r.GetString(0)).ToHashSet(StringComparer.Ordinal);

    /// <remarks>The version is read before the rows, as on LiteDB: a write made during the load is in the feed after it.</remarks>
    public (BookOfBusiness Book, long Version) LoadBookAndVersion()
    {
        var version = store.DataVersion;
        return (new BookOfBusiness(
            Tables.Accounts.All(store).Select(ToAccount).ToArray(),
            Tables.MrrHistory.All(store).Select(ToMrrChange).ToArray(),
            store.Stream("SELECT account, date, users, sessions, minutes, features FROM usage", ReadUsage),
            Tables.Nps.All(store).Select(ToNps).ToArray(),
            Tables.Touchpoints.All(store).Select(ToTouchpoint).ToArray(),
            Tables.Surveys.All(store).Select(ToSurveySent).ToArray()), version);
    }

    private static UsageDay ReadUsage(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetFieldValue<DateOnly>(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetFieldValue<string[]>(5));

    public ImportCounts UpsertAccounts(IReadOnlyList<Account> accounts, DateOnly today) => store.InTransaction(() =>
    {
        var paying = store.Query("SELECT id, mrr FROM accounts WHERE id = ANY($1)", r => (Id: r.GetString(0), Mrr: r.GetDecimal(1)),
            (object)accounts.Select(a => a.Id).Distinct(StringComparer.Ordinal).ToArray()).ToDictionary(p => p.Id, p => p.Mrr, StringComparer.Ordinal);
        var mrrChanges = new List<MrrChange>();
        var added = 0;
        foreach (var account in accounts)
        {
            if (!paying.TryGetValue(account.Id, out var mrr))
            {
                added++;
                mrrChanges.Add(new MrrChange(account.Id, account.StartedOn, account.Mrr));
            }
            else if (mrr != account.Mrr) mrrChanges.Add(new MrrChange(account.Id, today > account.StartedOn ? today : account.StartedOn, account.Mrr));
        }
        store.With(c =>
        {
            Tables.Accounts.Write(c, accounts.Select(ToDoc));
            return Tables.MrrHistory.Write(c, mrrChanges.Select(MrrDoc));
        });
        store.Publish(new AccountsImported(accounts.Select(a => ToAccount(ToDoc(a))).ToArray(), mrrChanges));
        return new ImportCounts(added, accounts.Count - added);
    });

    public int UpsertMrrHistory(IReadOnlyList<MrrChange> changes) => store.InTransaction(() =>
    {
        store.With(c => Tables.MrrHistory.Write(c, changes.Select(MrrDoc)));
        store.Publish(new MrrHistoryRecorded(changes));
        return changes.Count;
    });

    public ImportCounts UpsertUsage(IReadOnlyList<UsageDay> days) => store.InTransaction(() =>
    {
        var added = store.With(c => CopyUsage(c, days));
        store.Publish(new UsageDaysCounted(days));
        return new ImportCounts(added, days.Count - added);
    });

    /// <summary>
    /// The days by binary COPY into a table of the transaction, then one upsert from it (the last row of an account and day
    /// winning, as they came); returns how many account days are new.
    /// </summary>
    internal static int CopyUsage(NpgsqlConnection connection, IReadOnlyList<UsageDay> days)
    {
        PostgresStore.Run(connection, "CREATE TEMP TABLE IF NOT EXISTS usage_in (ord int, account text, date date, users int, sessions int, minutes int, features text[]) ON COMMIT DELETE ROWS");
        // A whole book's usage (millions of rows) takes minutes on a busy server: Npgsql's 30 s would cut an import that is progressing.
        var bulk = TimeSpan.FromSeconds(30 + days.Count / 5_000.0);
        using (var copy = connection.BeginBinaryImport("COPY usage_in (ord, account, date, users, sessions, minutes, features) FROM STDIN (FORMAT BINARY)"))
        {
            copy.Timeout = bulk;
            for (var i = 0; i < days.Count; i++)
            {
                var d = days[i];
                copy.StartRow();
                copy.Write(i, NpgsqlDbType.Integer);
                copy.Write(d.AccountId, NpgsqlDbType.Text);
                copy.Write(d.Date, NpgsqlDbType.Date);
                copy.Write(d.ActiveUsers, NpgsqlDbType.Integer);
                copy.Write(d.Sessions, NpgsqlDbType.Integer);
                copy.Write(d.Minutes, NpgsqlDbType.Integer);
                copy.Write(d.Features as string[] ?? d.Features.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
            }
            copy.Complete();
        }
        var added = (long)PostgresStore.RunScalarWithin(connection, bulk, """
            WITH written AS (
                INSERT INTO usage (account, date, users, sessions, minutes, features)
                SELECT DISTINCT ON (account, date) account, date, users, sessions, minutes, features FROM usage_in ORDER BY account, date, ord DESC
                ON CONFLICT (account, date) DO UPDATE SET users = excluded.users, sessions = excluded.sessions, minutes = excluded.minutes, features = excluded.features
                RETURNING (xmax = 0) AS added)
            SELECT count(*) FILTER (WHERE added) FROM written
            """)!;
        PostgresStore.Run(connection, "TRUNCATE usage_in");
        return (int)added;
    }

    public ImportCounts UpsertNps(IReadOnlyList<NpsAnswer> answers) => store.InTransaction(() =>
    {
        var docs = answers.Select(ToDoc).ToArray();
        var added = store.With(c => Tables.Nps.Write(c, docs)).Count;
        store.Publish(new NpsAnswersRecorded(docs.Select(ToNps).ToArray()));
        return new ImportCounts(added, answers.Count - added);
    });
}
