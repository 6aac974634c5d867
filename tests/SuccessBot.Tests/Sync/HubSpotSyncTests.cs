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
    private string _acmeModified = "1767225600000";

    public async Task InitializeAsync() => _hubSpot = await LocalServer.StartAsync(HandleAsync);

    public async Task DisposeAsync()
    {
        await _hubSpot.DisposeAsync();
        _folder.Dispose();
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
        var answer = http.Request.Path.Value switch
        {
            "/crm/v3/owners" => """{"results":[{"id":"101","email":"casey.csm@example.com","firstName":"Casey","lastName":"Csm","userId":9,"archived":false}]}""",
            "/crm/v3/objects/companies/search" => Search(body!),
            "/crm/v4/associations/companies/contacts/batch/read" => """{"status":"COMPLETE","results":[{"from":{"id":"5001"},"to":[{"toObjectId":7001,"associationTypes":[{"category":"HUBSPOT_DEFINED","typeId":280,"label":null}]},{"toObjectId":7002,"associationTypes":[]}]}]}""",
            "/crm/v3/objects/contacts/batch/read" => """{"status":"COMPLETE","results":[{"id":"7001","properties":{"email":"ana@acme.example.com"}},{"id":"7002","properties":{"email":"bo@acme.example.com"}}]}""",
            _ => null,
        };
        if (answer is null) http.Response.StatusCode = 404;
        await http.Response.WriteAsync(answer ?? """{"status":"error","message":"not found"}""");
    }

    private string Search(JsonNode body)
    {
        var since = long.Parse((string)body["filterGroups"]![0]!["filters"]![0]!["value"]!);
        _searches.Enqueue($"GT {since} after {(string?)body["after"] ?? "-"}");
        var acme = new JsonObject
        {
            ["id"] = "5001", ["createdAt"] = "2025-01-01T00:00:00Z", ["updatedAt"] = "2026-01-01T00:00:00Z", ["archived"] = false,
            ["properties"] = new JsonObject { ["name"] = "Acme", ["hubspot_owner_id"] = "101", ["industry"] = "COMPUTER_SOFTWARE", ["stripe_customer_id"] = "acme", ["renewal_date"] = "2026-09-30", ["hs_lastmodifieddate"] = _acmeModified },
        };
        var stray = new JsonObject { ["id"] = "5002", ["properties"] = new JsonObject { ["name"] = "Prospect", ["hs_lastmodifieddate"] = "1767225500000" } };
        JsonObject[] all = (string?)body["after"] is null ? [stray] : [acme];
        var results = all.Where(c => long.Parse((string)c["properties"]!["hs_lastmodifieddate"]!) > since).ToArray();
        return new JsonObject
        {
            ["total"] = results.Length, ["results"] = new JsonArray(results.Select(r => (JsonNode)r.DeepClone()).ToArray()),
            ["paging"] = (string?)body["after"] is null ? new JsonObject { ["next"] = new JsonObject { ["after"] = "1", ["link"] = "?after=1" } } : null,
        }.ToJsonString();
    }

    private ServiceProvider Services() => Composition.ForCommandLine(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:Path"] = _folder.Store, ["HubSpot:Token"] = Token, ["HubSpot:ApiBaseUrl"] = _hubSpot.Url, ["HubSpot:RenewalProperty"] = "renewal_date", ["Stripe:RetrySeconds"] = "0",
    }).Build(), loadBook: false);

    [Fact]
    public async Task Companies_give_their_accounts_the_owner_contacts_segment_and_renewal_and_a_second_run_changes_nothing()
    {
        using var services = Services();
        var book = services.GetRequiredService<IBookStore>();
        Importers.ImportAccounts(book, _folder.File("accounts.csv", """
            account_id,name,owner_email,mrr,started_on
            acme,Acme,someone@example.com,1000,2025-01-01
            """), DateOnly.FromDateTime(DateTime.UtcNow));
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
        Assert.Equal(["GT 0 after -", "GT 0 after 1", "GT 1767225600000 after -", "GT 1767225600000 after 1"], _searches.ToArray());

        var refused = Assert.Throws<ImportFailed>(() => Importers.ImportAccounts(book, _folder.File("again.csv", """
            account_id,name,owner_email,mrr,started_on
            acme,Acme,someone@example.com,1000,2025-01-01
            """), DateOnly.FromDateTime(DateTime.UtcNow), services.GetRequiredService<ISyncRecords>()));
        Assert.Contains("acme comes from HubSpot, which keeps its owner_email (\"casey.csm@example.com\")", refused.Message);
    }
}
