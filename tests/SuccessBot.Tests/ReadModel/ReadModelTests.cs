using LiteDB;
using Microsoft.Extensions.Logging;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Host;
using SuccessBot.Storage;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.ReadModel;

/// <summary>The read model on a real store: where it starts from, and what it does with a change it cannot apply.</summary>
public class ReadModelTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 20);
    private readonly TempFolder _folder = new();
    private readonly LiteDbStore _store;
    private readonly ListLogger<BookReadModel> _log = new();

    public ReadModelTests()
    {
        _store = new LiteDbStore(_folder.Store);
        _store.Book.UpsertAccounts([An.Account("ACME").Id("acme").OwnedBy("ana@example.com"), An.Account("Globex").Id("globex").OwnedBy("ben@example.com")], Today);
    }

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private BookReadModel Started()
    {
        var model = _store.ReadModel(_log);
        model.Load();
        return model;
    }

    [Fact]
    public void Until_the_book_is_loaded_questions_are_told_to_wait_and_never_answered_from_half_a_book()
    {
        var model = _store.ReadModel(_log);
        var bot = new ChatBot(model, new TeamSettings { Texts = SuccessBot.Settings.Texts }, TimeProvider.System);

        Assert.False(model.IsReady);
        Assert.Equal("Starting up", bot.Answer(new IncomingMessage("churn last month", null)).Title);
        model.Load();
        Assert.StartsWith("Churn", bot.Answer(new IncomingMessage("churn last month", null)).Title);
    }

    [Fact]
    public void A_start_reads_the_snapshot_and_the_log_after_it()
    {
        Started().WriteSnapshot();
        _store.Book.UpsertAccounts([An.Account("Initech").Id("initech")], Today);

        var model = Started();

        Assert.Contains(_log.Lines, l => l.Contains("from its snapshot"));
        Assert.Equal(["acme", "globex", "initech"], model.Current.Accounts.Select(a => a.Id).Order());
        Assert.Equal(_store.DataVersion, model.Version);
    }

    [Fact]
    public void The_snapshot_keeps_the_languages_of_accounts_and_contacts()
    {
        _store.Book.UpsertAccounts([An.Account("Initech").Id("initech").WithContacts("a@initech.example", "b@initech.example").Build() with { Language = "ro", ContactLanguages = [null, "ru"] }], Today);
        Started().WriteSnapshot();

        var initech = Started().Current.Find("initech")!;

        Assert.Contains(_log.Lines, l => l.Contains("from its snapshot"));
        Assert.Equal("ro", initech.Language);
        Assert.Equal([null, "ru"], initech.ContactLanguages);
    }

    [Theory]
    [InlineData("cut")]
    [InlineData("another store")]
    [InlineData("log trimmed")]
    public void A_snapshot_that_cannot_serve_the_store_is_not_used_and_the_whole_book_is_loaded(string fault)
    {
        var snapshot = Started();
        snapshot.WriteSnapshot();
        _store.Book.UpsertAccounts([An.Account("Initech").Id("initech")], Today);
        var path = BookSnapshot.PathFor(_store.Path);
        switch (fault)
        {
            case "cut":
                var bytes = File.ReadAllBytes(path);
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                break;
            case "another store":
                using (var other = new LiteDbStore(Path.Combine(_folder.Path, "other.db")))
                    BookSnapshot.Write(path, other.StoreId, 1, BookOfBusiness.Empty);
                break;
            default:
                _store.TrimChanges(_store.DataVersion, DateTimeOffset.UtcNow.AddMinutes(1));
                _store.Book.UpsertAccounts([An.Account("Hooli").Id("hooli")], Today);
                break;
        }

        var model = Started();

        Assert.Contains(_log.Lines, l => l.Contains("Loading the whole book"));
        Assert.Equal(_store.Book.LoadBook().Accounts.Select(a => a.Id).Order(), model.Current.Accounts.Select(a => a.Id).Order());
        Assert.Equal(_store.DataVersion, model.Version);
    }

    [Fact]
    public void A_change_naming_an_account_the_book_lacks_is_logged_and_the_book_is_loaded_again_once()
    {
        var model = Started();
        _store.Book.UpsertUsage([new UsageDay("ghost", Today, 1, 1, 1, []), new UsageDay("acme", Today, 3, 4, 5, ["reports"])]);

        model.Refresh();

        Assert.Contains(_log.Lines, l => l.StartsWith("Warning") && l.Contains("ghost"));
        Assert.Equal(4, model.Current.UsageBetween("acme", Today, Today.AddDays(1))[0].Sessions);
        Assert.Equal(_store.DataVersion, model.Version);
    }

    [Fact]
    public void A_book_loaded_while_writes_went_on_applies_them_again_without_counting_anything_twice()
    {
        var before = _store.DataVersion;
        _store.Activity.AddTouchpoint(new Touchpoint("acme", "call", "budget talk", "ana@example.com", DateTimeOffset.UtcNow));
        _store.Book.UpsertUsage([new UsageDay("acme", Today, 3, 4, 5, ["reports"])]);
        _store.Book.UpsertNps([new NpsAnswer("acme", "ops@acme.example", 9, null, DateTimeOffset.UtcNow)]);
        // A load that began before those writes and read them all anyway: the log after the version it read holds them again.
        var loaded = _store.Book.LoadBook();

        var caughtUp = loaded.Apply(_store.ChangesAfter(before)!.Select(c => c.Change));

        Assert.Single(caughtUp.TouchpointsOf("acme"));
        Assert.Single(caughtUp.UsageOf("acme"));
        Assert.Single(caughtUp.NpsOf("acme"));
    }

    [Fact]
    public void A_corrupt_log_entry_is_logged_with_what_it_was_and_the_book_is_loaded_from_the_store()
    {
        var model = Started();
        _store.Activity.AddTouchpoint(new Touchpoint("acme", "call", "budget talk", "ana@example.com", DateTimeOffset.UtcNow));
        var version = _store.DataVersion;
        using (var raw = new LiteDatabase(new ConnectionString { Filename = _store.Path, Connection = ConnectionType.Shared }))
        {
            var changes = raw.GetCollection("changes");
            var entry = changes.FindById(version);
            entry["kind"] = "mystery";
            changes.Update(entry);
        }

        model.Refresh();

        Assert.Contains(_log.Lines, l => l.StartsWith("Warning") && l.Contains("mystery"));
        Assert.Equal("budget talk", Assert.Single(model.Current.TouchpointsOf("acme")).Note);
        Assert.Equal(version, model.Version);
    }
}

/// <summary>Keeps what a component logs, one line per entry ("Warning: ..."), for tests that read what it said.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines { get { lock (_lines) return _lines.ToArray(); } }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines) _lines.Add($"{logLevel}: {formatter(state, exception)}");
    }
}
