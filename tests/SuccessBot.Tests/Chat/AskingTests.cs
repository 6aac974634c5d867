using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Chat;

/// <summary>Questions as people ask them, answered as each role may see them: breakdowns, filters, periods with no data, refusals.</summary>
public class AskingTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private const string Manager = "boss@example.com", Ana = "ana@example.com", Ben = "ben@example.com", Contact = "ops@acme-capital.example";

    /// <summary>
    /// Ana: 4 Enterprise accounts (Growth plan), 1 cancelled in October. Ben: 6 SMB accounts (Starter plan), 2 cancelled in October.
    /// All started on 2025-01-01, so there is no data before then.
    /// </summary>
    private static Conversation Chat()
    {
        var accounts = new List<Account>();
        for (var i = 0; i < 4; i++)
        {
            var a = An.Account($"Enterprise Customer {i}").OwnedBy(Ana).StartedOn(2025, 1, 1).Paying(1000).RenewsOn(2026, 12, 1 + i);
            accounts.Add((i == 0 ? a.CanceledOn(2026, 10, 10, "price") : a).Build() with { Segment = "Enterprise", Plan = "Growth" });
        }
        for (var i = 0; i < 6; i++)
        {
            var a = An.Account($"Small Customer {i}").OwnedBy(Ben).StartedOn(2025, 1, 1).Paying(100).RenewsOn(2026, 12, 10 + i);
            accounts.Add((i < 2 ? a.CanceledOn(2026, 10, 20 + i, "budget cuts") : a).Build() with { Segment = "SMB", Plan = "Starter" });
        }
        accounts.Add(An.Account("Acme Capital").OwnedBy(Ana).StartedOn(2025, 1, 1).WithContacts(Contact).Build() with { Segment = "Mid-Market", Plan = "Growth" });
        accounts.Add(An.Account("Acme Robotics").OwnedBy(Ben).StartedOn(2025, 1, 1).Build() with { Segment = "Mid-Market", Plan = "Growth" });
        return new Conversation(new BookBuilder().With(accounts).Build(), Today);
    }

    [Fact]
    public void A_manager_gets_churn_by_segment_one_line_each()
    {
        var reply = Chat().As(Manager).Send("churn last month by segment");

        Assert.Contains("· by segment", reply.Title);
        var lines = reply.Sections.Single(s => s.Heading == "By segment").Lines;
        Assert.Equal(
        [
            "Enterprise: 25.0% logo churn (1 of 4), $1,000 of $4,000 MRR",
            "Mid-Market: 0.0% logo churn (0 of 2), $0 of $200 MRR",
            "SMB: 33.3% logo churn (2 of 6), $200 of $600 MRR",
        ], lines);
    }

    [Fact]
    public void For_a_segment_counts_only_its_accounts_and_says_so_in_the_title()
    {
        var reply = Chat().As(Manager).Send("what was churn for smb in october?");

        Assert.Contains("Churn · October 2026", reply.Title);
        Assert.Contains("· for SMB", reply.Title);
        Assert.StartsWith("33.3% logo churn: 2 of 6 accounts", reply.Summary);
    }

    [Fact]
    public void A_segment_named_without_for_counts_too_and_other_words_are_not_understood()
    {
        var smb = Chat().As(Manager).Send("SMB churn last month");
        var midMarket = Chat().As(Manager).Send("churn for mid market");
        var blah = Chat().As(Manager).Send("churn blah");

        Assert.Contains("· for SMB", smb.Title);
        Assert.StartsWith("33.3% logo churn: 2 of 6", smb.Summary);
        Assert.Contains("· for Mid-Market", midMarket.Title);
        Assert.Equal("Not understood", blah.Title);
        Assert.Equal("I didn't understand \"blah\": no segment, plan or owner is called so.", blah.Summary);
        Assert.Contains("`nps last quarter by segment`", blah.Note);
    }

    [Fact]
    public void A_plan_filter_reads_the_plan_name_in_any_case()
    {
        var reply = Chat().As(Manager).Send("churn last month for starter");

        Assert.Contains("for the Starter plan", reply.Title);
        Assert.StartsWith("33.3% logo churn: 2 of 6", reply.Summary);
    }

    [Fact]
    public void A_manager_gets_figures_by_owner_and_for_one_owner()
    {
        var byOwner = Chat().As(Manager).Send("churn last month by owner");
        var forAna = Chat().As(Manager).Send("churn last month for ana@example.com");

        Assert.Equal(["ana@example.com: 20.0% logo churn (1 of 5), $1,000 of $4,100 MRR", "ben@example.com: 28.6% logo churn (2 of 7), $200 of $700 MRR"],
            byOwner.Sections.Single(s => s.Heading == "By owner").Lines);
        Assert.StartsWith("20.0% logo churn: 1 of 5", forAna.Summary);
    }

    [Fact]
    public void A_csm_asking_by_owner_or_for_someone_else_gets_a_clear_refusal()
    {
        var byOwner = Chat().As(Ben).Send("churn by owner");
        var forAna = Chat().As(Ben).Send("churn for ana@example.com");
        var forSelf = Chat().As(Ben).Send("churn last month for ben@example.com");

        Assert.True(byOwner.IsRefusal);
        Assert.Equal("By owner is for managers", byOwner.Title);
        Assert.True(forAna.IsRefusal);
        Assert.Contains("for a manager", forAna.Summary);
        Assert.StartsWith("28.6% logo churn: 2 of 7", forSelf.Summary);
    }

    [Fact]
    public void An_unknown_segment_lists_the_segments_and_plans_there_are()
    {
        var reply = Chat().As(Manager).Send("churn for government");

        Assert.True(reply.IsRefusal);
        Assert.Contains("No segment, plan or owner is called \"government\"", reply.Summary);
        Assert.Contains("Segments: Enterprise, Mid-Market, SMB. Plans: Growth, Starter.", reply.Note);
    }

    [Fact]
    public void Renewals_at_risk_retention_and_nps_split_too()
    {
        var chat = Chat().As(Manager);

        Assert.Equal(["Enterprise: 3 accounts, $3,000 MRR, 3 in poor health", "SMB: 4 accounts, $400 MRR, 4 in poor health"],
            chat.Send("renewals in december by segment").Sections.Single(s => s.Heading == "By segment").Lines);
        Assert.Contains("for Enterprise", chat.Send("at risk for enterprise").Title);
        Assert.StartsWith("3 of 3 active accounts are at risk", chat.Send("at risk for enterprise").Summary);
        Assert.Contains("SMB: 66.7% logo retention (4 of 6)", string.Join('\n', chat.Send("retention this year by segment").Sections.Single(s => s.Heading == "By segment").Lines));
    }

    [Fact]
    public void A_period_before_any_data_says_there_is_no_data_then()
    {
        var reply = Chat().As(Manager).Send("churn 2020");
        var retention = Chat().As(Manager).Send("retention in 2024");

        Assert.Equal("No data for 2020: the first account started on 1 Jan 2025.", reply.Summary);
        Assert.DoesNotContain("0 of 0", PlainText.Render(reply));
        Assert.Contains("No data for 2024", retention.Summary);
    }

    [Fact]
    public void A_period_in_the_future_for_a_look_back_figure_says_it_has_not_started()
    {
        var reply = Chat().As(Manager).Send("churn in 2030");

        Assert.True(reply.IsRefusal);
        Assert.Equal("2030 has not started yet; `churn` looks back.", reply.Summary);
    }

    [Fact]
    public void The_annualised_rate_of_a_short_period_is_not_shown_and_a_long_one_says_its_formula()
    {
        var twoDays = Chat().As(Manager).Send("churn between 2026-10-20 and 2026-10-21");
        var fiftyDays = Chat().As(Manager).Send("churn between 2026-10-01 and 2026-11-19");

        Assert.Equal("not shown for a period under a month (2 days)", Annualised(twoDays));
        // 3 of 12 over 50 days: 1 - (1 - 0.25)^(365.25 / 50).
        Assert.Equal($"{Format.Percent(1 - Math.Pow(0.75, 365.25 / 50))} = 1 - (1 - 25.0%)^(365.25 / 50 days)", Annualised(fiftyDays));
    }

    [Fact]
    public void Whole_calendar_months_are_annualised_by_their_number()
    {
        var quarter = Chat().As(Manager).Send("churn last 3 months for smb");
        var october = Chat().As(Manager).Send("churn october for enterprise");

        // Three whole months: the exponent is 12 / 3, not 365.25 / 92 days (which would read 80.0%).
        Assert.Equal($"{Format.Percent(1 - Math.Pow(4.0 / 6, 4))} = 1 - (1 - 33.3%)^(12 / 3 months)", Annualised(quarter));
        Assert.Equal($"{Format.Percent(1 - Math.Pow(0.75, 12))} = 1 - (1 - 25.0%)^12", Annualised(october));
    }

    private static string Annualised(Reply reply) => reply.Facts.Single(f => f.Label == "Annualised").Value;

    [Fact]
    public void Health_finds_the_one_account_whose_words_start_so_and_offers_near_misses()
    {
        var chat = Chat().As(Manager);

        Assert.Equal("Health · Acme Capital", chat.Send("health acme c").Title);
        Assert.Equal("Health · Acme Capital", chat.Send("how is Acme Capital doing?").Title);
        Assert.Equal("Health · Acme Robotics", chat.Send("health robotics").Title);
        var miss = chat.Send("health acme capitol");
        Assert.True(miss.IsRefusal);
        Assert.Contains("Did you mean `Acme Capital`", miss.Summary);
    }

    [Theory]
    [InlineData("2026-11-25")]
    [InlineData("2026-12-02")]
    [InlineData("2027-03-14")]
    public void The_readmes_health_acme_c_finds_the_demos_one_acme_c_account_on_any_day(string day)
    {
        var today = DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture);
        var demo = SuccessBot.Demo.DemoGenerator.Generate(42, today);
        var book = new BookOfBusiness(demo.Accounts, demo.MrrChanges, demo.Usage, demo.Nps);

        var reply = new Conversation(book, today, new TeamSettings { Texts = SuccessBot.Settings.Texts, Managers = [SuccessBot.Demo.DemoGenerator.Manager] }).As(SuccessBot.Demo.DemoGenerator.Manager).Send("health acme c");

        Assert.Equal("Health · Acme Capital", reply.Title);
    }

    [Fact]
    public void A_customer_contact_gets_only_customer_help_and_customer_examples()
    {
        var help = PlainText.Render(Chat().As(Contact).Send("help"));
        var puzzled = Chat().As(Contact).Send("stpo");

        Assert.Contains("`stop`", help);
        Assert.DoesNotContain("churn", help);
        Assert.DoesNotContain("renewals", help);
        Assert.Contains("Did you mean `stop`?", puzzled.Note);
        Assert.DoesNotContain("churn", puzzled.Note);
    }

    [Fact]
    public void A_customer_typing_a_team_command_wrong_is_not_offered_it()
    {
        var reply = Chat().As(Contact).Send("churny");

        Assert.DoesNotContain("Did you mean", reply.Note);
        Assert.Contains("`stop`", reply.Note);
    }

    [Fact]
    public void A_csm_help_leaves_out_what_only_managers_can_ask()
    {
        var csm = PlainText.Render(Chat().As(Ana).Send("help"));
        var manager = PlainText.Render(Chat().As(Manager).Send("help"));

        Assert.DoesNotContain("by owner", csm);
        Assert.Contains("by owner", manager);
        Assert.Contains("`since january`", manager);
    }
}

