using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Audit;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Storage;
using SuccessBot.Core.Surveys;
using static SuccessBot.Tests.Ingest.SegmentPayloads;

namespace SuccessBot.Tests.Ingest;

/// <summary>A contact's language from Segment's identify calls, as their NPS survey reads in the local chat of the real host.</summary>
public class SegmentLanguageTests(IngestFactory host) : IClassFixture<IngestFactory>
{
    private const string German = "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen weiterempfehlen?",
        Portuguese = "Qual a probabilidade de você nos recomendar a um amigo ou colega?",
        Romanian = "Cât de probabil este să ne recomandați unui prieten sau coleg?",
        Russian = "Насколько вероятно, что вы порекомендуете нас другу или коллеге?";

    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    private string Contact(string who) => $"{who}-{_id}@segment.example";

    /// <summary>An account in Russian whose contacts are the given ones, `own-…` with Romanian as their own language (contact_languages).</summary>
    private Account AccountOf(params string[] who)
    {
        var contacts = who.Select(Contact).ToArray();
        var account = new Account
        {
            Id = "seg-" + _id, Name = "Segment Languages " + _id, OwnerEmail = "olivia.owner@example.com", Mrr = 500, StartedOn = IngestFactory.Today.AddDays(-400),
            Language = "ru", ContactEmails = contacts, ContactLanguages = [.. who.Select(w => w == "own" ? "ro" : null)],
        };
        host.Services.GetRequiredService<IBookStore>().UpsertAccounts([account], IngestFactory.Today);
        // The local chat knows its contacts once the book it answers from has the account.
        Assert.NotNull(host.Book.Find(account.Id));
        return account;
    }

    private static JsonObject Identify(string userId, JsonObject traits, JsonObject? context = null) => new()
    {
        ["userId"] = userId, ["traits"] = traits, ["context"] = context ?? new JsonObject(), ["messageId"] = Guid.NewGuid().ToString(), ["timestamp"] = Now,
    };

    private async Task<JsonElement> Post(HttpClient segment, JsonObject identify)
    {
        var response = await segment.PostAsync("/v1/identify", AsJson(identify));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await BodyOf(response);
    }

    /// <summary>The survey each contact of <paramref name="account"/> reads in the local chat once it is sent.</summary>
    private async Task<Dictionary<string, JsonElement>> Surveys(Account account)
    {
        host.Services.GetRequiredService<SurveyService>().SendTo(account, force: true, AuditEntry.Administrator, AuditChannels.Cli);
        await host.Services.GetRequiredService<NudgeService>().DeliverDueAsync(CancellationToken.None);
        using var chat = host.CreateClient();
        var surveys = new Dictionary<string, JsonElement>();
        foreach (var contact in account.ContactEmails)
        {
            var history = await chat.GetFromJsonAsync<JsonElement>($"/chat/history?as={Uri.EscapeDataString(contact)}");
            var survey = history.EnumerateArray().Last(m => m.TryGetProperty("reply", out var r) && r.ValueKind == JsonValueKind.Object
                && r.GetProperty("buttons").EnumerateArray().Any(b => b.GetProperty("actionId").GetString() == SurveyCards.Score));
            surveys[contact] = survey.Clone();
        }
        return surveys;
    }

    private static string TitleOf(JsonElement message) => message.GetProperty("reply").GetProperty("title").GetString()!;

