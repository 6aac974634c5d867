using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Storage;
using SuccessBot.Host;
using SuccessBot.Import;
using SuccessBot.Sync;
using SuccessBot.Tests.Import;
using SuccessBot.Tests.Teams;

namespace SuccessBot.Tests.Sync;

/// <summary>HubSpot's CRM API (v3 owners, companies search, contacts batch read; v4 associations) as a local server answering its documented shapes.</summary>
public sealed class HubSpotSyncTests : IAsyncLifetime
{
    private const string Token = "pat-na1-test";
    private readonly TempFolder _folder = new();
    private LocalServer _hubSpot = null!;
    private readonly ConcurrentQueue<string> _searches = new();
    private int _rateLimitNext;
    /// <summary>The companies HubSpot keeps; the search answers those modified after the filter, oldest first, <see cref="_pageSize"/> a page.</summary>
    private readonly List<JsonObject> _companies = [];
    /// <summary>Each company's associated contacts: contact id and email.</summary>
    private readonly Dictionary<string, (long Id, string Email)[]> _contacts = [];
    private int _pageSize = 1;
    /// <summary>The next request to break (`search after 1`, `associations 5002`) and what HubSpot answers it instead, once.</summary>
    private (string Where, int Status, string Body)? _break;

    public async Task InitializeAsync() => _hubSpot = await LocalServer.StartAsync(HandleAsync);

    public async Task DisposeAsync()
    {
        await _hubSpot.DisposeAsync();
        _folder.Dispose();
    }

    private static JsonObject Company(string id, string name, long modified, params (string Name, string Value)[] properties)
    {
        var props = new JsonObject { ["name"] = name, ["hs_lastmodifieddate"] = modified.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var (key, value) in properties) props[key] = value;
        return new JsonObject { ["id"] = id, ["createdAt"] = "2025-01-01T00:00:00Z", ["updatedAt"] = "2026-01-01T00:00:00Z", ["archived"] = false, ["properties"] = props };
    }

    private void KeepAcmeAndAProspect(long acmeModified = 1767225600000)
    {
        _companies.Add(Company("5001", "Acme", acmeModified, ("hubspot_owner_id", "101"), ("industry", "COMPUTER_SOFTWARE"), ("stripe_customer_id", "acme"), ("renewal_date", "2026-09-30")));
        _companies.Add(Company("5002", "Prospect", 1767225500000));
        _contacts["5001"] = [(7001, "ana@acme.example.com"), (7002, "bo@acme.example.com")];
    }

    private async Task HandleAsync(HttpContext http)
    {
        http.Response.ContentType = "application/json";
        if (http.Request.Headers.Authorization != $"Bearer {Token}")
        {
            http.Response.StatusCode = 401;
            await http.Response.WriteAsync("""{"status":"error","message":"Authentication credentials not found.","category":"INVALID_AUTHENTICATION"}""");
            return;
        }
        if (_rateLimitNext > 0)
        {
            _rateLimitNext--;
            http.Response.StatusCode = 429;
            http.Response.Headers.RetryAfter = "0";
            await http.Response.WriteAsync("""{"status":"error","message":"You have reached your secondly limit.","category":"RATE_LIMITS"}""");
            return;
        }
        var body = HttpMethods.IsPost(http.Request.Method) ? JsonNode.Parse(await new StreamReader(http.Request.Body).ReadToEndAsync())! : null;
        var where = http.Request.Path.Value switch
        {
            "/crm/v3/objects/companies/search" => $"search after {(string?)body!["after"] ?? "-"}",
            "/crm/v4/associations/companies/contacts/batch/read" => $"associations {(string?)body!["inputs"]![0]!["id"]}",
            _ => null,
        };
        if (_break is { } broken && broken.Where == where)
        {
            _break = null;
            if (where.StartsWith("search", StringComparison.Ordinal)) _searches.Enqueue($"broken {where}");
            http.Response.StatusCode = broken.Status;
            await http.Response.WriteAsync(broken.Body);
            return;
        }
        var answer = http.Request.Path.Value switch
        {
            "/crm/v3/owners" => """{"results":[{"id":"101","email":"casey.csm@example.com","firstName":"Casey","lastName":"Csm","userId":9,"archived":false},{"id":"102","email":"dana.csm@example.com","firstName":"Dana","lastName":"Csm","userId":10,"archived":false}]}""",
            "/crm/v3/objects/companies/search" => Search(body!),
            "/crm/v4/associations/companies/contacts/batch/read" => Associations(body!),
            "/crm/v3/objects/contacts/batch/read" => ContactsRead(body!),
            _ => null,
        };
        if (answer is null) http.Response.StatusCode = 404;
        await http.Response.WriteAsync(answer ?? """{"status":"error","message":"not found"}""");
    }