/// <summary>Figures whose comparison or window used to read wrong: NPS against the previous calendar quarter, time to value beyond the usage history.</summary>
public class FiguresThatReadRightTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    [Fact]
    public void Nps_this_quarter_compares_with_the_whole_previous_calendar_quarter()
    {
        var a = An.Account("Acme Capital").StartedOn(2025, 1, 1).Build();
        // Q4 so far: one promoter (+100). Q3 2026: a detractor in July (outside the 56 days before 1 Oct) and a promoter in September (0).
        var book = new BookBuilder().With(a).Answered(a, 10, 2026, 10, 15).Answered(a, 2, 2026, 7, 10).Answered(a, 9, 2026, 9, 10).Build();

        var change = new Conversation(book, Today).As(null).Send("nps this quarter").Facts.Single(f => f.Label == "Change").Value;

        Assert.Equal("+100.0 points against Q3 2026 (NPS 0, 2 answers)", change);
    }

    [Fact]
    public void Nps_before_the_first_answer_says_there_is_no_data_then()
    {
        var a = An.Account("Acme Capital").StartedOn(2025, 1, 1).Build();
        var book = new BookBuilder().With(a).Answered(a, 10, 2026, 10, 15).Build();

        var reply = new Conversation(book, Today).As(null).Send("nps in 2025");

        Assert.Equal("No data for 2025: the first NPS answer came on 15 Oct 2026.", reply.Summary);
    }

    [Fact]
    public void Time_to_value_over_a_window_longer_than_the_usage_history_says_so()
    {
        // Usage is recorded from 1 Sep 2026. An account started in January shows its first use in September: not a real 240-day time to value.
        var old = An.Account("Started In January").StartedOn(2026, 1, 10).Build();
        var recent = An.Account("Started In September").StartedOn(2026, 9, 5).Build();
        var book = new BookBuilder().With(old, recent)
            .Used(old, new DateOnly(2026, 9, 1), 5, "reports")
            .Used(recent, new DateOnly(2026, 9, 8), 5, "reports")
            .Build();

        var reply = new Conversation(book, Today).As(null).Send("ttv last 12 months");

        Assert.StartsWith("Median 3 days", reply.Summary);
        Assert.Equal("Usage history begins on 1 Sep 2026, so the 1 account started before it is left out: its first use can't be seen.", reply.Note);
    }

    [Fact]
    public void Time_to_value_wholly_before_the_usage_history_is_refused_with_where_it_begins()
    {
        var a = An.Account().StartedOn(2026, 1, 10).Build();
        var book = new BookBuilder().With(a).Used(a, new DateOnly(2026, 9, 1), 5, "reports").Build();

        var reply = new Conversation(book, Today).As(null).Send("ttv in 2025");

        Assert.True(reply.IsRefusal);
        Assert.Contains("Usage history begins on 1 Sep 2026", reply.Summary);
    }
}
