using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Chat;

/// <summary>The trend answers as a person gets them: a chart with its numbers as text, over the accounts the asker may see.</summary>
public class TrendAnswersTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private const string Ana = "ana@example.com", Ben = "ben@example.com", Boss = "boss@example.com";

    /// <summary>Ana owns 2 accounts and loses 1 in October; Ben owns 8 and loses 2 then. Everyone started in 2025.</summary>
    private static Conversation Chat()
    {
        var accounts = new List<Account>
        {
            An.Account().OwnedBy(Ana).StartedOn(2025, 1, 1),
            An.Account().OwnedBy(Ana).StartedOn(2025, 1, 1).CanceledOn(2026, 10, 12, "price"),
        };
        accounts.AddRange(Enumerable.Range(0, 8).Select(i => i < 2
            ? (Account)An.Account().OwnedBy(Ben).StartedOn(2025, 1, 1).CanceledOn(2026, 10, 20 + i, "budget")
            : An.Account().OwnedBy(Ben).StartedOn(2025, 1, 1)));
        var book = new BookBuilder().With(accounts).Answered(accounts[0], 9, 2026, 8, 3).Answered(accounts[3], 4, 2026, 8, 4).Build();
        return new Conversation(book, Today);
    }

    [Fact]
    public void A_managers_churn_trend_draws_twelve_months_of_the_team_with_the_numbers_as_text()
    {
        var reply = Chat().As(Boss).Send("churn trend");

        var chart = Assert.Single(reply.Charts);
        Assert.Equal(12, chart.Labels.Count);
        Assert.Equal(0.3, chart.Series[0].Values[^1]!.Value, 10);
        Assert.Contains("all accounts", reply.Title);
        Assert.Contains("October 2026: logo churn 30.0% (3 of 10)", reply.Sections.Single(s => s.Heading == "Month by month").Lines.Last());
    }

    [Fact]
    public void A_csms_churn_trend_covers_their_own_accounts_as_every_figure_does()
    {
        var reply = Chat().As(Ana).Send("churn trend");

        Assert.Contains("your accounts", reply.Title);
        Assert.Equal(0.5, reply.Charts[0].Series[0].Values[^1]!.Value, 10);
        Assert.Contains("October 2026: logo churn 50.0% (1 of 2)", PlainText.Render(reply));
        Assert.DoesNotContain("(3 of 10)", PlainText.Render(reply));
    }

    [Fact]
    public void A_period_with_no_data_says_so_instead_of_drawing_an_empty_chart()
    {
        var chat = Chat().As(Boss);

        var before = chat.Send("churn trend 2020");
        var cohorts = chat.Send("retention trend 2026");
        var nps = chat.Send("nps trend last quarter");

        Assert.True(before.IsRefusal);
        Assert.Empty(before.Charts);
        Assert.Contains("No data for 2020", before.Summary);
        Assert.True(cohorts.IsRefusal);
        Assert.Empty(cohorts.Charts);
        Assert.Contains("No account started", cohorts.Summary);
        Assert.Empty(chat.Send("nps trend q2").Charts);
        Assert.Contains("No NPS answers", chat.Send("nps trend q2").Summary);
        Assert.NotEmpty(nps.Charts);
    }

    [Fact]
    public void The_nps_trend_draws_the_score_with_its_answers_and_the_mix()
    {
        var reply = Chat().As(Boss).Send("nps trend");

        Assert.Equal(2, reply.Charts.Count);
        Assert.Equal(["Q4 '25", "Q1 '26", "Q2 '26", "Q3 '26"], reply.Charts[0].Labels);
        Assert.Equal(new double?[] { null, null, null, 0 }, reply.Charts[0].Series[0].Values);
        Assert.Equal("2 answers", reply.Charts[0].Notes[^1]);
        Assert.Equal("Q3 2026: NPS 0; answers 2; promoters 1; passives 0; detractors 1", reply.Sections[0].Lines[^1]);
        Assert.StartsWith("NPS 0 in Q3 2026 from 2 answers", reply.Summary);
    }

    [Fact]
    public void A_trend_takes_a_filter_but_no_breakdown()
    {
        var split = Chat().As(Boss).Send("churn trend by owner");
        var ana = Chat().As(Boss).Send($"churn trend for {Ana}");

        Assert.True(split.IsRefusal);
        Assert.Contains("one set of accounts", split.Summary);
        Assert.Equal(0.5, ana.Charts[0].Series[0].Values[^1]!.Value, 10);
    }

    [Fact]
    public void Health_draws_weekly_sessions_and_the_health_score_of_the_last_12_weeks_and_at_risk_the_bands()
    {
        var acme = An.Account("Acme Charts").OwnedBy(Ana).StartedOn(2025, 1, 1).Build();
        var quiet = An.Account("Quiet Charts").OwnedBy(Ana).StartedOn(2025, 1, 1).Build();
        var builder = new BookBuilder().With(acme, quiet);
        for (var day = Today.AddDays(-60); day <= Today; day = day.AddDays(1)) builder.Used(acme, day, 4, "reports");
        var chat = new Conversation(builder.Build(), Today).As(Boss);

        var health = chat.Send("health acme charts");
        var silent = chat.Send("health quiet charts");
        var atRisk = chat.Send("at-risk");

        Assert.Equal(["Weekly sessions", "Health score"], health.Charts.Select(c => c.Title));
        Assert.Contains("Acme Charts", health.Charts[0].Description);
        Assert.Equal(28.0, health.Charts[0].Series[0].Values[^1]);
        Assert.Equal(12, health.Charts[1].Labels.Count);
        Assert.Contains(health.Sections, s => s.Heading == "Week by week" && s.Lines[^1] == "2026-11-25: sessions 28; health " + health.Summary!.Split(':')[1].Trim().Split('.')[0]);
        Assert.Equal(["Health score"], silent.Charts.Select(c => c.Title));
        Assert.Contains("No sessions in the last 12 weeks", silent.Note);
        var bands = Assert.Single(atRisk.Charts);
        Assert.Equal(ChartKind.Donut, bands.Kind);
        Assert.Equal(2.0, bands.Series[0].Values.Sum(v => v!.Value));
    }
}