    private string Search(JsonNode body)
    {
        var since = long.Parse((string)body["filterGroups"]![0]!["filters"]![0]!["value"]!);
        var after = (string?)body["after"];
        _searches.Enqueue($"GT {since} after {after ?? "-"}");
        var matching = _companies.Where(c => Modified(c) > since).OrderBy(Modified).ToArray();
        var from = after is null ? 0 : int.Parse(after);
        var page = matching.Skip(from).Take(_pageSize).ToArray();
        var next = from + _pageSize < matching.Length ? (from + _pageSize).ToString() : null;
        return new JsonObject
        {
            ["total"] = matching.Length, ["results"] = new JsonArray(page.Select(r => (JsonNode)r.DeepClone()).ToArray()),
            ["paging"] = next is null ? null : new JsonObject { ["next"] = new JsonObject { ["after"] = next, ["link"] = $"?after={next}" } },
        }.ToJsonString();
    }

    private static long Modified(JsonObject company) => long.Parse((string)company["properties"]!["hs_lastmodifieddate"]!);

    private string Associations(JsonNode body)
    {
        var ids = body["inputs"]!.AsArray().Select(i => (string)i!["id"]!).Where(_contacts.ContainsKey);
        return new JsonObject
        {
            ["status"] = "COMPLETE",
            ["results"] = new JsonArray(ids.Select(id => (JsonNode)new JsonObject
            {
                ["from"] = new JsonObject { ["id"] = id },
                ["to"] = new JsonArray(_contacts[id].Select(c => (JsonNode)new JsonObject
                {
                    ["toObjectId"] = c.Id,
                    ["associationTypes"] = new JsonArray(new JsonObject { ["category"] = "HUBSPOT_DEFINED", ["typeId"] = 280, ["label"] = null }),
                }).ToArray()),
            }).ToArray()),
        }.ToJsonString();
    }

    private string ContactsRead(JsonNode body)
    {
        var emails = _contacts.Values.SelectMany(c => c).ToDictionary(c => c.Id.ToString(), c => c.Email);
        var ids = body["inputs"]!.AsArray().Select(i => (string)i!["id"]!).Where(emails.ContainsKey);
        return new JsonObject
        {
            ["status"] = "COMPLETE",
            ["results"] = new JsonArray(ids.Select(id => (JsonNode)new JsonObject { ["id"] = id, ["properties"] = new JsonObject { ["email"] = emails[id] } }).ToArray()),
        }.ToJsonString();
    }

