using Microsoft.Extensions.Time.Testing;
using SuccessBot.Cli;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Nudges;
using SuccessBot.Storage.Postgres;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Nudges;

namespace SuccessBot.Tests.Storage;

/// <summary>Two hosts delivering from one PostgreSQL ledger: each pending card is taken by one of them, and one a host died holding is sent by the other.</summary>
public sealed class PostgresDeliveryTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly List<PostgresStore> _hosts = [];

    public void Dispose()
    {
        foreach (var host in _hosts) host.Dispose();
    }

    private PostgresStore[] Hosts(int count)
    {
        var database = PostgresServer.Require().CreateDatabase();
        var hosts = Enumerable.Range(0, count).Select(_ => new PostgresStore(database)).ToArray();
        _hosts.AddRange(hosts);
        return hosts;
    }

    private static NudgeRecord Pending(int i) => new()
    {
        Key = $"renewal|a{i}|2026-11-25", Rule = NudgeRules.Renewal, AccountId = $"a{i}", Recipient = $"csm{i % 3}@example.com",
        Card = new Reply($"Account {i} renews soon"), CreatedAt = Now.AddMinutes(-i), NextAttemptAt = Now.AddMinutes(-1),
    };

    [SkippableFact]
    public void A_due_card_taken_by_one_host_is_not_given_to_another_until_written_or_its_lease_runs_out()
    {
        var (a, b, c) = Hosts(3) switch { var h => (h[0], h[1], h[2]) };
        a.Ledger.Record(Enumerable.Range(1, 20).Select(Pending).ToArray(), [], [], []);

        var taken = new[] { a, b }.AsParallel().Select(h => h.Ledger.DueForDelivery(Now).Select(n => n.Key).ToArray()).ToArray();

        Assert.Empty(taken[0].Intersect(taken[1]));
        Assert.Equal(20, taken[0].Length + taken[1].Length);
        Assert.Empty(c.Ledger.DueForDelivery(Now.AddMinutes(1)));
        // The taking host failed one and set its retry: the write ends the lease, so any host may take it at the retry.
        var failed = a.Ledger.Find(taken.First(t => t.Length > 0)[0])! with { Attempts = 1, NextAttemptAt = Now.AddSeconds(30), LastError = "HTTP 429" };
        a.Ledger.Update(failed);
        Assert.Equal([failed.Key], c.Ledger.DueForDelivery(Now.AddSeconds(31)).Select(n => n.Key));
        // The hosts that took the rest were killed before they sent: their leases run out and another host takes them all.
        var late = Now + PostgresNudgeLedger.DeliveryLease + TimeSpan.FromSeconds(1);
        Assert.Equal(19, c.Ledger.DueForDelivery(late).Count);
    }

    [SkippableFact]
    public async Task Two_hosts_delivering_the_same_check_at_once_send_each_card_once()
    {
        var hosts = Hosts(2);
        var clock = new FakeTimeProvider(Now);
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        var accounts = Enumerable.Range(1, 24).Select(i => (Account)An.Account($"Renewing {i}").Id($"r{i}").OwnedBy($"csm{i % 4}@example.com")
            .RenewsOn(2026, 12, 1 + i % 20).StartedOn(2025, 12, 1)).ToArray();
        hosts[0].Book.UpsertAccounts(accounts, today);
        hosts[0].Book.UpsertUsage(accounts.SelectMany(a => Enumerable.Range(-60, 61).Select(d => new UsageDay(a.Id, today.AddDays(d), 5, 10, 100, ["reports", "dashboards", "integrations"]))).ToArray());
        var options = new CheckOptions { GoodHealthRenewalDays = 90, QuietHours = QuietHours.Never, MaxNudgesPerDay = 100 };
        var team = new TeamSettings { Texts = SuccessBot.Settings.Texts, Managers = ["boss@example.com"] };
        var book = new StaticBookSource(hosts[0].Book.LoadBookAndVersion().Book);
        var channels = hosts.Select(_ => new RecordingChannel("slack")).ToArray();
        var services = hosts.Select((h, i) => new NudgeService(book, h.Ledger, h.Activity, h.Surveys, team, options, clock, [channels[i]])).ToArray();
        var recorded = services[0].Check(CheckKind.Renewals).Recorded;
        Assert.True(recorded >= 24, $"{recorded} cards recorded");

        var delivered = await Task.WhenAll(services.Select(s => Task.Run(() => s.DeliverDueAsync(CancellationToken.None))));

        var sent = channels.SelectMany(c => c.Sent).Select(s => (s.To, s.Card.Title)).ToArray();
        Assert.Equal(sent.Length, sent.Distinct().Count());
        Assert.Equal(recorded, delivered.Sum());
        Assert.Equal(recorded, sent.Length);
        Assert.Empty(hosts[1].Ledger.DueForDelivery(Now.AddHours(1)));
    }
}
