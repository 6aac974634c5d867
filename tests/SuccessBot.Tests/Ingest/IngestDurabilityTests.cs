using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using SuccessBot.Core.Chat;
using SuccessBot.Demo;
using SuccessBot.Ingest;
using SuccessBot.Tests.Import;
using static SuccessBot.Tests.Ingest.SegmentPayloads;

namespace SuccessBot.Tests.Ingest;

/// <summary>What a sender and a user can count on across restarts and crashes, with the write key in the body, and with alias.</summary>
public class IngestDurabilityTests(IngestFactory host) : IClassFixture<IngestFactory>
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private static JsonObject Minutes(double minutes) => new() { ["minutes"] = minutes };

    /// <summary>A folder with a demo store of its own, for hosts that stop and start on it.</summary>
    private static TempFolder DemoFolder()
    {
        var folder = new TempFolder();
        DemoStore.Create(folder.Store, seed: 42, IngestFactory.Today);
        return folder;
    }

    [Fact]
    public async Task After_a_crash_the_events_answered_but_not_checkpointed_are_replayed_and_each_counts_once()
    {
        using var original = DemoFolder();
        var (account, user) = (NewId("acct"), NewId("user"));
        var late = Track(user, "Report Created", properties: Minutes(2));
        using (var checkpointing = IngestFactory.On(original.Store))
        using (var segment = checkpointing.Segment())
        {
            await segment.PostAsync("/v1/group", AsJson(Group(user, account, "Replay Co")));
            for (var i = 0; i < 3; i++) await segment.PostAsync("/v1/track", AsJson(Track(user, "Report Created", properties: Minutes(2))));
        }
        using var crashed = new TempFolder();
        // A host that checkpoints once an hour: what it answers from now on is in its event log only.
        using (var logging = IngestFactory.On(original.Store, publishSeconds: 3600))
        using (var segment = logging.Segment())
        {
            var answered = await segment.PostAsync("/v1/batch", AsJson(Batch(Track(user, "Export Run", properties: Minutes(2)), late)));
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            // The machine dies here: the files are as they are on disk, and a half-written line ends the log. The
            // scheduler's jobs are finished and stopped first, so the copy of the store is one moment's, as a crash leaves it.
            var scheduler = await logging.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            await scheduler.Shutdown(waitForJobsToComplete: true);
            TempFolder.Copy(Path.GetDirectoryName(original.Store)!, Path.GetDirectoryName(crashed.Store)!);
            var log = Directory.GetFiles(crashed.Store + ".ingest", "events-*").Order().Last();
            File.AppendAllText(log, "{\"messageId\":\"never-answ");
        }

        using (var restarted = IngestFactory.On(crashed.Store))
        using (var segment = restarted.Segment())
        {
            var today = restarted.UsageToday(account)!.Value;
            Assert.Equal(10, today.Minutes);
            Assert.Equal(["Export Run", "reports"], today.Features);
            // The sender never heard back about the last batch in time and sends it again: a retry, not new use.
            var retry = await segment.PostAsync("/v1/track", AsJson(late.DeepClone()));
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            Assert.Equal(10, restarted.UsageToday(account)!.Value.Minutes);
        }
        using var again = IngestFactory.On(crashed.Store);
        Assert.Equal(10, again.UsageToday(account)!.Value.Minutes);
        Assert.Equal(5, again.Rollup.EventsOn(account, IngestFactory.Today));
        var health = PlainText.Render(again.Services.GetRequiredService<ChatBot>().Answer(new IncomingMessage("health Replay Co", null)));
        Assert.Contains("active today", health);
    }

    [Fact]
    public async Task A_graceful_restart_keeps_every_count_once_and_still_knows_the_messageIds()
    {
        using var folder = DemoFolder();
        var (account, user) = (NewId("acct"), NewId("user"));
        var track = Track(user, "Report Created", properties: Minutes(4));
        using (var first = IngestFactory.On(folder.Store, publishSeconds: 3600))
        using (var segment = first.Segment())
        {
            await segment.PostAsync("/v1/batch", AsJson(Batch(Group(user, account, "Restart Ltd"), track)));
        }

        using var second = IngestFactory.On(folder.Store);
        using var client = second.Segment();
        await client.PostAsync("/v1/track", AsJson(track.DeepClone()));

        Assert.Equal(4, second.UsageToday(account)!.Value.Minutes);
        Assert.Equal(1, second.Rollup.EventsOn(account, IngestFactory.Today));
    }

    [Fact]
    public async Task When_the_log_cannot_be_written_the_sender_gets_a_503_and_its_retry_counts_once()
    {
        using var folder = DemoFolder();
        // A file where the log's folder belongs: the disk refuses the write.
        var ingest = folder.Store + ".ingest";
        File.WriteAllText(ingest, "in the way");
        using var bot = IngestFactory.On(folder.Store);
        using var segment = bot.Segment();
        var account = bot.Book.Accounts[0].Id;
        var before = bot.UsageToday(account)?.Minutes ?? 0;
        var track = Track(NewId("user"), "Report Created", properties: Minutes(9));
        track["context"] = new JsonObject { ["groupId"] = account };

        var refused = await segment.PostAsync("/v1/track", AsJson(track));
        File.Delete(ingest);
        var retried = await segment.PostAsync("/v1/track", AsJson(track.DeepClone()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.Contains("send them again", (await BodyOf(refused)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(before + 9, bot.UsageToday(account)!.Value.Minutes);
    }

    [Fact]
    public async Task The_write_key_may_come_in_the_body_instead_of_basic_auth()
    {
        using var client = host.CreateClient();
        var (account, user) = (NewId("acct"), NewId("user"));
        var group = Group(user, account, "Body Key Inc");
        group["writeKey"] = IngestFactory.WriteKey;
        var batch = Batch(Track(user, "Report Created", properties: Minutes(3)));
        batch["writeKey"] = IngestFactory.WriteKey;

        var grouped = await client.PostAsync("/v1/group", AsJson(group));
        var batched = await client.PostAsync("/v1/batch", AsJson(batch));

        Assert.Equal(HttpStatusCode.OK, grouped.StatusCode);
        Assert.Equal(HttpStatusCode.OK, batched.StatusCode);
        Assert.Equal(3, host.UsageToday(account)!.Value.Minutes);
    }

    [Fact]
    public async Task A_wrong_write_key_in_the_body_is_a_401_naming_it_and_stores_nothing()
    {
        using var client = host.CreateClient();
        using var segment = host.Segment();
        var track = Track(NewId("user"), "Report Created");
        track["writeKey"] = "not-the-key";

        var withoutHeader = await client.PostAsync("/v1/track", AsJson(track));
        var withHeader = await segment.PostAsync("/v1/track", AsJson(track));

        Assert.Equal(HttpStatusCode.Unauthorized, withoutHeader.StatusCode);
        Assert.Contains("\"writeKey\"", (await BodyOf(withoutHeader)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, withHeader.StatusCode);
        Assert.False(host.Rollup.Holds(track["messageId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Alias_makes_the_visitors_earlier_events_count_for_the_users_account()
    {
        using var segment = host.Segment();
        var (account, user, visitor) = (NewId("acct"), NewId("user"), NewId("anon"));
        await segment.PostAsync("/v1/group", AsJson(Group(user, account, "Alias Works")));
        var browsing = new JsonObject { ["type"] = "track", ["anonymousId"] = visitor, ["event"] = "Pricing Viewed", ["messageId"] = NewId("msg"), ["properties"] = Minutes(5) };
        await segment.PostAsync("/v1/batch", AsJson(Batch(browsing)));
        Assert.Null(host.UsageToday(account));

        var aliased = await segment.PostAsync("/v1/alias", AsJson(Alias(visitor, user)));

        Assert.Equal(HttpStatusCode.OK, aliased.StatusCode);
        var today = host.UsageToday(account)!.Value;
        Assert.Equal((1, 5), (today.ActiveUsers, today.Minutes));
        Assert.Equal(["Pricing Viewed"], today.Features);
    }

    [Fact]
    public async Task Alias_in_a_batch_ties_a_former_userId_to_the_new_users_account()
    {
        using var segment = host.Segment();
        var (account, user, former) = (NewId("acct"), NewId("user"), NewId("old"));
        await segment.PostAsync("/v1/track", AsJson(Track(former, "Report Created", properties: Minutes(7))));

        var response = await segment.PostAsync("/v1/batch", AsJson(Batch(Group(user, account, "Renamed Co"), Alias(former, user))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(7, host.UsageToday(account)!.Value.Minutes);
    }

    [Fact]
    public async Task Alias_before_the_user_is_grouped_counts_the_former_ids_events_once_the_group_call_comes()
    {
        using var segment = host.Segment();
        var (account, user, former) = (NewId("acct"), NewId("user"), NewId("old"));
        await segment.PostAsync("/v1/track", AsJson(Track(former, "Report Created", properties: Minutes(6))));
        await segment.PostAsync("/v1/alias", AsJson(Alias(former, user)));

        await segment.PostAsync("/v1/group", AsJson(Group(user, account, "Grouped Later")));
        await segment.PostAsync("/v1/track", AsJson(Track(former, "Report Created", properties: Minutes(1))));

        Assert.Equal(7, host.UsageToday(account)!.Value.Minutes);
    }

    [Fact]
    public async Task An_alias_without_previousId_is_a_400_naming_it()
    {
        using var segment = host.Segment();
        var alias = Alias("x", NewId("user"));
        alias.Remove("previousId");

        var response = await segment.PostAsync("/v1/alias", AsJson(alias));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"previousId\"", (await BodyOf(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Log_files_older_than_the_raw_window_are_deleted()
    {
        using var folder = DemoFolder();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var bot = IngestFactory.On(folder.Store, clock: clock);
        using var segment = bot.Segment();
        var account = bot.Book.Accounts[0].Id;
        var track = Track(NewId("user"), "Report Created");
        track["context"] = new JsonObject { ["groupId"] = account };
        var ingest = folder.Store + ".ingest";

        await segment.PostAsync("/v1/track", AsJson(track));
        var firstHour = Directory.GetFiles(ingest, "events-*").Select(f => Path.GetFileName(f)!).Single();
        clock.Advance(TimeSpan.FromDays(8));
        var later = Track(NewId("user"), "Report Created");
        later["context"] = new JsonObject { ["groupId"] = account };
        await segment.PostAsync("/v1/track", AsJson(later));

        var kept = Directory.GetFiles(ingest, "events-*").Select(f => Path.GetFileName(f)!).ToArray();
        Assert.DoesNotContain(firstHour, kept);
        Assert.Equal([$"events-{clock.GetUtcNow().UtcDateTime:yyyyMMdd-HH}.ndjson"], kept);
    }

    private static JsonObject TrackFor(string account)
    {
        var track = Track(NewId("user"), "Report Created");
        track["context"] = new JsonObject { ["groupId"] = account };
        return track;
    }

    [Fact]
    public async Task Each_store_replays_only_its_own_event_log_and_a_log_of_another_store_is_refused()
    {
        using var folder = DemoFolder();
        var other = Path.Combine(Path.GetDirectoryName(folder.Store)!, "other.db");
        DemoStore.Create(other, seed: 42, IngestFactory.Today);
        string account;
        using (var first = IngestFactory.On(folder.Store))
        using (var segment = first.Segment())
        {
            account = first.Book.Accounts[0].Id;
            Assert.Equal(HttpStatusCode.OK, (await segment.PostAsync("/v1/track", AsJson(TrackFor(account)))).StatusCode);
            Assert.Equal(1, first.Rollup.EventsOn(account, IngestFactory.Today));
        }
        Assert.True(File.Exists(Path.Combine(folder.Store + ".ingest", EventLogFolder.MarkFile)));

        // Served after it in the same folder, the other store replays its own log, not the first one's.
        using (var second = IngestFactory.On(other))
        {
            _ = second.Book;
            Assert.Equal(0, second.Rollup.EventsOn(account, IngestFactory.Today));
        }

        TempFolder.Copy(folder.Store + ".ingest", other + ".ingest");
        using var refused = IngestFactory.On(other);
        using var sender = refused.Segment();
        var response = await sender.PostAsync("/v1/track", AsJson(TrackFor(account)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("belongs to another store", (await BodyOf(response)).GetProperty("error").GetString());
        Assert.Equal(0, refused.Rollup.EventsOn(account, IngestFactory.Today));
    }

    [Fact]
    public async Task An_old_shared_ingest_folder_moves_to_the_store_only_when_it_is_marked_as_that_stores()
    {
        using var folder = DemoFolder();
        var own = folder.Store + ".ingest";
        var shared = Path.Combine(Path.GetDirectoryName(folder.Store)!, "ingest");
        using (var first = IngestFactory.On(folder.Store))
        using (var segment = first.Segment())
            await segment.PostAsync("/v1/track", AsJson(TrackFor(first.Book.Accounts[0].Id)));
        Directory.Move(own, shared);
        var mark = Path.Combine(shared, EventLogFolder.MarkFile);
        var id = File.ReadAllText(mark);
        File.Delete(mark);

        using (var unmarked = IngestFactory.On(folder.Store)) _ = unmarked.Book;

        Assert.False(Directory.Exists(own));
        Assert.NotEmpty(Directory.GetFiles(shared, "events-*"));

        File.WriteAllText(mark, id);
        using (var marked = IngestFactory.On(folder.Store)) _ = marked.Book;

        Assert.False(Directory.Exists(shared));
        Assert.NotEmpty(Directory.GetFiles(own, "events-*"));
    }
}