    private ServiceProvider Services(params (string Key, string Value)[] more) => Composition.ForCommandLine(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:Path"] = _folder.Store, ["HubSpot:Token"] = Token, ["HubSpot:ApiBaseUrl"] = _hubSpot.Url, ["HubSpot:RenewalProperty"] = "renewal_date", ["Stripe:RetrySeconds"] = "0",
    }).AddInMemoryCollection(more.Select(m => KeyValuePair.Create(m.Key, (string?)m.Value))).Build(), loadBook: false);

    /// <summary>The accounts of the CSV, imported as a team starts; the book they are in.</summary>
    private IBookStore Imported(ServiceProvider services, string csv)
    {
        var book = services.GetRequiredService<IBookStore>();
        Importers.ImportAccounts(book, _folder.File("accounts.csv", csv), DateOnly.FromDateTime(DateTime.UtcNow));
        return book;
    }

    [Fact]
    public async Task Companies_give_their_accounts_the_owner_contacts_segment_and_renewal_and_a_second_run_changes_nothing()
    {
        using var services = Services();
        var book = Imported(services, """
            account_id,name,owner_email,mrr,started_on
            acme,Acme,someone@example.com,1000,2025-01-01
            """);
        KeepAcmeAndAProspect();
        _rateLimitNext = 1;

        var first = await services.GetRequiredService<HubSpotSync>().RunAsync(full: false, CancellationToken.None);

        Assert.Equal((2, 1, 1), (first.Read, first.Updated, first.NotMatched));
        var acme = book.FindAccount("acme")!;
        Assert.Equal(("casey.csm@example.com", "COMPUTER_SOFTWARE", new DateOnly(2026, 9, 30)), (acme.OwnerEmail, acme.Segment, acme.RenewalOn));
        Assert.Equal(["ana@acme.example.com", "bo@acme.example.com"], acme.ContactEmails);
        Assert.Equal([RecordSource.HubSpot], services.GetRequiredService<ISyncRecords>().Sources()["acme"]);

        var version = services.GetRequiredService<IChangeFeed>().DataVersion;
        var again = await services.GetRequiredService<HubSpotSync>().RunAsync(full: false, CancellationToken.None);

        Assert.Equal((0, 0), (again.Read, again.Updated));
        Assert.Equal(version, services.GetRequiredService<IChangeFeed>().DataVersion);
        Assert.Equal(["GT 0 after -", "GT 0 after 1", "GT 1767225600000 after -"], _searches.ToArray());

        var refused = Assert.Throws<ImportFailed>(() => Importers.ImportAccounts(book, _folder.File("again.csv", """
            account_id,name,owner_email,mrr,started_on
            acme,Acme,someone@example.com,1000,2025-01-01
            """), DateOnly.FromDateTime(DateTime.UtcNow), services.GetRequiredService<ISyncRecords>()));
        Assert.Contains("acme comes from HubSpot, which keeps its owner_email (\"casey.csm@example.com\")", refused.Message);
    }

    [Fact]
    public async Task A_company_without_the_match_property_finds_its_account_by_domain_and_a_domain_two_accounts_share_is_refused_by_name()
    {
        using var services = Services();
        var book = Imported(services, """
            account_id,name,owner_email,mrr,started_on,contact_emails
            acme,Acme,someone@example.com,1000,2025-01-01,ana@acme.example.com
            globex,Globex,someone@example.com,500,2025-01-01,zed@Globex.example
            initech-us,Initech US,someone@example.com,300,2025-01-01,bill@initech.example
            initech-eu,Initech EU,someone@example.com,200,2025-01-01,milton@initech.example
            """);
        KeepAcmeAndAProspect();
        _companies.Add(Company("5003", "Globex Corporation", 1767225700000, ("hubspot_owner_id", "102"), ("industry", "RETAIL"), ("domain", "https://www.globex.example/"), ("stripe_customer_id", "")));
        _companies.Add(Company("5004", "Initech", 1767225800000, ("hubspot_owner_id", "102"), ("domain", "initech.io"), ("hs_additional_domains", "initech.example; initech.de")));
        _companies.Add(Company("5005", "Hooli", 1767225900000, ("hubspot_owner_id", "102"), ("domain", "hooli.example")));
        _contacts["5003"] = [(7003, "zed@globex.example"), (7004, "hank@globex.example")];

        var report = await services.GetRequiredService<HubSpotSync>().RunAsync(full: false, CancellationToken.None);

        Assert.Equal((5, 2, 2), (report.Read, report.Updated, report.NotMatched));
        var globex = book.FindAccount("globex")!;
        Assert.Equal(("dana.csm@example.com", "RETAIL"), (globex.OwnerEmail, globex.Segment));
        Assert.Equal(["hank@globex.example", "zed@globex.example"], globex.ContactEmails);
        Assert.Equal("casey.csm@example.com", book.FindAccount("acme")!.OwnerEmail);
        var refused = Assert.Single(report.Refused);
        Assert.Equal("HubSpot company 5004 \"Initech\" (domain initech.io, initech.example, initech.de) matches 2 accounts by their contacts' email domain: "
            + "initech-eu, initech-us; it was left alone (set stripe_customer_id on it to say which account it is).", refused);
        Assert.Contains("1 refused.", report.ToString());
        Assert.All(new[] { "initech-us", "initech-eu" }, id => Assert.Equal("someone@example.com", book.FindAccount(id)!.OwnerEmail));
        Assert.Equal(["acme", "globex"], services.GetRequiredService<ISyncRecords>().Sources().Keys.Order());
    }

    [Fact]
    public void Sync_hubspot_on_the_command_line_exits_1_naming_a_refused_company_0_when_nothing_is_refused_and_2_without_a_token()
    {
        using (var services = Services())
            Imported(services, """
                account_id,name,owner_email,mrr,started_on,contact_emails
                initech-us,Initech US,someone@example.com,300,2025-01-01,bill@initech.example
                initech-eu,Initech EU,someone@example.com,200,2025-01-01,milton@initech.example
                """);
        _companies.Add(Company("5004", "Initech", 1767225800000, ("hubspot_owner_id", "102"), ("domain", "initech.example")));
        var hubSpot = new Dictionary<string, string> { ["HubSpot__Token"] = Token, ["HubSpot__ApiBaseUrl"] = _hubSpot.Url };

        var refused = TheProgram.Run(_folder, hubSpot, "sync", "hubspot");

        Assert.Equal(1, refused.Exit);
        Assert.Contains("refused: HubSpot company 5004 \"Initech\"", refused.Out);
        Assert.Contains("matches 2 accounts", refused.Out);

        _companies[0]["properties"]!["stripe_customer_id"] = "initech-us";
        var fixedUp = TheProgram.Run(_folder, hubSpot, "sync", "hubspot", "--full");

        Assert.Equal((0, ""), (fixedUp.Exit, fixedUp.Err));
        Assert.Contains("0 refused.", fixedUp.Out);

        var noToken = TheProgram.Run(_folder, [], "sync", "hubspot");

        Assert.Equal(2, noToken.Exit);
        Assert.Contains("HubSpot:Token is not set", noToken.Err);
    }

    [Fact]
    public async Task With_matching_by_domain_off_a_company_without_the_match_property_is_left_alone()
    {
        using var services = Services(("HubSpot:MatchByDomain", "false"));
        var book = Imported(services, """
            account_id,name,owner_email,mrr,started_on,contact_emails
            globex,Globex,someone@example.com,500,2025-01-01,zed@globex.example
            """);
        _companies.Add(Company("5003", "Globex Corporation", 1767225700000, ("hubspot_owner_id", "102"), ("domain", "globex.example")));

        var report = await services.GetRequiredService<HubSpotSync>().RunAsync(full: false, CancellationToken.None);

        Assert.Equal((1, 0, 1), (report.Read, report.Updated, report.NotMatched));
        Assert.Equal("someone@example.com", book.FindAccount("globex")!.OwnerEmail);
    }

    [Fact]
    public async Task A_sync_that_fails_half_way_stores_nothing_of_that_page_says_which_object_and_why_and_the_next_run_goes_on_from_there()
    {
        using var services = Services();
        var book = Imported(services, """
            account_id,name,owner_email,mrr,started_on
            a,A,someone@example.com,100,2025-01-01
            b,B,someone@example.com,100,2025-01-01
            c,C,someone@example.com,100,2025-01-01
            """);
        foreach (var (id, at) in new[] { ("a", 1767225600000L), ("b", 1767225700000L), ("c", 1767225800000L) })
        {
            _companies.Add(Company($"50{id}", id.ToUpperInvariant(), at, ("hubspot_owner_id", "101"), ("industry", "RETAIL"), ("stripe_customer_id", id)));
            _contacts[$"50{id}"] = [(at, $"ana@{id}.example")];
        }
        var sync = services.GetRequiredService<HubSpotSync>();
        var synced = services.GetRequiredService<ISyncRecords>();
        // Page 2's companies arrive, but their contacts do not: nothing of B is stored, not even what the search gave.
        _break = ("associations 50b", 500, """{"status":"error","message":"internal error","correlationId":"4f2a9c1e-0000-4000-8000-000000000001","category":"INTERNAL_ERROR"}""");

        var first = await Assert.ThrowsAsync<SyncFailed>(() => sync.RunAsync(full: false, CancellationToken.None));

        Assert.Equal("HubSpot answered 500 reading the contacts of companies 50b: internal error", first.Message);
        Assert.Equal(("casey.csm@example.com", "RETAIL"), (book.FindAccount("a")!.OwnerEmail, book.FindAccount("a")!.Segment));
        Assert.All(new[] { "b", "c" }, id => Assert.Equal(("someone@example.com", null), (book.FindAccount(id)!.OwnerEmail, book.FindAccount(id)!.Segment)));
        Assert.Equal(["a"], synced.Sources().Keys);

        // The next run goes on from page 2 (A's moment, less 1 ms), and its page 2 is not JSON HubSpot documents.
        _break = ("search after 1", 200, """{"total":2,"results":[{"id":"50b","properties":{"name":"B",""");
        var second = await Assert.ThrowsAsync<SyncFailed>(() => sync.RunAsync(full: false, CancellationToken.None));

        Assert.StartsWith("HubSpot's answer could not be read reading the companies modified since 2025-12-31T23:59:59.999Z, the page after 1: ", second.Message);
        Assert.Equal(["a"], synced.Sources().Keys);

        var third = await sync.RunAsync(full: false, CancellationToken.None);

        Assert.Equal((3, 2), (third.Read, third.Updated));
        Assert.All(new[] { "a", "b", "c" }, id => Assert.Equal("casey.csm@example.com", book.FindAccount(id)!.OwnerEmail));
        Assert.Equal(["ana@c.example"], book.FindAccount("c")!.ContactEmails);
        Assert.Equal(["a", "b", "c"], synced.Sources().Keys.Order());
        Assert.Equal("1767225800000", synced.Cursor(RecordSource.HubSpot));
        Assert.Equal(["GT 0 after -", "GT 0 after 1", "GT 1767225599999 after -", "broken search after 1", "GT 1767225599999 after -", "GT 1767225599999 after 1",
            "GT 1767225599999 after 2"], _searches.ToArray());
    }
}
