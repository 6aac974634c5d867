using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Storage;
using SuccessBot.Core.Domain;

namespace SuccessBot.Sync;

/// <summary>`HubSpot:*`: the private app's token, where the API is, the properties read, whether a domain matches, the schedule.</summary>
public sealed record HubSpotSettings(string? Token, Uri ApiBaseUrl, string MatchProperty, string SegmentProperty, string? RenewalProperty, bool MatchByDomain, string SyncCron)
{
    public const string DefaultApiBaseUrl = "https://api.hubapi.com", DefaultSyncCron = "0 30 * * * ?";

    public bool CanSync => Token is { Length: > 0 };

    public static HubSpotSettings From(IConfiguration config)
    {
        return new HubSpotSettings(config["HubSpot:Token"] is { Length: > 0 } token ? token : null, Settings.HttpUrl(config, "HubSpot:ApiBaseUrl", DefaultApiBaseUrl),
            config["HubSpot:MatchProperty"] is { Length: > 0 } match ? match : "stripe_customer_id",
            config["HubSpot:SegmentProperty"] is { Length: > 0 } segment ? segment : "industry",
            config["HubSpot:RenewalProperty"] is { Length: > 0 } renewal ? renewal : null,
            config["HubSpot:MatchByDomain"] is not { Length: > 0 } byDomain || (bool.TryParse(byDomain, out var on)
                ? on : throw new InvalidSettingException($"HubSpot:MatchByDomain: \"{byDomain}\" is not true or false.")),
            Scheduling.Scheduler.Cron(config, "HubSpot:SyncCron", DefaultSyncCron));
    }
}

/// <summary>HubSpot's CRM API as the sync reads it (v3 objects and owners, v4 associations): JSON in HubSpot's documented shapes.</summary>
public sealed class HubSpotApi(HttpClient http)
{
    public sealed record Paging(Next? Next);
    public sealed record Next(string After);
    public sealed record Owner(string Id, string? Email = null);
    public sealed record Page<T>(List<T> Results, Paging? Paging = null);
    public sealed record CrmObject(string Id, Dictionary<string, string?> Properties);
    public sealed record Association(AssociationFrom From, List<AssociationTo> To);
    public sealed record AssociationFrom(string Id);
    public sealed record AssociationTo(long ToObjectId);

    // A page without its results (or an id) is malformed, not empty: required and non-null members are checked as it is read.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true,
    };

    public async Task<Dictionary<string, string>> OwnerEmailsAsync(CancellationToken cancel)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var page = await Send<Page<Owner>>(HttpMethod.Get, $"crm/v3/owners?limit=100{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}", null, "the owners", cancel);
            foreach (var o in page.Results.Where(o => o.Email is { Length: > 0 })) owners[o.Id] = o.Email!;
            after = page.Paging?.Next?.After;
        } while (after is not null);
        return owners;
    }

    /// <summary>One page of the companies modified after <paramref name="since"/> (ms since 1970), oldest first.</summary>
    public Task<Page<CrmObject>> CompaniesAsync(long since, string? after, IReadOnlyList<string> properties, CancellationToken cancel) =>
        Send<Page<CrmObject>>(HttpMethod.Post, "crm/v3/objects/companies/search", new
        {
            filterGroups = new[] { new { filters = new[] { new { propertyName = "hs_lastmodifieddate", @operator = "GT", value = since.ToString(CultureInfo.InvariantCulture) } } } },
            sorts = new[] { new { propertyName = "hs_lastmodifieddate", direction = "ASCENDING" } },
            properties, limit = 100, after,
        }, $"the companies modified since {DateTimeOffset.FromUnixTimeMilliseconds(since):yyyy-MM-ddTHH:mm:ss.fffZ}{(after is null ? "" : $", the page after {after}")}", cancel);

    /// <summary>The emails of the contacts associated with each company.</summary>
    public async Task<Dictionary<string, List<string>>> ContactEmailsAsync(IReadOnlyList<string> companyIds, CancellationToken cancel)
    {
        var links = await Send<Page<Association>>(HttpMethod.Post, "crm/v4/associations/companies/contacts/batch/read",
            new { inputs = companyIds.Select(id => new { id }) }, $"the contacts of companies {string.Join(", ", companyIds)}", cancel);
        var contactIds = links.Results.SelectMany(l => l.To.Select(t => t.ToObjectId.ToString(CultureInfo.InvariantCulture))).Distinct().ToArray();
        var emails = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in contactIds.Chunk(100))
        {
            var contacts = await Send<Page<CrmObject>>(HttpMethod.Post, "crm/v3/objects/contacts/batch/read",
                new { properties = new[] { "email" }, inputs = chunk.Select(id => new { id }) }, "the contacts' emails", cancel);
            foreach (var c in contacts.Results)
                if (c.Properties.GetValueOrDefault("email") is { Length: > 0 } email) emails[c.Id] = email;
        }
        return links.Results.ToDictionary(l => l.From.Id, l => l.To.Select(t => emails.GetValueOrDefault(t.ToObjectId.ToString(CultureInfo.InvariantCulture)))
            .OfType<string>().Order(StringComparer.OrdinalIgnoreCase).ToList(), StringComparer.Ordinal);
    }

    private async Task<T> Send<T>(HttpMethod method, string path, object? body, string what, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, options: Json) };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancel);
        }
        catch (HttpRequestException down)
        {
            throw new SyncFailed($"HubSpot could not be reached reading {what}: {down.Message}", down);
        }
        catch (TaskCanceledException slow) when (!cancel.IsCancellationRequested)
        {
            throw new SyncFailed($"HubSpot did not answer in {http.Timeout.TotalSeconds:0} s reading {what}", slow);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancel);
                var message = ErrorMessage(text);
                throw new SyncFailed($"HubSpot answered {(int)response.StatusCode} reading {what}: {message}", new HttpRequestException(message, null, response.StatusCode));
            }
            try
            {
                return await response.Content.ReadFromJsonAsync<T>(Json, cancel) ?? throw new JsonException("The answer is null.");
            }
            catch (JsonException malformed)
            {
                throw new SyncFailed($"HubSpot's answer could not be read reading {what}: {malformed.Message}", malformed);
            }
        }
    }

    /// <summary>HubSpot's error `message`; a body that is not its JSON (a proxy's page) is given as it came, cut short.</summary>
    private static string ErrorMessage(string text)
    {
        try
        {
            if (JsonDocument.Parse(text).RootElement is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                return m.GetString()!;
        }
        catch (JsonException)
        {
        }
        return text.Length > 200 ? text[..200] + "..." : text;
    }
}

