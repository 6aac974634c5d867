using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SuccessBot.Core.Chat;
using static SuccessBot.Tests.Ingest.SegmentPayloads;

namespace SuccessBot.Tests.Ingest;

public class IngestTests(IngestFactory host) : IClassFixture<IngestFactory>
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task A_grouped_users_track_calls_become_the_accounts_usage_today_and_health_shows_it()
    {
        using var segment = host.Segment();
        var account = NewId("acct");
        var (ann, bob) = (NewId("user"), NewId("user"));

        var grouped = await segment.PostAsync("/v1/group", AsJson(Group(ann, account, "Lumen Works")));
        await segment.PostAsync("/v1/group", AsJson(Group(bob, account, "Lumen Works")));
        var tracked = await segment.PostAsync("/v1/track", AsJson(Track(ann, "Report Created", properties: new JsonObject { ["minutes"] = 12.5 })));
        await segment.PostAsync("/v1/track", AsJson(Track(bob, "Dashboard Viewed", properties: new JsonObject { ["minutes"] = 3 })));

        Assert.Equal(HttpStatusCode.OK, grouped.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tracked.StatusCode);
        Assert.True((await BodyOf(tracked)).GetProperty("success").GetBoolean());
        var created = host.Book.Find(account)!;
        Assert.Equal(("Lumen Works", "growth", 1200m, "olivia.owner@example.com"), (created.Name, created.Plan, created.Mrr, created.OwnerEmail));
        var today = host.UsageToday(account)!.Value;
        Assert.Equal(2, today.ActiveUsers);
        Assert.Equal(2, today.Sessions);
        Assert.Equal(16, today.Minutes);
        Assert.Equal(["Dashboard Viewed", "reports"], today.Features);
        Assert.Equal(2, host.Rollup.EventsOn(account, IngestFactory.Today));
        var health = PlainText.Render(host.Services.GetRequiredService<ChatBot>().Answer(new IncomingMessage("health Lumen Works", null)));
        Assert.Contains("active today", health);
    }

    [Fact]
    public async Task The_same_messageId_twice_counts_once()
    {
        using var segment = host.Segment();
        var (account, user) = (NewId("acct"), NewId("user"));
        await segment.PostAsync("/v1/group", AsJson(Group(user, account, "Retry Labs")));
        var track = Track(user, "Export Run", messageId: NewId("msg"));

        var first = await segment.PostAsync("/v1/track", AsJson(track));
        var retry = await segment.PostAsync("/v1/batch", AsJson(Batch(track.DeepClone().AsObject(), track.DeepClone().AsObject())));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(1, host.Rollup.EventsOn(account, IngestFactory.Today));
        Assert.Equal(1, host.UsageToday(account)!.Value.Sessions);
    }

    [Fact]
    public async Task Events_of_a_user_nobody_grouped_yet_are_kept_aside_and_count_once_the_user_is_grouped()
    {
        using var segment = host.Segment();
        var (account, user) = (NewId("acct"), NewId("user"));
        var early = Track(user, "Report Created");

        await segment.PostAsync("/v1/track", AsJson(early));
        Assert.True(host.Rollup.Holds(early["messageId"]!.GetValue<string>()));
        await segment.PostAsync("/v1/group", AsJson(Group(user, account, "Late Group Inc")));
        await segment.PostAsync("/v1/track", AsJson(early.DeepClone()));

        Assert.Equal(1, host.Rollup.EventsOn(account, IngestFactory.Today));
        Assert.Equal(["reports"], host.UsageToday(account)!.Value.Features);
    }

    [Fact]
    public async Task A_visitors_anonymous_events_count_for_the_account_once_identify_says_who_they_became()
    {
        using var segment = host.Segment();
        var (account, user, visitor) = (NewId("acct"), NewId("user"), NewId("anon"));
        await segment.PostAsync("/v1/group", AsJson(Group(user, account, "Visitor Co")));
        var anonymous = new JsonObject { ["anonymousId"] = visitor, ["event"] = "Signup Started", ["messageId"] = NewId("msg") };

        var tracked = await segment.PostAsync("/v1/track", AsJson(anonymous));
        var identified = await segment.PostAsync("/v1/identify", AsJson(new JsonObject
        {
            ["userId"] = user, ["anonymousId"] = visitor, ["traits"] = new JsonObject { ["email"] = "ann@visitor.example", ["name"] = "Ann" },
        }));

        Assert.Equal(HttpStatusCode.OK, tracked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, identified.StatusCode);
        var today = host.UsageToday(account)!.Value;
        Assert.Equal(1, today.ActiveUsers);
        Assert.Equal(["Signup Started"], today.Features);
    }

    [Fact]
    public async Task Track_with_context_groupId_counts_for_that_account_without_a_group_call()
    {
        using var segment = host.Segment();
        var account = host.Book.Accounts[0].Id;
        var before = host.UsageToday(account);
        var track = Track(NewId("user"), "Invoice Sent");
        track["context"] = new JsonObject { ["groupId"] = account };

        var response = await segment.PostAsync("/v1/track", AsJson(track));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = host.UsageToday(account)!.Value;
        Assert.Equal((before?.ActiveUsers ?? 0) + 1, after.ActiveUsers);
        Assert.Contains("Invoice Sent", after.Features);
    }

    [Fact]
    public async Task A_gzip_batch_is_read()
    {
        using var segment = host.Segment();
        var (account, user) = (NewId("acct"), NewId("user"));

        var response = await segment.PostAsync("/v1/batch", Gzip(Batch(Group(user, account, "Zipped Ltd"), Track(user, "Report Created"), Track(user, "Report Created"))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, host.Rollup.EventsOn(account, IngestFactory.Today));
    }

    [Fact]
    public async Task In_a_batch_the_good_events_are_kept_and_the_response_says_which_were_rejected_and_why()
    {
        using var segment = host.Segment();
        var (account, user) = (NewId("acct"), NewId("user"));
        var noEvent = Track(user, "x");
        noEvent.Remove("event");
        var huge = Track(user, "Big", properties: new JsonObject { ["blob"] = new string('x', 33 * 1024) });

        var response = await segment.PostAsync("/v1/batch", AsJson(Batch(Group(user, account, "Mixed Bag"), noEvent, Track(user, "Report Created"), huge)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await BodyOf(response);
        Assert.True(body.GetProperty("success").GetBoolean());
        var rejected = body.GetProperty("rejected").EnumerateArray().ToArray();
        Assert.Equal([1, 3], rejected.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Contains("\"event\"", rejected[0].GetProperty("error").GetString());
        Assert.Equal(noEvent["messageId"]!.GetValue<string>(), rejected[0].GetProperty("messageId").GetString());
        Assert.Contains("32 KB", rejected[1].GetProperty("error").GetString());
        Assert.Equal(1, host.Rollup.EventsOn(account, IngestFactory.Today));
        Assert.False(host.Rollup.Holds(huge["messageId"]!.GetValue<string>()));
    }

    public static TheoryData<string, string, string> BadCalls => new()
    {
        { "/v1/track", """{"messageId":"MSG","userId":"u1","properties":{}}""", "\"event\"" },
        { "/v1/track", """{"messageId":"MSG","event":"Report Created"}""", "\"userId\" or \"anonymousId\"" },
        { "/v1/identify", """{"messageId":"MSG","traits":{"email":"a@b.example"}}""", "\"userId\" or \"anonymousId\"" },
        { "/v1/group", """{"messageId":"MSG","userId":"u1","traits":{"name":"X"}}""", "\"groupId\"" },
        { "/v1/group", """{"messageId":"MSG","userId":"u1","groupId":"g1","traits":{"name":"X","owner_email":"not-an-email"}}""", "traits.owner_email" },
        { "/v1/group", """{"messageId":"MSG","userId":"u1","groupId":"g1","traits":{"mrr":-5}}""", "traits.mrr" },
        { "/v1/group", """{"messageId":"MSG","userId":"u1","groupId":"g1","traits":{"mrr":79228162514264337593543950335}}""", "\"traits.mrr\" 79228162514264337593543950335 is too large; MRR is a number from 0 to 1,000,000,000,000 (10^12)" },
        { "/v1/group", """{"messageId":"MSG","userId":"u1","groupId":"g1","traits":{"mrr":"1000000000000.5"}}""", "\"traits.mrr\" 1000000000000.5 is too large" },
        { "/v1/group", """{"messageId":"MSG","userId":"u1","groupId":"g1","traits":{"mrr":1e40}}""", "\"traits.mrr\" 1e40 is out of range; MRR is a number from 0 to" },
        { "/v1/group", """{"messageId":"MSG","userId":"u1","groupId":"g1","traits":{"name":"\u001b[2J\u0007Acme","owner_email":"a@b.example"}}""", "\"traits.name\" contains the control character U+001B" },
        { "/v1/group", """{"messageId":"MSG","userId":"u1","groupId":"g1","traits":{"plan":"Gold\nline"}}""", "\"traits.plan\" contains the control character U+000A" },
        { "/v1/track", """{"messageId":"MSG","userId":"u1","event":"E","timestamp":"yesterday at noon"}""", "ISO 8601" },
        { "/v1/track", """{"messageId":"MSG","userId":"u1","event":"E","timestamp":"2999-01-01T00:00:00Z"}""", "in the future" },
        { "/v1/track", """{"messageId":"MSG","userId":"u1","event":"E","timestamp":"2001-01-01T00:00:00Z"}""", "\"timestamp\" 2001-01-01T00:00:00Z is more than 456 days ago, before the usage SuccessBot keeps day by day (Storage:UsageHistoryDays)" },
        { "/v1/track", """{"messageId":"MSG","userId":"u1","event":"E","properties":{"minutes":"ten"}}""", "properties.minutes" },
        { "/v1/track", """{"messageId":"MSG","userId":"u1","event":"E","properties":{"minutes":1e308}}""", "from 0 to 1440" },
        { "/v1/track", """{"messageId":"MSG","userId":"u1","event":"E","timestamp":"01/02/2024"}""", "ISO 8601" },
        { "/v1/group", """{"messageId":"MSG","userId":"u1","groupId":"g1","traits":{"name":"X","owner_email":"a@b.example","createdAt":"01/02/2024"}}""", "traits.createdAt" },
        { "/v1/track", """{"messageId":"MSG","userId":"u1","event":"E",""", "not valid JSON" },
        { "/v1/track", """["messageId","MSG"]""", "JSON object" },
        { "/v1/batch", """{"events":[{"messageId":"MSG","type":"track","userId":"u1","event":"E"}]}""", "\"batch\"" },
        { "/v1/batch", """{"batch":[{"messageId":"MSG","type":"alias","userId":"u1"},{"userId":"u1","event":"E"}]}""", "None of the 2 events" },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public async Task A_bad_call_is_a_400_naming_the_problem_and_stores_nothing(string path, string body, string named)
    {
        using var segment = host.Segment();
        var messageId = NewId("msg");

        var response = await segment.PostAsync(path, new StringContent(body.Replace("MSG", messageId), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, (await BodyOf(response)).GetProperty("error").GetString());
        Assert.False(host.Rollup.Holds(messageId));
        Assert.Null(host.Book.Find("g1"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-key")]
    public async Task A_missing_or_wrong_write_key_is_a_401_and_stores_nothing(string? writeKey)
    {
        using var segment = writeKey is null ? host.CreateClient() : host.Segment(writeKey);
        var track = Track(NewId("user"), "Report Created");

        var response = await segment.PostAsync("/v1/track", AsJson(track));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("write key", (await BodyOf(response)).GetProperty("error").GetString());
        Assert.False(host.Rollup.Holds(track["messageId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_call_over_32_KB_or_a_batch_over_500_KB_is_a_413()
    {
        using var segment = host.Segment();
        var big = Track(NewId("user"), "Big", properties: new JsonObject { ["blob"] = new string('x', 33 * 1024) });
        var batch = Batch(Enumerable.Range(0, 20).Select(_ => Track(NewId("user"), "Big", properties: new JsonObject { ["blob"] = new string('x', 30 * 1024) })).ToArray());

        var single = await segment.PostAsync("/v1/track", AsJson(big));
        var batched = await segment.PostAsync("/v1/batch", Gzip(batch));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, single.StatusCode);
        Assert.Contains("32 KB", (await BodyOf(single)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, batched.StatusCode);
        Assert.Contains("500 KB", (await BodyOf(batched)).GetProperty("error").GetString());
        Assert.False(host.Rollup.Holds(big["messageId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_type_is_read_by_its_exact_name_only()
    {
        using var segment = host.Segment();
        var (user, account) = (NewId("user"), NewId("acct"));
        await segment.PostAsync("/v1/group", AsJson(Group(user, account, "Exact Co")));
        var flags = Track(user, "Report Created");
        flags["type"] = "track,identify";

        var response = await segment.PostAsync("/v1/batch", AsJson(Batch(Track(user, "Report Created"), flags)));

        var rejected = (await BodyOf(response)).GetProperty("rejected").EnumerateArray().Single();
        Assert.Equal(1, rejected.GetProperty("index").GetInt32());
        Assert.Contains("\"type\" \"track,identify\" is not one SuccessBot reads", rejected.GetProperty("error").GetString());
        Assert.Equal(1, host.Rollup.EventsOn(account, IngestFactory.Today));
    }

    [Fact]
    public async Task A_body_too_large_is_a_413_even_when_the_write_key_is_inside_it()
    {
        using var anonymous = host.CreateClient();
        var big = Track(NewId("user"), "Big", properties: new JsonObject { ["blob"] = new string('x', 33 * 1024) });
        big["writeKey"] = IngestFactory.WriteKey;

        var response = await anonymous.PostAsync("/v1/track", AsJson(big));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("32 KB", (await BodyOf(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_deflate_or_brotli_body_is_a_415_naming_gzip()
    {
        using var segment = host.Segment();
        foreach (var encoding in new[] { "deflate", "br" })
        {
            var content = new ByteArrayContent([1, 2, 3]);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            content.Headers.ContentEncoding.Add(encoding);

            var response = await segment.PostAsync("/v1/batch", content);

            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            Assert.Contains("send gzip or no encoding", (await BodyOf(response)).GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task A_corrupt_gzip_body_is_a_400()
    {
        using var segment = host.Segment();

        var response = await segment.PostAsync("/v1/batch", Encoded([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("gzip", (await BodyOf(response)).GetProperty("error").GetString());
    }
}