    [Fact]
    public async Task A_locale_from_identify_is_the_survey_language_after_the_contacts_own_and_before_their_accounts()
    {
        var account = AccountOf("de", "pt", "own", "none");
        using var segment = host.Segment();
        // context.locale as analytics.js sends it; a later locale replaces an earlier one, an identify without one leaves it.
        await Post(segment, Identify("u-de-" + _id, new JsonObject { ["email"] = Contact("de") }, new JsonObject { ["locale"] = "pt-PT" }));
        await Post(segment, Identify("u-de-" + _id, new JsonObject { ["email"] = Contact("de") }, new JsonObject { ["locale"] = "de" }));
        await Post(segment, Identify("u-de-" + _id, new JsonObject { ["email"] = Contact("de"), ["name"] = "Dora" }));
        // traits.locale, in a call that names the user only: their email is the one an earlier identify gave.
        await Post(segment, Identify("u-pt-" + _id, new JsonObject { ["email"] = Contact("pt").ToUpperInvariant() }));
        await Post(segment, Identify("u-pt-" + _id, new JsonObject { ["locale"] = "pt-BR" }, new JsonObject { ["locale"] = "ru-RU" }));
        await Post(segment, Identify("u-own-" + _id, new JsonObject { ["email"] = Contact("own") }, new JsonObject { ["locale"] = "de-DE" }));

        var surveys = await Surveys(account);

        Assert.Equal(German, TitleOf(surveys[Contact("de")]));
        Assert.Equal(Portuguese, TitleOf(surveys[Contact("pt")]));
        Assert.Equal(Romanian, TitleOf(surveys[Contact("own")]));
        Assert.Equal(Russian, TitleOf(surveys[Contact("none")]));
        // What follows is in it too: the answer to a score, and to words the contact types.
        using var chat = host.CreateClient();
        var survey = surveys[Contact("de")];
        var nine = survey.GetProperty("reply").GetProperty("buttons").EnumerateArray().Single(b => b.GetProperty("label").GetString() == "9");
        var clicked = await chat.PostAsJsonAsync("/chat/actions",
            new { @as = Contact("de"), messageId = survey.GetProperty("id").GetString(), actionId = SurveyCards.Score, value = nine.GetProperty("value").GetString() });
        Assert.Equal("Danke! Ihre Antwort: 9", TitleOf((await clicked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages")[0]));
        var helped = await chat.PostAsJsonAsync("/chat/messages", new { @as = Contact("pt"), text = "help" });
        Assert.Equal("O que você pode fazer aqui", TitleOf((await helped.Content.ReadFromJsonAsync<JsonElement>())[1]));
        var helpedInTheirOwn = await chat.PostAsJsonAsync("/chat/messages", new { @as = Contact("own"), text = "help" });
        Assert.Equal("Ce puteți face aici", TitleOf((await helpedInTheirOwn.Content.ReadFromJsonAsync<JsonElement>())[1]));
    }

    /// <summary>A locale as JSON, and how the answer names it (a long one cut at 40 characters).</summary>
    public static TheoryData<string, string> BadLocales => new()
    {
        { "42", "\"context.locale\" 42 is not a language tag" },
        { """{"language":"de"}""", "\"context.locale\" {\"language\":\"de\"} is not a language tag" },
        { "\"deutsch bitte!\"", "\"context.locale\" \"deutsch bitte!\" is not a language tag" },
        // Shaped like a tag, but longer than any a sender means.
        { "\"de-AT-abcdefgh-abcdefgh-abcdefgh-abcdefgh\"", "\"context.locale\" \"de-AT-abcdefgh-abcdefgh-abcdefgh-abcdef… is not a language tag" },
    };

    [Theory]
    [MemberData(nameof(BadLocales))]
    public async Task A_locale_that_is_no_language_tag_is_named_and_passed_over_and_the_identify_counts_all_the_same(string locale, string named)
    {
        var account = AccountOf("de");
        using var segment = host.Segment();
        await Post(segment, Identify("u-" + _id, new JsonObject { ["email"] = Contact("de") }, new JsonObject { ["locale"] = "de" }));
        var visitor = "anon-" + _id;
        await segment.PostAsync("/v1/group", AsJson(Group("u-" + _id, account.Id, account.Name)));
        await segment.PostAsync("/v1/track", AsJson(new JsonObject { ["anonymousId"] = visitor, ["event"] = "Signup Started", ["messageId"] = Guid.NewGuid().ToString() }));
        var bad = Identify("u-" + _id, new JsonObject { ["email"] = Contact("de") }, new JsonObject { ["locale"] = JsonNode.Parse(locale) });
        bad["anonymousId"] = visitor;

        var body = await Post(segment, bad);

        Assert.True(body.GetProperty("success").GetBoolean());
        var ignored = body.GetProperty("ignored").EnumerateArray().Single();
        Assert.StartsWith(named, ignored.GetProperty("error").GetString());
        Assert.EndsWith("such as \"de\" or \"pt-BR\" (at most 35 characters), and was not read", ignored.GetProperty("error").GetString());
        Assert.Equal(bad["messageId"]!.GetValue<string>(), ignored.GetProperty("messageId").GetString());
        Assert.Empty(body.GetProperty("rejected").EnumerateArray());
        // The call's visitor link counts: the visitor's event is the account's now.
        Assert.Equal(["Signup Started"], host.UsageToday(account.Id)!.Value.Features);
        Assert.Equal(German, TitleOf((await Surveys(account))[Contact("de")]));
    }
}