/// <summary>
/// Companies from HubSpot onto the accounts they match (the match property, default `stripe_customer_id`, names the account):
/// the company owner's email, the associated contacts' emails, the segment and optionally the renewal date. Incremental by
/// `hs_lastmodifieddate`; a page a write, marked as HubSpot's, with where the next run goes on (a page that fails stores nothing);
/// run twice it changes nothing.
/// </summary>
public sealed class HubSpotSync(HubSpotApi api, HubSpotSettings settings, IBookStore book, ISyncRecords records, IStoreTransactions transactions,
    TeamSettings team, TimeProvider clock)
{
    public sealed record Report(int Read, int Updated, int NotMatched, IReadOnlyList<string> Refused)
    {
        public override string ToString() =>
            $"HubSpot: {Read:N0} companies read, {Updated:N0} accounts updated, {NotMatched:N0} matched no account, {Refused.Count:N0} refused."
            + string.Concat(Refused.Select(r => Environment.NewLine + "  refused: " + r));
    }

    /// <summary>HubSpot's company domain properties: the primary one and the others, separated by semicolons.</summary>
    private const string DomainProperty = "domain", AdditionalDomainsProperty = "hs_additional_domains";

    public async Task<Report> RunAsync(bool full, CancellationToken cancel)
    {
        var since = !full && long.TryParse(records.Cursor(RecordSource.HubSpot), out var cursor) ? cursor : 0;
        var owners = await api.OwnerEmailsAsync(cancel);
        string[] properties = ["name", "hubspot_owner_id", "hs_lastmodifieddate", settings.MatchProperty, settings.SegmentProperty,
            .. settings.RenewalProperty is { } r ? [r] : Array.Empty<string>(), .. settings.MatchByDomain ? [DomainProperty, AdditionalDomainsProperty] : Array.Empty<string>()];
        // Built once a company without the match property asks: every account's contact email domains.
        var byDomain = new Lazy<ILookup<string, string>>(DomainsOfAccounts);
        var tally = new Tally { Newest = since };
        string? after = null;
        do
        {
            var page = await api.CompaniesAsync(since, after, properties, cancel);
            var contacts = page.Results.Count == 0 ? [] : await api.ContactEmailsAsync(page.Results.Select(c => c.Id).ToArray(), cancel);
            after = page.Paging?.Next?.After;
            // The page's accounts are read in the transaction that writes them: one consistent read, one opening of a shared LiteDB file.
            tally.Updated += transactions.InOne(() =>
            {
                var changed = page.Results.Select(c => Changed(c, contacts, owners, byDomain, tally)).OfType<Account>().ToList();
                if (changed.Count > 0)
                {
                    book.UpsertAccounts(changed, team.Today(clock.GetUtcNow()));
                    records.Mark(RecordSource.HubSpot, changed.Select(a => a.Id).ToArray());
                }
                // Oldest first: a run that stops later goes on from this page's newest, less 1 ms for a company modified in that same ms on the next page.
                var resumeFrom = after is null ? tally.Newest : tally.Newest - 1;
                if (resumeFrom > since) records.SaveCursor(RecordSource.HubSpot, resumeFrom.ToString(CultureInfo.InvariantCulture));
                return changed.Count;
            });
        } while (after is not null);
        return new Report(tally.Read, tally.Updated, tally.NotMatched, tally.Refused);
    }

    private sealed class Tally
    {
        public int Read, Updated, NotMatched;
        public long Newest;
        public List<string> Refused { get; } = [];
    }

    /// <summary>The company's account with what HubSpot says of it, or null: no account, refused, or nothing new.</summary>
    private Account? Changed(HubSpotApi.CrmObject company, Dictionary<string, List<string>> contacts, Dictionary<string, string> owners,
        Lazy<ILookup<string, string>> byDomain, Tally tally)
    {
        tally.Read++;
        var lastModified = company.Properties.GetValueOrDefault("hs_lastmodifieddate");
        if (long.TryParse(lastModified, out var modified)
            || DateTimeOffset.TryParse(lastModified, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && (modified = at.ToUnixTimeMilliseconds()) > 0)
            tally.Newest = Math.Max(tally.Newest, modified);
        var (stored, ambiguous) = Match(company, byDomain);
        if (ambiguous is not null) tally.Refused.Add(ambiguous);
        if (stored is null)
        {
            if (ambiguous is null) tally.NotMatched++;
            return null;
        }
        var account = stored with
        {
            OwnerEmail = company.Properties.GetValueOrDefault("hubspot_owner_id") is { } owner && owners.GetValueOrDefault(owner) is { } email ? email : stored.OwnerEmail,
            ContactEmails = contacts.GetValueOrDefault(company.Id) is { Count: > 0 } emails ? emails : stored.ContactEmails,
            Segment = company.Properties.GetValueOrDefault(settings.SegmentProperty) is { Length: > 0 } segment ? segment : stored.Segment,
            RenewalOn = settings.RenewalProperty is { } p && Day(company.Properties.GetValueOrDefault(p)) is { } renewal ? renewal : stored.RenewalOn,
        };
        return Rules.Check(account).Any() || !StripeAccounts.Differs(account, stored) ? null : account;
    }

    /// <summary>
    /// The account the match property names; when it is empty, the one account whose contacts' email domain is the company's
    /// `domain` or one of its `hs_additional_domains`. A domain two accounts share matches neither: the refusal says which.
    /// </summary>
    private (Account? Account, string? Refused) Match(HubSpotApi.CrmObject company, Lazy<ILookup<string, string>> byDomain)
    {
        if (company.Properties.GetValueOrDefault(settings.MatchProperty) is { Length: > 0 } id) return (book.FindAccount(id), null);
        if (!settings.MatchByDomain) return (null, null);
        var domains = Domains(company.Properties.GetValueOrDefault(DomainProperty), company.Properties.GetValueOrDefault(AdditionalDomainsProperty));
        var ids = domains.SelectMany(d => byDomain.Value[d]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return ids switch
        {
            [] => (null, null),
            [var one] => (book.FindAccount(one), null),
            _ => (null, $"HubSpot company {company.Id} \"{company.Properties.GetValueOrDefault("name")}\" (domain {string.Join(", ", domains)}) matches {ids.Length} accounts "
                + $"by their contacts' email domain: {string.Join(", ", ids)}; it was left alone (set {settings.MatchProperty} on it to say which account it is)."),
        };
    }

    private ILookup<string, string> DomainsOfAccounts() => transactions.InOne(() =>
        book.AccountIds().Select(book.FindAccount).OfType<Account>()
            .SelectMany(a => a.ContactEmails.Select(e => e.LastIndexOf('@') is var at and >= 0 ? Domain(e[(at + 1)..]) : null).OfType<string>().Distinct().Select(d => (Domain: d, a.Id)))
            .ToLookup(p => p.Domain, p => p.Id, StringComparer.OrdinalIgnoreCase));

    private static string[] Domains(string? primary, string? additional) =>
        [.. new[] { primary }.Concat(additional?.Split(';') ?? []).Select(Domain).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>A domain as people write it (`https://www.Acme.com/`) as one compares it: `acme.com`.</summary>
    private static string? Domain(string? text)
    {
        var d = text?.Trim().ToLowerInvariant();
        if (d is not { Length: > 0 }) return null;
        if (d.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0) d = d[(scheme + 3)..];
        d = d.Split('/')[0].TrimEnd('.');
        return d.StartsWith("www.", StringComparison.Ordinal) ? d[4..] : d is { Length: > 0 } ? d : null;
    }

    /// <summary>A HubSpot date property: `2026-03-31` or a moment `2026-03-31T00:00:00Z` (its day).</summary>
    private static DateOnly? Day(string? value) =>
        value is { Length: >= 10 } && DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
