using SuccessBot.Core.Storage;
using SuccessBot.Tests.Builders;
using SuccessBot.Import;
using SuccessBot.Storage;

namespace SuccessBot.Tests.Import;

/// <summary>Imports of real files into a real LiteDB file: good files land whole, bad ones name the problem and store nothing.</summary>
public class ImportTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private readonly TempFolder _folder = new();
    private readonly LiteDbStore _store;

    public ImportTests() => _store = new LiteDbStore(_folder.Store);

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private const string Accounts = """
        account_id,name,owner_email,mrr,started_on,plan,renewal_on,canceled_on,churn_reason,contact_emails,segment,notes
        a1,ACME Corp,ana@example.com,1200.50,2025-01-15,Growth,2026-12-15,,,ops@acme.example;cfo@acme.example,Mid-Market,ignored
        a2,Globex,ben@example.com,300,2024-06-01,Starter,,2026-10-12,price,,SMB,
        """;

    [Fact]
    public void Accounts_are_stored_with_every_column()
    {
        var report = Importers.ImportAccounts(_store.Book, _folder.File("accounts.csv", Accounts), Today);

        Assert.Equal(new ImportCounts(2, 0), report.Counts);
        var book = _store.Book.LoadBook();
        var acme = book.Find("a1")!;
        Assert.Equal("ACME Corp", acme.Name);
        Assert.Equal(1200.50m, acme.Mrr);
        Assert.Equal(new DateOnly(2025, 1, 15), acme.StartedOn);
        Assert.Equal(new DateOnly(2026, 12, 15), acme.RenewalOn);
        Assert.Equal(["ops@acme.example", "cfo@acme.example"], acme.ContactEmails);
        Assert.Equal("Mid-Market", acme.Segment);
        Assert.Null(acme.CanceledOn);
        var globex = book.Find("a2")!;
        Assert.Equal(new DateOnly(2026, 10, 12), globex.CanceledOn);
        Assert.Equal("price", globex.ChurnReason);
    }

    [Fact]
    public void Languages_are_stored_for_the_account_and_for_each_contact_in_the_order_of_contact_emails()
    {
        var path = _folder.File("accounts.csv", """
            account_id,name,owner_email,mrr,started_on,contact_emails,language,contact_languages
            a1,ACME Corp,ana@example.com,100,2025-01-15,ops@acme.example;cfo@acme.example;cto@acme.example,de,;ru;pt-PT
            a2,Globex,ben@example.com,300,2024-06-01,it@globex.example,,
            """);

        Importers.ImportAccounts(_store.Book, path, Today);

        var acme = _store.Book.LoadBook().Find("a1")!;
        Assert.Equal("de", acme.Language);
        Assert.Equal([null, "ru", "pt-PT"], acme.ContactLanguages);
        Assert.Null(acme.LanguageOf("ops@acme.example"));
        Assert.Equal("ru", acme.LanguageOf("CFO@acme.example"));
        var globex = _store.Book.LoadBook().Find("a2")!;
        Assert.Null(globex.Language);
        Assert.Empty(globex.ContactLanguages);
    }

    [Fact]
    public void Importing_the_same_file_again_updates_and_never_duplicates()
    {
        var path = _folder.File("accounts.csv", Accounts);
        Importers.ImportAccounts(_store.Book, path, Today);
        var again = Importers.ImportAccounts(_store.Book, path, Today);

        Assert.Equal(new ImportCounts(0, 2), again.Counts);
        Assert.Equal(2, _store.Book.CountAccounts());
    }

    [Fact]
    public void A_changed_mrr_is_recorded_from_the_day_of_the_import()
    {
        Importers.ImportAccounts(_store.Book, _folder.File("accounts.csv", Accounts), Today);
        Importers.ImportAccounts(_store.Book, _folder.File("accounts2.csv", Accounts.Replace("1200.50", "1500")), Today);

        var book = _store.Book.LoadBook();
        var acme = book.Find("a1")!;
        Assert.Equal(1500m, acme.Mrr);
        Assert.Equal(1200.50m, book.MrrOn(acme, Today.AddDays(-1)));
        Assert.Equal(1500m, book.MrrOn(acme, Today));
    }

    [Fact]
    public void Columns_may_come_in_any_order()
    {
        var path = _folder.File("accounts.csv", "started_on,mrr,owner_email,name,account_id\n2025-01-01,10,a@example.com,Initech,i1\n");
        Importers.ImportAccounts(_store.Book, path, Today);

        Assert.Equal("Initech", _store.Book.LoadBook().Find("i1")!.Name);
    }

    [Fact]
    public void Usage_and_nps_are_stored_for_known_accounts_and_updated_on_reimport()
    {
        Importers.ImportAccounts(_store.Book, _folder.File("accounts.csv", Accounts), Today);
        var usage = _folder.File("usage.csv", "account_id,date,active_users,sessions,minutes,features\na1,2026-11-20,4,9,120,reports;dashboards\na1,2026-11-21,2,3,30,\n");
        var nps = _folder.File("nps.csv", "account_id,contact_email,score,comment,answered_at\na1,ops@acme.example,9,\"Great, really\",2026-11-01T10:00:00Z\na1,cfo@acme.example,4,,2026-11-02\n");

        Assert.Equal(new ImportCounts(2, 0), Importers.ImportUsage(_store.Book, usage).Counts);
        Assert.Equal(new ImportCounts(0, 2), Importers.ImportUsage(_store.Book, usage).Counts);
        Assert.Equal(new ImportCounts(2, 0), Importers.ImportNps(_store.Book, nps).Counts);
        Assert.Equal(new ImportCounts(0, 2), Importers.ImportNps(_store.Book, nps).Counts);

        var book = _store.Book.LoadBook();
        Assert.Equal(2, book.UsageOf("a1").Count);
        Assert.Equal(["reports", "dashboards"], book.UsageOf("a1")[0].Features);
        Assert.Equal(2, book.NpsAnswers.Count);
        Assert.Equal("Great, really", book.NpsAnswers[0].Comment);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), book.NpsAnswers[0].AnsweredAt);
    }

    public static TheoryData<string, string, string> BadAccountFiles => new()
    {
        { "account_id,name,mrr,started_on\na1,ACME,10,2025-01-01\n", "line 1", "missing required column owner_email" },
        { "account_id,name,owner_email,mrr,started_on\na1,ACME,a@example.com,10,31/01/2025\n", "line 2, column 5 (started_on)", "is not an ISO 8601 date" },
        { "account_id,name,owner_email,mrr,started_on\na1,ACME,a@example.com,10,2025-01-01\na2,Globex,b@example.com,-5,2025-01-01\n", "line 3, column 4 (mrr)", "-5 is negative" },
        { "account_id,name,owner_email,mrr,started_on,canceled_on\na1,ACME,a@example.com,10,2025-01-01,2024-12-31\n", "line 2, column 6 (canceled_on)", "is before started_on" },
        { "account_id,name,owner_email,mrr,started_on\na1,ACME,a@example.com,10,2025-01-01\na1,ACME again,a@example.com,10,2025-01-01\n", "line 3, column 1 (account_id)", "appears twice in this file (first on line 2)" },
        { "account_id,name,owner_email,mrr,started_on\na1,ACME,a@example.com,1.200,50,2025-01-01\n", "line 2", "has 6 fields where the header has 5" },
        { "account_id,name,owner_email,mrr,started_on\na1,ACME,a@example.com,ten,2025-01-01\n", "column 4 (mrr)", "\"ten\" is not a number" },
        { "account_id,name,owner_email,mrr,started_on\na1,,not-an-email,10,2025-01-01\n", "column 2 (name)", "is empty" },
        { "account_id,name,owner_email,mrr,started_on\na1,ACME,not-an-email,10,2025-01-01\n", "column 3 (owner_email)", "is not an email address" },
        { "account_id,name,owner_email,mrr,started_on\na1,\"ACME,a@example.com,10,2025-01-01\n", "line", "not valid CSV" },
        { "", "line 1", "the file is empty" },
        { "\n\n", "line 1", "the file is empty" },
        { "account_id,name,owner_email,mrr,started_on\n", "line 2", "a header but no data rows" },
        { "{\"accounts\": [{\"id\": 1}]}", "line 1", "is not valid CSV" },
        { "<html><body>Accounts</body></html>\n", "line 1", "missing required columns account_id, name, owner_email, mrr, started_on" },
        { "account_id;name;owner_email;mrr;started_on\na1;ACME;a@example.com;10;2025-01-01\n", "line 1", "is this a comma-separated file?" },
        { "account_id,name,owner_email,mrr,started_on\na1,ACME,a@example.com,79228162514264337593543950335,2025-01-01\n", "line 2, column 4 (mrr)", "79228162514264337593543950335 is too large; MRR is a number from 0 to 1,000,000,000,000 (10^12)" },
        { "account_id,name,owner_email,mrr,started_on\na1,ACME,a@example.com,1000000000000.01,2025-01-01\n", "line 2, column 4 (mrr)", "is too large" },
        { "account_id,name,owner_email,mrr,started_on\na1,ACME,a@example.com,792281625142643375935439503350,2025-01-01\n", "line 2, column 4 (mrr)", "is too large" },
        { "account_id,name,owner_email,mrr,started_on\na1,\u001b]8;;http://evil\u0007ACME,a@example.com,10,2025-01-01\n", "line 2, column 2 (name)", "contains the control character U+001B" },
        { "account_id,name,owner_email,mrr,started_on\na1,\"Two\nLines\",a@example.com,10,2025-01-01\n", "column 2 (name)", "contains the control character U+000A" },
        { "account_id,name,owner_email,mrr,started_on,plan\na1,ACME,a@example.com,10,2025-01-01,Gold\u0007\n", "line 2, column 6 (plan)", "contains the control character U+0007" },
        { "account_id,name,owner_email,mrr,started_on,language\na1,ACME,a@example.com,10,2025-01-01,fr\n", "line 2, column 6 (language)", "\"fr\" is not a language SuccessBot is written in (en, pt-BR, pt-PT, de, ro, ru)" },
        { "account_id,name,owner_email,mrr,started_on,contact_emails,contact_languages\na1,ACME,a@example.com,10,2025-01-01,x@acme.example,de;ru\n", "line 2, column 7 (contact_languages)", "has 2 languages for 1 contact emails" },
        { "account_id,name,owner_email,mrr,started_on,contact_emails,contact_languages\na1,ACME,a@example.com,10,2025-01-01,x@acme.example;y@acme.example,;klingon\n", "line 2, column 7 (contact_languages)", "\"klingon\" is not a language" },
    };

    [Theory]
    [MemberData(nameof(BadAccountFiles))]
    public void A_bad_accounts_file_names_file_line_and_column_and_stores_nothing(string content, string where, string problem)
    {
        var path = _folder.File("accounts.csv", content);

        var failed = Assert.Throws<ImportFailed>(() => Importers.ImportAccounts(_store.Book, path, Today));

        var message = failed.Errors[0].ToString();
        Assert.StartsWith("accounts.csv, ", message);
        Assert.Contains(where, message);
        Assert.Contains(problem, message);
        Assert.Equal(0, _store.Book.CountAccounts());
    }

    [Fact]
    public void An_account_at_the_mrr_limit_is_taken_and_a_book_of_them_answers_every_figure()
    {
        var rows = string.Join('\n', Enumerable.Range(1, 2_000).Select(i => $"m{i},Max {i},c@example.com,1000000000000,2024-01-01,2026-12-01," + (i % 10 == 0 ? "2026-10-05" : "")));
        Importers.ImportAccounts(_store.Book, _folder.File("max.csv", $"account_id,name,owner_email,mrr,started_on,renewal_on,canceled_on\n{rows}\n"), Today);
        var chat = new Builders.Conversation(_store.Book.LoadBook(), Today).As("boss@example.com");

        foreach (var question in new[] { "churn last month", "retention", "clv", "renewals next 30 days", "at-risk" })
            Assert.False(chat.Send(question).IsRefusal, question);
        Assert.Contains("$200,000,000,000,000", chat.SendText("churn last month"));
    }

    [Fact]
    public void A_bad_row_late_in_a_file_leaves_what_was_stored_before_untouched()
    {
        Importers.ImportAccounts(_store.Book, _folder.File("accounts.csv", Accounts), Today);
        var rows = string.Join('\n', Enumerable.Range(1, 500).Select(i => $"n{i},New {i},c@example.com,10,2025-01-01"));
        var path = _folder.File("more.csv", $"account_id,name,owner_email,mrr,started_on\n{rows}\na1,ACME Corp,ana@example.com,-1,2025-01-15\n");

        var failed = Assert.Throws<ImportFailed>(() => Importers.ImportAccounts(_store.Book, path, Today));

        Assert.Contains("line 502", failed.Errors.Single().ToString());
        Assert.Equal(2, _store.Book.CountAccounts());
        Assert.Equal(1200.50m, _store.Book.LoadBook().Find("a1")!.Mrr);
    }

    [Fact]
    public void Every_problem_in_a_file_is_reported_at_once()
    {
        var path = _folder.File("accounts.csv", "account_id,name,owner_email,mrr,started_on\na1,A,a@example.com,-1,2025-01-01\na2,B,b@example.com,5,2025-13-01\n");

        var failed = Assert.Throws<ImportFailed>(() => Importers.ImportAccounts(_store.Book, path, Today));

        Assert.Equal(2, failed.Errors.Count);
    }

    [Fact]
    public void A_file_that_does_not_exist_is_named_without_a_line()
    {
        var path = Path.Combine(_folder.Path, "nope.csv");

        var failed = Assert.Throws<ImportFailed>(() => Importers.ImportAccounts(_store.Book, path, Today));

        Assert.Equal($"nope.csv: the file does not exist ({path})", failed.Errors.Single().ToString());
    }

    [Fact]
    public void An_unclosed_quote_is_reported_on_the_line_where_it_opens_after_the_problems_of_the_rows_before_it()
    {
        var path = _folder.File("accounts.csv", "account_id,name,owner_email,mrr,started_on\na1,ACME,a@example.com,-1,2025-01-01\n"
            + "a2,\"Globex,b@example.com,5,2025-01-01\na3,Initech,c@example.com,5,2025-01-01\na4,Umbrella,d@example.com,5,2025-01-01\n");

        var failed = Assert.Throws<ImportFailed>(() => Importers.ImportAccounts(_store.Book, path, Today));

        Assert.Equal(
            ["accounts.csv, line 2, column 4 (mrr): -1 is negative; MRR is 0 or more",
             "accounts.csv, line 3: is not valid CSV: a quoted field starts on this line and never ends (its closing \" is missing)"],
            failed.Errors.Select(e => e.ToString()));
        Assert.Equal(0, _store.Book.CountAccounts());
    }

    [Fact]
    public void A_stray_quote_inside_a_field_is_reported_on_its_own_line()
    {
        var path = _folder.File("accounts.csv", "account_id,name,owner_email,mrr,started_on\na1,ACME,a@example.com,1,2025-01-01\na2,5\" Screens,b@example.com,5,2025-01-01\na3,Initech,c@example.com,5,2025-01-01\n");

        var failed = Assert.Throws<ImportFailed>(() => Importers.ImportAccounts(_store.Book, path, Today));

        Assert.StartsWith("accounts.csv, line 3: is not valid CSV: a quote (\") inside a field that is not quoted", failed.Errors.Single().ToString());
    }

    [Fact]
    public void Every_problem_of_a_row_is_reported_not_only_the_first()
    {
        var path = _folder.File("accounts.csv", "account_id,name,owner_email,mrr,started_on\na1,ACME,not-an-email,-5,2025-13-01\n");

        var failed = Assert.Throws<ImportFailed>(() => Importers.ImportAccounts(_store.Book, path, Today));

        Assert.All(failed.Errors, e => Assert.Equal(2, e.Line));
        Assert.Equal(["owner_email", "mrr", "started_on"], failed.Errors.OrderBy(e => e.Column).Select(e => e.ColumnName));
    }

    [Fact]
    public void A_binary_file_is_not_csv()
    {
        var path = Path.Combine(_folder.Path, "picture.csv");
        File.WriteAllBytes(path, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00]);

        var failed = Assert.Throws<ImportFailed>(() => Importers.ImportAccounts(_store.Book, path, Today));

        Assert.Contains("not a CSV text file", failed.Message);
    }

    [Theory]
    [InlineData("a1,ops@acme.example,11,,2026-11-01", "column 3 (score)", "11 is outside 0 to 10")]
    [InlineData("a1,ops@acme.example,-1,,2026-11-01", "column 3 (score)", "-1 is outside 0 to 10")]
    [InlineData("a1,ops@acme.example,nine,,2026-11-01", "column 3 (score)", "is not a whole number")]
    [InlineData("a1,ops@acme.example,9,,01.11.2026", "column 5 (answered_at)", "is not an ISO 8601 date or time")]
    [InlineData("zz,ops@acme.example,9,,2026-11-01", "column 1 (account_id)", "is not a known account")]
    [InlineData("a1,nobody,9,,2026-11-01", "column 2 (contact_email)", "is not an email address")]
    public void A_bad_nps_row_stores_nothing(string row, string where, string problem)
    {
        Importers.ImportAccounts(_store.Book, _folder.File("accounts.csv", Accounts), Today);
        var path = _folder.File("nps.csv", $"account_id,contact_email,score,comment,answered_at\na1,cfo@acme.example,10,,2026-11-01\n{row}\n");

        var failed = Assert.Throws<ImportFailed>(() => Importers.ImportNps(_store.Book, path));

        var message = failed.Errors.Single().ToString();
        Assert.Contains("nps.csv, line 3, " + where, message);
        Assert.Contains(problem, message);
        Assert.Empty(_store.Book.LoadBook().NpsAnswers);
    }

    [Theory]
    [InlineData("a1,2026-11-20,-1,3,30,", "column 3 (active_users)", "-1 is outside")]
    [InlineData("a1,2026/11/20,1,3,30,", "column 2 (date)", "is not an ISO 8601 date")]
    [InlineData("a1,2026-11-19,1,3,30,reports", "column 2 (date)", "appears twice in this file (first on line 2)")]
    [InlineData("ghost,2026-11-20,1,3,30,", "column 1 (account_id)", "import it with `import accounts` first")]
    public void A_bad_usage_row_stores_nothing(string row, string where, string problem)
    {
        Importers.ImportAccounts(_store.Book, _folder.File("accounts.csv", Accounts), Today);
        var path = _folder.File("usage.csv", $"account_id,date,active_users,sessions,minutes,features\na1,2026-11-19,1,1,1,\n{row}\n");

        var failed = Assert.Throws<ImportFailed>(() => Importers.ImportUsage(_store.Book, path));

        var message = failed.Errors.Single().ToString();
        Assert.Contains("usage.csv, line 3, " + where, message);
        Assert.Contains(problem, message);
        Assert.Empty(_store.Book.LoadBook().UsageOf("a1"));
    }

    [Fact]
    public void A_long_nps_comment_is_stored_up_to_the_limit_with_a_note()
    {
        Importers.ImportAccounts(_store.Book, _folder.File("accounts.csv", Accounts), Today);
        var path = _folder.File("nps.csv", $"account_id,contact_email,score,comment,answered_at\na1,ops@acme.example,3,{new string('z', 10_000)},2026-11-01\n");

        var report = Importers.ImportNps(_store.Book, path);

        Assert.Contains("1 comments were longer than 2,000 characters", report.ToString());
        Assert.Equal(2000, _store.Book.LoadBook().NpsAnswers.Single().Comment!.Length);
    }
}
