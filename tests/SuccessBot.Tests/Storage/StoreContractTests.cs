using System.Text.Json;
using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Storage;
using SuccessBot.Core.Surveys;
using SuccessBot.Host;
using SuccessBot.Storage;
using SuccessBot.Storage.Postgres;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Storage;

/// <summary>The store on LiteDB: a file, reopened as a restarted host would.</summary>
public sealed class LiteDbStoreContractTests : StoreContractTests
{
    private readonly TempFolder _folder = new();

    protected override StorePorts OpenStore() => Keep(new LiteDbStore(_folder.Store), StorePorts.Of);

    public override void Dispose()
    {
        base.Dispose();
        _folder.Dispose();
    }
}

/// <summary>The store on a real PostgreSQL: a database of its own, reopened with a new connection pool as a restarted host would.</summary>
public sealed class PostgresStoreContractTests : StoreContractTests
{
    private string? _database;

    protected override StorePorts OpenStore() => Keep(new PostgresStore(_database ??= PostgresServer.Require().CreateDatabase()), StorePorts.Of);
}

/// <summary>
/// What every port of the core must do, whichever provider keeps it: one class of tests, run once per provider. Each test
/// writes through the ports, opens the store again, and reads what a user's answers would be computed from.
/// </summary>
public abstract class StoreContractTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 12, 2);
    private readonly List<IDisposable> _opened = [];

    /// <summary>Opens the same store once more (a new handle on the same file or database).</summary>
    protected abstract StorePorts OpenStore();

    protected StorePorts Keep<T>(T store, Func<T, StorePorts> ports) where T : IDisposable
    {
        _opened.Add(store);
        return ports(store);
    }

    public virtual void Dispose()
    {
        foreach (var store in _opened) store.Dispose();
    }

    private static Account Acme => new()
    {
        Id = "acme", Name = "Acme", OwnerEmail = "ana@example.com", Mrr = 1200.50m, StartedOn = new DateOnly(2024, 3, 1), Plan = "pro",
        RenewalOn = new DateOnly(2027, 3, 1), ContactEmails = ["bo@acme.example", "cy@acme.example"], SlackChannelId = "C1", Segment = "mid-market",
        Language = "pt-BR", ContactLanguages = [null, "de"],
    };

    private static Account Globex => new() { Id = "globex", Name = "Globex", OwnerEmail = "ana@example.com", Mrr = 300, StartedOn = new DateOnly(2025, 1, 1) };

    private static AccountHistory History(BookOfBusiness book, string id) => book.HistoryAt(book.PositionOf(book.Find(id)!));

    private static string Json(BookChange change) => JsonSerializer.Serialize(change, change.GetType());

    [SkippableFact]
    public void Imports_count_what_they_added_and_replaced_and_the_book_reads_back_every_row()
    {
        var store = OpenStore();
        Assert.Equal(new ImportCounts(2, 0), store.Book.UpsertAccounts([Acme, Globex], Today));
        Assert.Equal(new ImportCounts(1, 1), store.Book.UpsertAccounts([Globex with { Mrr = 450 }, Acme with { Id = "initech", Name = "Initech" }], Today));
        var days = Enumerable.Range(0, 3).Select(i => new UsageDay("acme", Today.AddDays(-i), 3 + i, 5, 40, ["reports", "export"])).ToList();
        Assert.Equal(new ImportCounts(3, 0), store.Book.UpsertUsage(days));
        // A row of the same account and day later in the same import replaces the earlier one.
        Assert.Equal(new ImportCounts(1, 2), store.Book.UpsertUsage([days[0] with { ActiveUsers = 9 }, new UsageDay("globex", Today, 1, 1, 1, []), days[0] with { ActiveUsers = 7 }]));
        var answer = new NpsAnswer("acme", "Bo@Acme.example", 9, "Great reports", Now.AddDays(-3));
        Assert.Equal(new ImportCounts(1, 0), store.Book.UpsertNps([answer]));
        Assert.Equal(new ImportCounts(0, 1), store.Book.UpsertNps([answer with { Score = 10 }]));
        store.Activity.AddTouchpoint(new Touchpoint("acme", "call", "Renewal talk", "ana@example.com", Now.AddDays(-1)));
        store.Surveys.SaveSurvey(new SurveyState { Id = "s1", AccountId = "globex", Contact = "Dee@Globex.example", CreatedAt = Now.AddDays(-2) });

        var reopened = OpenStore();
        var (book, version) = reopened.Book.LoadBookAndVersion();

        Assert.Equal(reopened.Feed.DataVersion, version);
        Assert.Equal(3, reopened.Book.CountAccounts());
        Assert.Equal(["acme", "globex", "initech"], reopened.Book.AccountIds().Order());
        Assert.Equal(Json(new AccountsImported([Acme], [])), Json(new AccountsImported([reopened.Book.FindAccount("acme")!], [])));
        Assert.Null(reopened.Book.FindAccount("nobody"));
        Assert.Equal([(new DateOnly(2025, 1, 1), 300m), (Today, 450m)], History(book, "globex").Mrr.Select(m => (m.EffectiveOn, m.Mrr)));
        Assert.Equal([(Today.AddDays(-2), 5), (Today.AddDays(-1), 4), (Today, 7)], book.UsageOf("acme").Select(u => (u.Date, u.ActiveUsers)));
        Assert.Equal(["export", "reports"], book.UsageOf("acme")[0].Features.Order());
        Assert.Equal((10, "Great reports", Now.AddDays(-3)), book.NpsOf("acme").Select(n => (n.Score, n.Comment, n.AnsweredAt)).Single());
        Assert.Equal(("call", "Renewal talk"), book.TouchpointsOf("acme").Select(t => (t.Kind, t.Note)).Single());
        Assert.Equal(("s1", false), History(book, "globex").Surveys.Select(s => (s.Id, s.Answered)).Single());
    }

    [SkippableFact]
    public void The_change_feed_reads_back_every_change_as_it_was_written_numbered_without_gaps_and_trims()
    {
        var store = OpenStore();
        var started = store.Feed.DataVersion;
        store.Book.UpsertAccounts([Acme], Today);
        // More rows than one change entry holds: the feed gives them back as consecutive entries.
        var days = Enumerable.Range(0, 2_500).Select(i => new UsageDay("acme", Today.AddDays(-i), i % 7, 2, 30, i % 2 == 0 ? ["reports"] : [])).ToArray();
        store.Book.UpsertUsage(days);
        store.Book.UpsertNps([new NpsAnswer("acme", "bo@acme.example", 4, null, Now)]);
        var touchpoint = new Touchpoint("acme", "email", null, "ana@example.com", Now) { Id = "6561a2f0c3b4d5e6f7a8b9c0" };
        store.Activity.AddTouchpoint(touchpoint);
        var churned = Acme with { CanceledOn = Today, ChurnReason = "budget" };
        var record = new ChurnRecord("acme", Today, "budget", "moved to a competitor", "ana@example.com", 33, 1200.50m, -0.25);
        var churnNote = touchpoint with { Id = "6561a2f0c3b4d5e6f7a8b9c1", Kind = "churn" };
        store.Activity.MarkChurned(new AccountChurned(churned, record, churnNote));

        var feed = OpenStore().Feed;
        var changes = feed.ChangesAfter(started)!;

        Assert.Equal(Enumerable.Range(1, changes.Count).Select(i => started + i), changes.Select(c => c.Version));
        Assert.Equal(feed.DataVersion, changes[^1].Version);
        Assert.Equal(
            new BookChange[]
            {
                // An import's accounts and the MRR history it added are entries of their own.
                new AccountsImported([Acme], []),
                new MrrHistoryRecorded([new MrrChange("acme", Acme.StartedOn, Acme.Mrr)]),
                new UsageDaysCounted(days[..2_000]), new UsageDaysCounted(days[2_000..]),
                new NpsAnswersRecorded([new NpsAnswer("acme", "bo@acme.example", 4, null, Now)]),
                new TouchpointLogged(touchpoint), new AccountChurned(churned, record, churnNote),
            }.Select(Json),
            changes.Select(c => Json(c.Change)));
        Assert.Empty(feed.ChangesAfter(feed.DataVersion)!);
        Assert.Equal(changes.Skip(2).Select(c => Json(c.Change)), feed.ChangesAfter(started + 2)!.Select(c => Json(c.Change)));

        // Entries covered by a snapshot and older than the cut go; a reader from before them must load the whole book.
        Assert.Equal(0, feed.TrimChanges(feed.DataVersion, DateTimeOffset.UtcNow.AddMinutes(-5)));
        Assert.Equal(changes.Count, feed.ChangesAfter(started)!.Count);
        Assert.Equal(2, feed.TrimChanges(started + 2, DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.Null(feed.ChangesAfter(started));
        Assert.Equal(changes.Count - 2, feed.ChangesAfter(started + 2)!.Count);
        Assert.True(feed.CanRead());
        Assert.Equal(store.Feed.StoreId, feed.StoreId);
    }

    [SkippableFact]
    public void Writes_in_one_transaction_are_kept_all_or_none_and_a_rolled_back_one_publishes_nothing()
    {
        var store = OpenStore();
        var before = store.Feed.DataVersion;

        Assert.Throws<InvalidOperationException>(() => store.Transactions.InOne<int>(() =>
        {
            store.Book.UpsertAccounts([Acme], Today);
            store.Ledger.Add(Nudge("renewal|acme|2026-12-02"));
            throw new InvalidOperationException("the click failed half way");
        }));
        Assert.Throws<InvalidOperationException>(() => store.Activity.MarkChurned(new AccountChurned(Globex, new ChurnRecord("globex", Today, "budget", null, "ana", 1, 300, null),
            new Touchpoint("globex", "churn", null, "ana", Now))));

        var reopened = OpenStore();
        Assert.Equal(0, reopened.Book.CountAccounts());
        Assert.Null(reopened.Ledger.Find("renewal|acme|2026-12-02"));
        Assert.Equal(before, reopened.Feed.DataVersion);
        Assert.Empty(reopened.Feed.ChangesAfter(before)!);

        Assert.Equal(7, store.Transactions.InOne(() =>
        {
            store.Book.UpsertAccounts([Acme], Today);
            store.Activity.AddTouchpoint(new Touchpoint("acme", "call", null, "ana", Now));
            return 7;
        }));
        Assert.Equal(1, OpenStore().Book.CountAccounts());
        Assert.Equal(3, OpenStore().Feed.ChangesAfter(before)!.Count);
    }

    private static NudgeRecord Nudge(string key, DateTimeOffset? created = null) => new()
    {
        Key = key, Rule = key.Split('|')[0], AccountId = key.Split('|')[1], Recipient = "ana@example.com",
        Card = new Reply("Acme renews in 30 days") { Summary = "Renewal on 2027-01-01", Buttons = [new ReplyButton("Snooze", "snooze", key)] },
        CreatedAt = created ?? Now, NextAttemptAt = created ?? Now, Reason = new NudgeReason("Renews soon", "2027-01-01"),
    };

    [SkippableFact]
    public void The_ledger_decides_each_nudge_once_and_finds_what_is_due_sent_listed_and_about_an_account()
    {
        var store = OpenStore();
        Assert.True(store.Ledger.Add(Nudge("renewal|acme|2026-12-02")));
        Assert.False(store.Ledger.Add(Nudge("renewal|acme|2026-12-02") with { Recipient = "other@example.com" }));
        var signals = new AccountSignals("acme", HealthBand.Poor, true, false, Today);
        var added = store.Ledger.Record([Nudge("renewal|acme|2026-12-02"), Nudge("engagement|acme|2026-12-02", Now.AddMinutes(-5)),
            Nudge("engagement|acme|2026-12-02"), Nudge("engagement|acme_x|2026-12-02")], [signals], [], []);
        Assert.Equal(["engagement|acme|2026-12-02", "engagement|acme_x|2026-12-02"], added.Select(n => n.Key));
        store.Ledger.Record([], [], [signals with { Band = HealthBand.Good }], [Nudge("engagement|acme_x|2026-12-02") with { Status = DeliveryStatus.Listed, MessageRef = "digest|ana" }]);
        store.Ledger.Update(Nudge("renewal|acme|2026-12-02") with { Status = DeliveryStatus.Sent, SentAt = Now.AddMinutes(1), Channel = "slack", MessageRef = "C1/1.2" });

        var ledger = OpenStore().Ledger;
        var due = ledger.DueForDelivery(Now);
        Assert.Equal(["engagement|acme|2026-12-02"], due.Select(n => n.Key));
        Assert.Empty(ledger.DueForDelivery(Now.AddMinutes(-10)));
        Assert.Equal(Now.AddMinutes(-5), due[0].CreatedAt);
        var sent = Assert.Single(ledger.SentSince(Now));
        Assert.Equal(("slack", "C1/1.2", Now.AddMinutes(1)), (sent.Channel, sent.MessageRef, sent.SentAt));
        Assert.Equal(new NudgeReason("Renews soon", "2027-01-01"), sent.Reason);
        Assert.Equal(["Snooze", "Log touchpoint", "Mark churned"], sent.Card.Buttons.Select(b => b.Label));
        Assert.Equal(["engagement|acme_x|2026-12-02"], ledger.ListedIn("digest|ana").Select(n => n.Key));
        // acme's cards only: an account whose id starts the same is another account.
        Assert.Equal(["renewal|acme|2026-12-02", "engagement|acme|2026-12-02"], ledger.AboutAccount("acme").Select(n => n.Key));
        Assert.Equal(["engagement|acme|2026-12-02", "renewal|acme|2026-12-02"], ledger.Known(["renewal|acme|2026-12-02", "engagement|acme|2026-12-02", "nope"]).Order());
        Assert.Equal(2, ledger.FindMany(["renewal|acme|2026-12-02", "engagement|acme_x|2026-12-02", "renewal|acme|2026-12-02"]).Count);
        Assert.Equal(3, ledger.CreatedSince(Now.AddMinutes(-5)).Count);
        Assert.Equal(2, ledger.CreatedSince(Now).Count);
        Assert.Equal(HealthBand.Good, ledger.Signals()["acme"].Band);
        // A check that read the states before another remembered acme gives it as a first state: the one remembered stays.
        ledger.Record([], [signals with { Band = HealthBand.Medium }], [], []);
        Assert.Equal(HealthBand.Good, OpenStore().Ledger.Signals()["acme"].Band);
        Assert.Equal("ana@example.com", ledger.Find("renewal|acme|2026-12-02")!.Recipient);

        // Records written at once, as a roll-up lists them: each as given, and a key the ledger lacks is not added.
        ledger.Update([.. new[] { "engagement|acme|2026-12-02", "engagement|acme_x|2026-12-02", "renewal|gone|2026-12-02" }
            .Select(k => Nudge(k) with { Status = DeliveryStatus.Listed, MessageRef = "rollup|2026-12-02|ana" })]);
        var listed = OpenStore().Ledger;
        Assert.Equal(["engagement|acme_x|2026-12-02", "engagement|acme|2026-12-02"], listed.ListedIn("rollup|2026-12-02|ana").Select(n => n.Key).Order(StringComparer.Ordinal));
        Assert.Empty(listed.DueForDelivery(Now));
        Assert.Null(listed.Find("renewal|gone|2026-12-02"));
    }

    [SkippableFact]
    public void Snoozes_churn_marks_surveys_opt_outs_and_the_audit_log_read_back_as_kept()
    {
        var store = OpenStore();
        store.Book.UpsertAccounts([Acme, Globex], Today);
        store.Activity.SaveSnooze(new Snooze("acme", Today.AddDays(14), "on holiday", "ana@example.com", HealthBand.Poor));
        store.Activity.SaveSnooze(new Snooze("globex", Today.AddDays(7), null, "ana@example.com", HealthBand.Medium));
        store.Activity.EndSnooze("globex");
        store.Activity.MarkChurned(new AccountChurned(Globex with { CanceledOn = Today, ChurnReason = "budget" },
            new ChurnRecord("globex", Today, "budget", null, "ana@example.com", 23, 300, null), new Touchpoint("globex", "churn", "budget", "ana@example.com", Now)));
        var survey = new SurveyState { Id = "s1", AccountId = "acme", Contact = "Bo@Acme.example", CreatedAt = Now.AddDays(-1), Channel = "slack" };
        store.Surveys.SaveSurvey(survey);
        store.Surveys.SaveSurvey(survey with { Id = "s0", CreatedAt = Now.AddDays(-100) });
        store.Surveys.SaveAnswered(survey with { Score = 3, FirstAnsweredAt = Now, LastAnsweredAt = Now, Comment = "slow" });
        store.Surveys.OptOut(" Cy@Acme.example ", Now);
        store.Surveys.LogRefusedClick("s1", "mallory@example.com", Now);
        var entry = new AuditEntry(Now, "ana@example.com", AuditChannels.Slack, "snooze", "acme", new Dictionary<string, string> { ["until"] = "2026-12-16" });
        Assert.Equal(5, store.Audit.Recorded(() => (5, entry)));
        store.Audit.Recorded<int>(() => (0, entry with { At = Now.AddDays(-40), Action = "churn", AccountId = "globex" }));
        Assert.Throws<InvalidOperationException>(() => store.Audit.Recorded<int>(() => throw new InvalidOperationException("refused")));

        var reopened = OpenStore();
        Assert.Equal(("on holiday", HealthBand.Poor), reopened.Activity.Snoozes().Values.Select(s => (s.Reason, s.BandWhenSnoozed)).Single());
        Assert.Equal((Today, "budget"), (reopened.Book.FindAccount("globex")!.CanceledOn, reopened.Book.FindAccount("globex")!.ChurnReason));
        var found = reopened.Surveys.FindSurvey("s1")!;
        Assert.Equal((3, "slow", Now, "slack", "Bo@Acme.example"), (found.Score, found.Comment, found.FirstAnsweredAt, found.Channel, found.Contact));
        Assert.Null(reopened.Surveys.FindSurvey("s9"));
        Assert.Equal(new Dictionary<string, DateTimeOffset> { ["bo@acme.example"] = Now.AddDays(-1) }, reopened.Surveys.LastSurveyed());
        var book = reopened.Book.LoadBookAndVersion().Book;
        Assert.Equal((3, "slow"), book.NpsOf("acme").Select(n => (n.Score, n.Comment)).Single());
        Assert.Contains(History(book, "acme").Surveys, s => s.Id == "s1" && s.Answered);
        Assert.Equal(["cy@acme.example"], reopened.Surveys.OptedOut());
        Assert.Equal(["cy@acme.example"], reopened.Surveys.OptedOutAmong(["CY@acme.example", "bo@acme.example"]));
        Assert.Equal(["snooze", "churn"], reopened.Audit.AuditEntries().Select(e => e.Action));
        var kept = Assert.Single(reopened.Audit.AuditEntries(accountId: "acme"));
        Assert.Equal(("ana@example.com", "slack", "2026-12-16"), (kept.Who, kept.Channel, kept.Values["until"]));
        Assert.Single(reopened.Audit.AuditEntries(since: Now.AddDays(-1)));
        Assert.Single(reopened.Audit.AuditEntries(action: "churn"));
        Assert.Equal(1, reopened.Audit.TrimAudit(Now.AddDays(-30)));
        Assert.Equal(["snooze"], OpenStore().Audit.AuditEntries().Select(e => e.Action));
    }

    [SkippableFact]
    public void A_Slack_event_id_is_handled_once_across_a_restart_and_forgotten_after_the_time_kept()
    {
        var kept = TimeSpan.FromDays(2);
        var store = OpenStore();
        Assert.True(store.SlackEvents.FirstTime("Ev1", Now, kept));
        Assert.False(store.SlackEvents.FirstTime("Ev1", Now.AddMinutes(1), kept));
        var reopened = OpenStore();
        Assert.False(reopened.SlackEvents.FirstTime("Ev1", Now.AddMinutes(5), kept));
        // Another id three days on prunes the old one: a retry that late is new again.
        Assert.True(reopened.SlackEvents.FirstTime("Ev2", Now.AddDays(3), kept));
        Assert.True(reopened.SlackEvents.FirstTime("Ev1", Now.AddDays(3), kept));
    }

    [SkippableFact]
    public void A_conversation_reference_replaces_the_older_keys_of_the_same_person()
    {
        var store = OpenStore();
        store.TeamsReferences.Save(new StoredReference("29:u1", """{"serviceUrl":"https://smba.example/","userId":"29:u1"}"""), []);
        store.TeamsReferences.Save(new StoredReference("other", """{"serviceUrl":"https://smba.example/","userId":"29:u2"}"""), []);
        store.TeamsReferences.Save(new StoredReference("ana@example.com", """{"serviceUrl":"https://smba.example/","userId":"29:u1","email":"Ana@Example.com"}"""), ["29:u1"]);

        var all = OpenStore().TeamsReferences.All().OrderBy(r => r.Key, StringComparer.Ordinal).ToArray();
        Assert.Equal(["ana@example.com", "other"], all.Select(r => r.Key));
        Assert.Equal("Ana@Example.com", JsonDocument.Parse(all[0].Json).RootElement.GetProperty("email").GetString());
    }

    [SkippableFact]
    public void An_ingest_checkpoint_is_read_back_whole_and_its_deletions_and_trims_hold()
    {
        var day = new DateOnly(2026, 12, 1);
        var aside = new AsideEvent("m1", "u2", null, "globex", null, "Track", Now, Now.AddMinutes(-1), "reports", 2.5, "s1", "{\"type\":\"track\"}");
        OpenStore().Ingest.Store(new IngestCheckpoint(
            [new IngestDay("acme", day, [1, 2, 3, 4, 5, 6, 7, 8], [], ["reports"], 3, 12.5, 1, 2, 3.5), new IngestDay("acme", day.AddDays(-9), [], [], [], 1, 0, 0, 0, 0)],
            new Dictionary<string, IngestUser?> { ["u1"] = new("u1", "acme", "ana@acme.example", "{\"plan\":\"pro\"}"), ["old"] = new("old", null, Alias: "u1") },
            new Dictionary<string, VisitorLink?> { ["anon-1"] = new("anon-1", "u1") },
            new Dictionary<string, AsideEvent?> { ["m1"] = aside },
            new IngestPosition("events-1.ndjson", 420), null, null));

        var ingest = OpenStore().Ingest;
        Assert.Equal(new IngestPosition("events-1.ndjson", 420), ingest.Checkpointed());
        var stored = ingest.Day("acme", day)!;
        Assert.Equal((3, 12.5, 1, 2, 3.5), (stored.Events, stored.Minutes, stored.BaseUsers, stored.BaseSessions, stored.BaseMinutes));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, stored.Users);
        Assert.Equal(["reports"], stored.Features);
        Assert.Equal(["acme"], ingest.DaysFrom(day).Select(d => d.AccountId));
        Assert.Equal(new IngestUser("u1", "acme", "ana@acme.example", "{\"plan\":\"pro\"}"), ingest.User("u1"));
        Assert.Equal(["old"], ingest.AliasesOf("u1").Select(u => u.Key));
        Assert.Equal("u1", ingest.Visitor("anon-1")!.UserId);
        Assert.Equal(aside, ingest.AsideWhere(AsideKey.Account, "globex").Single());
        Assert.Equal(["m1"], ingest.AsideWhere(AsideKey.User, "u2").Select(a => a.MessageId));
        Assert.Equal(["globex"], ingest.AccountsWaitedFor());

        ingest.Store(new IngestCheckpoint([], new Dictionary<string, IngestUser?> { ["old"] = null }, new Dictionary<string, VisitorLink?>(),
            new Dictionary<string, AsideEvent?> { ["m1"] = null }, new IngestPosition("events-1.ndjson", 500), day.AddDays(-5), null));
        Assert.Null(ingest.User("old"));
        Assert.Null(ingest.Aside("m1"));
        Assert.Empty(ingest.AccountsWaitedFor());
        Assert.Null(ingest.Day("acme", day.AddDays(-9)));
        Assert.NotNull(ingest.Day("acme", day));
        Assert.Equal(new IngestPosition("events-1.ndjson", 500), ingest.Checkpointed());
    }

    [SkippableFact]
    public void The_sync_records_keep_each_sources_cursor_each_webhook_event_once_and_the_synced_marks_across_a_restart()
    {
        var store = OpenStore();
        Assert.Empty(store.Sync.Sources());
        Assert.Null(store.Sync.Cursor(RecordSource.Stripe));
        store.Transactions.InOne(() =>
        {
            store.Book.UpsertAccounts([Acme, Globex], Today);
            store.Sync.Mark(RecordSource.Stripe, ["acme", "globex"]);
            return 0;
        });
        store.Sync.Mark(RecordSource.HubSpot, ["acme"]);
        store.Sync.Mark(RecordSource.HubSpot, ["acme"]);
        store.Sync.SaveCursor(RecordSource.Stripe, "evt_1");
        store.Sync.SaveCursor(RecordSource.Stripe, "evt_2");
        store.Sync.SaveCursor(RecordSource.HubSpot, "1767225600000");
        Assert.False(store.Sync.WasApplied(RecordSource.Stripe, "evt_1"));
        store.Sync.RecordApplied(RecordSource.Stripe, "evt_1", Now);
        store.Sync.RecordApplied(RecordSource.Stripe, "evt_1", Now.AddMinutes(1));
        // A write that fails marks nothing: an import may still set that account's fields.
        Assert.Throws<InvalidOperationException>(() => store.Transactions.InOne<int>(() =>
        {
            store.Book.UpsertAccounts([Acme with { Id = "initech", Name = "Initech" }], Today);
            store.Sync.Mark(RecordSource.Stripe, ["initech"]);
            throw new InvalidOperationException("the page failed half way");
        }));

        var reopened = OpenStore();
        var sources = reopened.Sync.Sources();
        Assert.Equal(["acme", "globex"], sources.Keys.Order());
        Assert.Equal([RecordSource.Stripe, RecordSource.HubSpot], sources["acme"].Order());
        Assert.Equal([RecordSource.Stripe], sources["globex"]);
        Assert.Equal(("evt_2", "1767225600000"), (reopened.Sync.Cursor(RecordSource.Stripe), reopened.Sync.Cursor(RecordSource.HubSpot)));
        Assert.True(reopened.Sync.WasApplied(RecordSource.Stripe, "evt_1"));
        Assert.False(reopened.Sync.WasApplied(RecordSource.HubSpot, "evt_1"));
        // An event applied past the time ids are kept prunes the old one: a replay that late is new again.
        reopened.Sync.RecordApplied(RecordSource.Stripe, "evt_9", Now + LiteDbSyncRecords.EventsKeptFor + TimeSpan.FromDays(1));
        Assert.False(OpenStore().Sync.WasApplied(RecordSource.Stripe, "evt_1"));
        Assert.True(OpenStore().Sync.WasApplied(RecordSource.Stripe, "evt_9"));
    }

    [SkippableFact]
    public void A_team_members_language_told_by_their_chat_is_still_known_after_a_restart()
    {
        var before = new Core.Language.MemberLanguages();
        before.KeepIn(OpenStore().MemberLanguages);
        before.Remember("Ana@Example.com", "de-AT");
        before.Remember("bo@example.com", "ru-RU");
        before.Remember("bo@example.com", "pt-PT");
        before.Remember("cy@example.com", "ja-JP");

        var restarted = new Core.Language.MemberLanguages();
        restarted.KeepIn(OpenStore().MemberLanguages);

        Assert.Equal("de", restarted.Of("ana@example.com")!.Name);
        Assert.Equal("pt-PT", restarted.Of("BO@example.com")!.Name);
        Assert.Null(restarted.Of("cy@example.com"));
    }

    [SkippableFact]
    public void A_contacts_language_from_segment_is_read_back_by_email_after_a_restart_and_comes_after_their_own()
    {
        var store = OpenStore();
        store.ContactLanguages.Save([new("bo@acme.example", "fr-CA"), new("cy@acme.example", "ru")]);
        store.ContactLanguages.Save([new("bo@acme.example", "de-AT")]);
        // Kept with the checkpoint it belongs to, or not at all.
        Assert.Throws<InvalidOperationException>(() => store.Transactions.InOne<int>(() =>
        {
            store.ContactLanguages.Save([new("bo@acme.example", "ro")]);
            throw new InvalidOperationException("the checkpoint failed");
        }));

        var restarted = OpenStore();
        var team = new TeamSettings { Texts = SuccessBot.Settings.Texts };
        team.Contacts.ReadFrom(restarted.ContactLanguages, restarted.Transactions);

        Assert.Equal("de-AT", restarted.ContactLanguages.Of(" BO@Acme.example"));
        Assert.Null(restarted.ContactLanguages.Of("dee@acme.example"));
        // bo has no language of their own: Segment's comes before the account's pt-BR; cy's own de comes before Segment's ru.
        Assert.Equal("Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen weiterempfehlen?",
            team.ReaderIn(Core.Language.Languages.OfContact(Acme, "bo@acme.example", null, team))["Survey.QuestionUs"]);
        Assert.Equal("de", Core.Language.Languages.OfContact(Acme, "cy@acme.example", "ru", team).Name);
        // Segment's comes before the chat's locale too (a Slack user's ru-RU).
        Assert.Equal("de", Core.Language.Languages.OfContact(Acme, "bo@acme.example", "ru-RU", team).Name);
        Assert.Equal("pt-BR", Core.Language.Languages.OfContact(Acme, "dee@acme.example", null, team).Name);
    }
}
