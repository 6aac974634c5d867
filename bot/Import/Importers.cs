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

    /// <summary>A contact's language as an NPS file's `language` column gives it.</summary>
    public sealed record ContactLanguage(string AccountId, string ContactEmail, string Language);

    public static IReadOnlyList<NpsAnswer> ReadNps(string path, IReadOnlySet<string> knownAccounts, out int commentsCut) =>
        ReadNps(path, knownAccounts, out commentsCut, out _);

    public static IReadOnlyList<NpsAnswer> ReadNps(string path, IReadOnlySet<string> knownAccounts, out int commentsCut, out IReadOnlyList<ContactLanguage> languages)
    {
        var cut = 0;
        var told = new Dictionary<(string, string), (string Language, int Line)>();
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
            var account = KnownAccount(row, knownAccounts);
            if (row.Text("language") is { } language)
            {
                if (Rules.LanguageProblem(language) is { } problem) row.Fail("language", problem);
                else if (told.TryGetValue((account, email.ToLowerInvariant()), out var earlier) && !string.Equals(earlier.Language, language, StringComparison.OrdinalIgnoreCase))
                    row.Fail("language", $"{email} of {account} is given \"{earlier.Language}\" on line {earlier.Line} and \"{language}\" here; give one language per contact");
                else told.TryAdd((account, email.ToLowerInvariant()), (language, row.Line));
            }
            return new NpsAnswer(account, email, row.Int("score", 0, 10), comment, row.Moment("answered_at") ?? default);
        });
        commentsCut = cut;
        languages = told.Select(t => new ContactLanguage(t.Key.Item1, t.Key.Item2, t.Value.Language)).ToArray();
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

    /// <summary>
    /// The answers, and the `language` of each contact listed in their account's `contact_emails`, in one transaction; a
    /// language for a contact the account does not list is not kept (the report says how many), so an NPS file adds no one to survey.
    /// </summary>
    /// <param name="transactions">The store's, so the answers and the languages are kept all or none; without, one after the other.</param>
    public static ImportReport ImportNps(IBookStore store, string path, IStoreTransactions? transactions = null, DateOnly? today = null)
    {
        var answers = ReadNps(path, store.AccountIds(), out var cut, out var languages);
        var (accounts, unlisted) = WithContactLanguages(store, languages);
        var notes = new List<string>();
        if (cut > 0) notes.Add($"{cut:N0} comments were longer than {Core.Domain.Rules.MaxCommentLength:N0} characters and were cut to that length.");
        if (accounts.Count > 0) notes.Add($"{languages.Count - unlisted:N0} contact languages kept, on {accounts.Count:N0} accounts.");
        if (unlisted > 0) notes.Add($"{unlisted:N0} languages were for contacts not in their account's contact_emails and were not kept.");
        ImportCounts Write()
        {
            // The accounts' MRR is not changed, so the day a change would take effect does not matter.
            if (accounts.Count > 0) store.UpsertAccounts(accounts, today ?? DateOnly.FromDateTime(DateTime.UtcNow));
            return store.UpsertNps(answers);
        }
        var counts = transactions is null ? Write() : transactions.InOne(Write);
        return new ImportReport(Path.GetFileName(path), answers.Count, counts, notes);
    }

    /// <summary>The accounts whose contacts' languages the file changes, and how many languages were for contacts they do not list.</summary>
    private static (IReadOnlyList<Account> Changed, int Unlisted) WithContactLanguages(IBookStore store, IReadOnlyList<ContactLanguage> languages)
    {
        var changed = new List<Account>();
        var unlisted = 0;
        foreach (var group in languages.GroupBy(l => l.AccountId))
        {
            var account = store.FindAccount(group.Key)!;
            var kept = account.ContactEmails.Select((_, i) => i < account.ContactLanguages.Count ? account.ContactLanguages[i] : null).ToArray();
            foreach (var told in group)
            {
                var at = account.ContactEmails.ToList().FindIndex(e => string.Equals(e.Trim(), told.ContactEmail, StringComparison.OrdinalIgnoreCase));
                if (at < 0) unlisted++;
                else kept[at] = told.Language;
            }
            if (!kept.SequenceEqual(account.ContactLanguages.Concat(Enumerable.Repeat<string?>(null, Math.Max(0, kept.Length - account.ContactLanguages.Count)))))
                changed.Add(account with { ContactLanguages = kept });
        }
        return (changed, unlisted);
    }

    private static string KnownAccount(CsvRow row, IReadOnlySet<string> known)
    {
        var id = row.Required("account_id");
        if (id.Length > 0 && !known.Contains(id)) row.Fail("account_id", $"\"{id}\" is not a known account; import it with `import accounts` first");
        return id;
    }
}
