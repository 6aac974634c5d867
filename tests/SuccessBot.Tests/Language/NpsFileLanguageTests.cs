using SuccessBot.Core.Language;
using SuccessBot.Import;
using SuccessBot.Storage;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Language;

/// <summary>The NPS file's `language` column: each listed contact's language, kept with the answers in one transaction.</summary>
public sealed class NpsFileLanguageTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private readonly TempFolder _folder = new();
    private readonly LiteDbStore _store;

    public NpsFileLanguageTests()
    {
        _store = new LiteDbStore(_folder.Store);
        Importers.ImportAccounts(_store.Book, _folder.File("accounts.csv",
            "account_id,name,owner_email,mrr,started_on,contact_emails,contact_languages\na1,ACME,ana@example.com,100,2025-01-01,ops@acme.example;cfo@acme.example;it@acme.example,;;ro\n"), Today);
    }

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void A_contacts_language_from_the_nps_file_is_the_language_their_survey_is_written_in()
    {
        var nps = _folder.File("nps.csv", "account_id,contact_email,score,answered_at,language\na1,ops@acme.example,9,2026-11-01,de-DE\na1,CFO@acme.example,4,2026-11-02,pt\n"
            + "a1,stranger@acme.example,7,2026-11-03,ru\na1,it@acme.example,8,2026-11-04,\n");

        var report = Importers.ImportNps(_store.Book, nps, _store, Today);

        var account = _store.Book.LoadBook().Find("a1")!;
        Assert.Equal(["de-DE", "pt", "ro"], account.ContactLanguages);
        Assert.Equal(["ops@acme.example", "cfo@acme.example", "it@acme.example"], account.ContactEmails);
        Assert.Equal("de", Languages.OfContact(account, "ops@acme.example", null, new Core.Chat.TeamSettings { Texts = SuccessBot.Settings.Texts }).Name);
        Assert.Equal(4, report.Counts.Added);
        Assert.Contains("1 languages were for contacts not in their account's contact_emails and were not kept.", report.Notes);
    }

    [Theory]
    [InlineData("a1,ops@acme.example,9,2026-11-01,fr\n", "line 2", "\"fr\" is not a language SuccessBot is written in")]
    [InlineData("a1,ops@acme.example,9,2026-11-01,de\na1,ops@acme.example,3,2026-11-05,ru\n", "line 3", "is given \"de\" on line 2 and \"ru\" here")]
    public void A_bad_language_names_its_line_and_nothing_is_imported(string rows, string line, string problem)
    {
        var nps = _folder.File("nps.csv", "account_id,contact_email,score,answered_at,language\n" + rows);

        var failed = Assert.Throws<ImportFailed>(() => Importers.ImportNps(_store.Book, nps, _store, Today));

        Assert.Contains(failed.Errors, e => e.ToString().Contains(line) && e.ToString().Contains(problem));
        Assert.Empty(_store.Book.LoadBook().NpsAnswers);
        Assert.Equal([null, null, "ro"], _store.Book.LoadBook().Find("a1")!.ContactLanguages);
    }
}
