using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Chat;

/// <summary>The bot as people talk to it: who asks changes what they see.</summary>
public class ConversationTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private const string Manager = "boss@example.com", Ana = "ana@example.com", Ben = "ben@example.com";

    private static Conversation Chat()
    {
        var accounts = new List<Account>();
        // Ana: 10 accounts, 2 cancelled in October. Ben: 10 accounts, none cancelled.
        for (var i = 0; i < 10; i++)
        {
            var a = An.Account($"Ana Customer {i}").OwnedBy(Ana).StartedOn(2025, 1, 1).Paying(200).WithContacts($"ops{i}@ana-customer.example");
            accounts.Add(i < 2 ? a.CanceledOn(2026, 10, 5 + i, "price").Build() : a.Build());
            accounts.Add(An.Account($"Ben Customer {i}").OwnedBy(Ben).StartedOn(2025, 1, 1).Paying(100).RenewsOn(2026, 12, 1 + i).Build());
        }
        accounts.Add(An.Account("Acme Analytics").OwnedBy(Ana).StartedOn(2025, 1, 1).RenewsOn(2026, 12, 10));
        accounts.Add(An.Account("Acme Logistics").OwnedBy(Ben).StartedOn(2025, 1, 1));
        return new Conversation(new BookBuilder().With(accounts).Build(), Today);
    }

    [Fact]
    public void A_manager_gets_team_wide_churn_with_the_counts_behind_it()
    {
        var answer = Chat().As(Manager).SendText("churn last month");

        Assert.Contains("Churn · October 2026", answer);
        Assert.Contains("all accounts", answer);
        Assert.Contains("9.1% logo churn: 2 of 22 accounts active on 1 Oct 2026 cancelled", answer);
        Assert.Contains("$400 of $3,200", answer);
        Assert.Contains("1. price: 2", answer);
        Assert.Contains("Ana Customer 0", answer);
        // 2 of 22 in one calendar month: annualised over 12 months exactly as the label says.
        Assert.Contains(new Fact("Annualised", $"{Format.Percent(1 - Math.Pow(1 - 2.0 / 22, 12))} = 1 - (1 - 9.1%)^12"), Chat().As(Manager).Send("churn last month").Facts);
    }

    [Fact]
    public void A_csm_sees_figures_for_their_own_accounts_only()
    {
        var ana = Chat().As(Ana).SendText("churn last month");
        var ben = Chat().As(Ben).SendText("churn last month");

        Assert.Contains("your accounts", ana);
        Assert.Contains("18.2% logo churn: 2 of 11 accounts", ana);
        Assert.Contains("0.0% logo churn: 0 of 11 accounts", ben);
        Assert.DoesNotContain("Ana Customer", ben);
    }

    [Fact]
    public void A_period_without_churn_says_zero_percent() =>
        Assert.Contains("0.0% logo churn: 0 of 22", Chat().As(Manager).SendText("churn 2026-09"));

    [Fact]
    public void Renewals_list_the_accounts_with_mrr_owner_and_health()
    {
        var answer = Chat().As(Manager).SendText("renewals next 30 days");

        Assert.Contains("11 accounts renew, $1,100 MRR", answer);
        Assert.Contains("2026-12-01 Ben Customer 0: $100 MRR, owner ben@example.com, health poor", answer);
    }

    [Fact]
    public void Health_finds_an_account_by_a_unique_prefix_in_any_case()
    {
        var answer = Chat().As(Manager).SendText("health acme a");

        Assert.Contains("Health · Acme Analytics", answer);
        Assert.Contains("Renewal:", answer);
        Assert.Contains("recency", answer);
    }

    [Fact]
    public void An_ambiguous_name_lists_the_candidates()
    {
        var reply = Chat().As(Manager).Send("health acme");

        Assert.True(reply.IsRefusal);
        Assert.Contains("matches 2 accounts", reply.Summary);
        Assert.Equal(["Acme Analytics (acc-", "Acme Logistics (acc-"], reply.Sections[0].Lines.Select(l => l[..20]));
    }

    [Fact]
    public void A_csm_cannot_see_the_health_of_someone_elses_account()
    {
        var reply = Chat().As(Ana).Send("health Acme Logistics");

        Assert.True(reply.IsRefusal);
        Assert.Contains("No account of yours matches", reply.Summary);
    }

    [Fact]
    public void Someone_the_bot_does_not_know_gets_no_figures()
    {
        var reply = Chat().As("stranger@elsewhere.example").Send("churn last month");

        Assert.True(reply.IsRefusal);
        Assert.Contains("don't know stranger@elsewhere.example", reply.Summary);
        Assert.Empty(reply.Facts);
    }

    [Fact]
    public void A_customer_contact_never_sees_team_figures()
    {
        var reply = Chat().As("ops3@ana-customer.example").Send("nps this quarter");

        Assert.True(reply.IsRefusal);
        Assert.DoesNotContain("NPS", reply.Title);
    }

    [Fact]
    public void Anything_not_understood_gets_the_nearest_command_and_examples_for_the_role()
    {
        var manager = Chat().As(Manager).Send("how are we doing?");
        var csm = Chat().As(Ana).Send("renewls next month");

        Assert.True(manager.IsRefusal);
        Assert.Contains("didn't understand", manager.Summary);
        Assert.Contains("`nps last quarter by segment`", manager.Note);
        Assert.Contains("Did you mean `renewals next 30 days`?", csm.Note);
        Assert.Contains("(your accounts)", csm.Note);
        Assert.DoesNotContain("by owner", csm.Note);
        Assert.NotEqual(manager.Note, csm.Note);
    }

    [Fact]
    public void Help_lists_every_command_with_an_example()
    {
        var answer = Chat().As(Manager).SendText("help");

        foreach (var example in new[] { "churn last month", "retention", "nps this quarter", "health ACME", "renewals next 30 days", "at-risk", "clv", "adoption", "ttv" })
            Assert.Contains(example, answer);
    }

    [Fact]
    public void The_administrator_at_the_command_line_sees_everything() =>
        Assert.Contains("2 of 22", Chat().As(null).SendText("churn last month"));
}
