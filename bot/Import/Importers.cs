using SuccessBot.Core.Domain;
using SuccessBot.Core.Storage;

namespace SuccessBot.Import;

public sealed record ImportReport(string File, int Rows, ImportCounts Counts, IReadOnlyList<string> Notes)
{
    public override string ToString() =>
        $"{File}: {Rows:N0} rows, {Counts.Added:N0} added, {Counts.Updated:N0} updated." + string.Concat(Notes.Select(n => Environment.NewLine + n));
}

/// <summary>The three CSV imports: each reads and checks the whole file first, then stores it in one transaction.</summary>
public static class Importers
{
    public static readonly string[] AccountColumns = ["account_id", "name", "owner_email", "mrr", "started_on"];
    public static readonly string[] UsageColumns = ["account_id", "date", "active_users", "sessions", "minutes"];
    public static readonly string[] NpsColumns = ["account_id", "contact_email", "score", "answered_at"];

    public static IReadOnlyList<Account> ReadAccounts(string path, SyncedFields? synced = null)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        return CsvTable.Read(path, AccountColumns, row =>
        {
            var read = new Account
            {
                Id = row.Required("account_id"),
                Name = row.Required("name"),
                OwnerEmail = row.Required("owner_email"),
                Mrr = row.Decimal("mrr"),
                StartedOn = row.Date("started_on", required: true) ?? default,
                Plan = row.Text("plan"),
                RenewalOn = row.Date("renewal_on", required: false),
                CanceledOn = row.Date("canceled_on", required: false),
                ChurnReason = row.Text("churn_reason"),
                ContactEmails = row.List("contact_emails"),
                SlackChannelId = row.Text("slack_channel_id"),
                TeamsConversationId = row.Text("teams_conversation_id"),
                Segment = row.Text("segment"),
                Language = row.Text("language"),
                ContactLanguages = row.Aligned("contact_languages"),
            };
            var account = synced?.Keep(row, read) ?? read;
            // Every rule is checked, whatever else is wrong with the row; a field already reported (empty, not a date) is not reported again.
            foreach (var broken in Rules.Check(account).Where(b => !row.HasProblem(b.Field)).ToArray())
                row.Fail(broken.Field, broken.Problem);
            if (account.Id.Length > 0 && !seen.TryAdd(account.Id, row.Line))
                row.Fail("account_id", $"\"{account.Id}\" appears twice in this file (first on line {seen[account.Id]})");
            return account;
        });
    }

    public static IReadOnlyList<UsageDay> ReadUsage(string path, IReadOnlySet<string> knownAccounts)
    {
        var seen = new Dictionary<(string, DateOnly), int>();
        var featureSets = new FeatureSets();
        return CsvTable.Read(path, UsageColumns, row =>
        {
            var day = new UsageDay(
                KnownAccount(row, knownAccounts),
                row.Date("date", required: true) ?? default,
                row.Int("active_users", 0, 10_000_000),
                row.Int("sessions", 0, 100_000_000),
                row.Int("minutes", 0, 1_000_000_000),
                featureSets.Of(row.List("features")));
            if (day.Date != default && !seen.TryAdd((day.AccountId, day.Date), row.Line))
                row.Fail("date", $"{day.AccountId} on {day.Date:yyyy-MM-dd} appears twice in this file (first on line {seen[(day.AccountId, day.Date)]})");
            return day;
        });
    }

    public static IReadOnlyList<NpsAnswer> ReadNps(string path, IReadOnlySet<string> knownAccounts, out int commentsCut)
    {
        var cut = 0;
        var answers = CsvTable.Read(path, NpsColumns, row =>
        {
            var email = row.Required("contact_email");
            if (email.Length > 0 && !Rules.LooksLikeEmail(email)) row.Fail("contact_email", $"\"{email}\" is not an email address");
            var comment = row.Text("comment");
            if (comment is { Length: > Rules.MaxCommentLength })
            {
                cut++;
                comment = comment[..Rules.MaxCommentLength];
            }
            return new NpsAnswer(KnownAccount(row, knownAccounts), email, row.Int("score", 0, 10), comment, row.Moment("answered_at") ?? default);
        });
        commentsCut = cut;
        return answers;
    }

    /// <param name="synced">What the syncs keep: a row may not change a field a system of record owns for its account.</param>
    public static ImportReport ImportAccounts(IBookStore store, string path, DateOnly today, ISyncRecords? synced = null)
    {
        var accounts = ReadAccounts(path, synced is null ? null : new SyncedFields(synced.Sources(), store.FindAccount));
        return new ImportReport(Path.GetFileName(path), accounts.Count, store.UpsertAccounts(accounts, today), []);
    }

    public static ImportReport ImportUsage(IBookStore store, string path)
    {
        var days = ReadUsage(path, store.AccountIds());
        return new ImportReport(Path.GetFileName(path), days.Count, store.UpsertUsage(days), []);
    }

    public static ImportReport ImportNps(IBookStore store, string path)
    {
        var answers = ReadNps(path, store.AccountIds(), out var cut);
        string[] notes = cut == 0 ? [] : [$"{cut:N0} comments were longer than {Core.Domain.Rules.MaxCommentLength:N0} characters and were cut to that length."];
        return new ImportReport(Path.GetFileName(path), answers.Count, store.UpsertNps(answers), notes);
    }

    private static string KnownAccount(CsvRow row, IReadOnlySet<string> known)
    {
        var id = row.Required("account_id");
        if (id.Length > 0 && !known.Contains(id)) row.Fail("account_id", $"\"{id}\" is not a known account; import it with `import accounts` first");
        return id;
    }
}
