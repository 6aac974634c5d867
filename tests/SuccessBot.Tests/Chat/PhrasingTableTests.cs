using System.Globalization;
using SuccessBot.Core.Chat;

namespace SuccessBot.Tests.Chat;

/// <summary>
/// How people ask, and what each phrasing must mean, on the day it is asked. One row: `asked on | phrasing | meaning`;
/// a meaning is the command with its first and last day and its slice, or `refused: ` and words the refusal must contain.
/// </summary>
public class PhrasingTableTests
{
    private static readonly SuccessBot.Core.Language.Reader English = new(SuccessBot.Settings.Texts, SuccessBot.Core.Language.Languages.English);

    private const string Table = """
        2026-11-25 | churn last month? | churn 2026-10-01..2026-10-31
        2026-11-25 | churn q3 | churn 2026-07-01..2026-09-30
        2026-11-25 | churn sept | churn 2026-09-01..2026-09-30
        2026-11-25 | what was churn in october? | churn 2026-10-01..2026-10-31
        2026-11-25 | show me at risk accounts | at-risk
        2026-11-25 | nps last quarter by segment | nps 2026-07-01..2026-09-30 by segment
        2026-11-25 | `churn last month` | churn 2026-10-01..2026-10-31
        2026-11-25 | What was churn in October? | churn 2026-10-01..2026-10-31
        2026-11-25 | CHURN LAST MONTH | churn 2026-10-01..2026-10-31
        2026-11-25 | Churn Rate Last Month | churn 2026-10-01..2026-10-31
        2026-11-25 | churn, last month. | churn 2026-10-01..2026-10-31
        2026-11-25 | what's this month's churn? | churn 2026-11-01..2026-11-25
        2026-11-25 | may I see churn for last month please | churn 2026-10-01..2026-10-31
        2026-11-25 | churn in may | churn 2026-05-01..2026-05-31
        2026-11-25 | last quarter's nps by plan | nps 2026-07-01..2026-09-30 by plan
        2026-11-25 | "churn last month" | churn 2026-10-01..2026-10-31
        2026-11-25 | /churn last month | churn 2026-10-01..2026-10-31
        2026-11-25 | last month churn | churn 2026-10-01..2026-10-31
        2026-11-25 | please show me churn for last month | churn 2026-10-01..2026-10-31
        2026-11-25 | churn | churn 2026-10-01..2026-10-31
        2026-11-25 | churned last month | churn 2026-10-01..2026-10-31
        2026-11-25 | cancellations in october | churn 2026-10-01..2026-10-31
        2026-11-25 | how many accounts cancelled last month | churn 2026-10-01..2026-10-31
        2026-11-25 | how many canceled in september? | churn 2026-09-01..2026-09-30
        2026-11-25 | lost accounts last quarter | churn 2026-07-01..2026-09-30
        2026-11-25 | attrition this year | churn 2026-01-01..2026-11-25
        2026-11-25 | how many did we lose in september | churn 2026-09-01..2026-09-30
        2026-11-25 | who left last month | churn 2026-10-01..2026-10-31
        2026-11-25 | churn over the last 3 months | churn 2026-08-01..2026-10-31
        2026-11-25 | churn last three months | churn 2026-08-01..2026-10-31
        2026-11-25 | churn for the past 90 days | churn 2026-08-28..2026-11-25
        2026-11-25 | churn in the last 30 days | churn 2026-10-27..2026-11-25
        2026-11-25 | churn ytd | churn 2026-01-01..2026-11-25
        2026-11-25 | churn this year so far | churn 2026-01-01..2026-11-25
        2026-11-25 | churn year to date | churn 2026-01-01..2026-11-25
        2026-11-25 | churn since january | churn 2026-01-01..2026-11-25
        2026-11-25 | churn since march 2025 | churn 2025-03-01..2026-11-25
        2026-11-25 | churn since 2026-03-01 | churn 2026-03-01..2026-11-25
        2026-11-25 | churn between 2026-01-01 and 2026-03-31 | churn 2026-01-01..2026-03-31
        2026-11-25 | churn from january to march | churn 2026-01-01..2026-03-31
        2026-11-25 | churn from 2025-11-15 to 2026-02-14 | churn 2025-11-15..2026-02-14
        2026-11-25 | churn q3 2025 | churn 2025-07-01..2025-09-30
        2026-11-25 | churn in Q3 2025 | churn 2025-07-01..2025-09-30
        2026-11-25 | churn 2025 q3 | churn 2025-07-01..2025-09-30
        2026-11-25 | churn q4 | churn 2026-10-01..2026-11-25
        2026-11-25 | churn september 2025 | churn 2025-09-01..2025-09-30
        2026-11-25 | churn sep 2025 | churn 2025-09-01..2025-09-30
        2026-11-25 | churn in december | churn 2025-12-01..2025-12-31
        2026-11-25 | churn in november | churn 2026-11-01..2026-11-25
        2026-11-25 | churn 2025 | churn 2025-01-01..2025-12-31
        2026-11-25 | churn 2026 | churn 2026-01-01..2026-11-25
        2026-11-25 | churn 2026-10 | churn 2026-10-01..2026-10-31
        2026-11-25 | churn last year | churn 2025-01-01..2025-12-31
        2026-11-25 | churn last 2 quarters | churn 2026-04-01..2026-09-30
        2026-11-25 | churn last six months | churn 2026-05-01..2026-10-31
        2026-11-25 | churn this month | churn 2026-11-01..2026-11-25
        2026-11-25 | churn this quarter | churn 2026-10-01..2026-11-25
        2026-11-25 | churn yesterday | churn 2026-11-24..2026-11-24
        2026-11-25 | churn last week | churn 2026-11-19..2026-11-25
        2026-11-25 | churn on 2026-10-05 | churn 2026-10-05..2026-10-05
        2026-11-25 | churn by segment | churn 2026-10-01..2026-10-31 by segment
        2026-11-25 | churn last month by plan | churn 2026-10-01..2026-10-31 by plan
        2026-11-25 | churn by owner last quarter | churn 2026-07-01..2026-09-30 by owner
        2026-11-25 | churn by csm | churn 2026-10-01..2026-10-31 by owner
        2026-11-25 | churn per segment this year | churn 2026-01-01..2026-11-25 by segment
        2026-11-25 | churn split by plan | churn 2026-10-01..2026-10-31 by plan
        2026-11-25 | churn for each segment | churn 2026-10-01..2026-10-31 by segment
        2026-11-25 | churn for enterprise | churn 2026-10-01..2026-10-31 for 'enterprise'
        2026-11-25 | churn last month for mid market | churn 2026-10-01..2026-10-31 for 'mid market'
        2026-11-25 | churn for anna@example.com last quarter | churn 2026-07-01..2026-09-30 for 'anna@example.com'
        2026-11-25 | churn owned by anna@example.com | churn 2026-10-01..2026-10-31 for 'anna@example.com'
        2026-11-25 | churn for enterprise by owner | churn 2026-10-01..2026-10-31 by owner for 'enterprise'
        2026-11-25 | churn last month share | churn 2026-10-01..2026-10-31 share
        2026-11-25 | retention | retention 2025-11-01..2026-10-31
        2026-11-25 | retention last 12 months | retention 2025-11-01..2026-10-31
        2026-11-25 | net retention this year | retention 2026-01-01..2026-11-25
        2026-11-25 | nrr last quarter | retention 2026-07-01..2026-09-30
        2026-11-25 | what is our retention in 2025? | retention 2025-01-01..2025-12-31
        2026-11-25 | retention by plan | retention 2025-11-01..2026-10-31 by plan
        2026-11-25 | retained accounts last year | retention 2025-01-01..2025-12-31
        2026-11-25 | revenue retention for smb | retention 2025-11-01..2026-10-31 for 'smb'
        2026-11-25 | gross retention over the last 2 years | retention 2024-01-01..2025-12-31
        2026-11-25 | nps | nps 2026-10-01..2026-11-25
        2026-11-25 | nps this quarter | nps 2026-10-01..2026-11-25
        2026-11-25 | what's our nps? | nps 2026-10-01..2026-11-25
        2026-11-25 | How is NPS doing | nps 2026-10-01..2026-11-25
        2026-11-25 | net promoter score last quarter | nps 2026-07-01..2026-09-30
        2026-11-25 | net promoter in q2 | nps 2026-04-01..2026-06-30
        2026-11-25 | promoter score in q2 | nps 2026-04-01..2026-06-30
        2026-11-25 | nps by plan this year | nps 2026-01-01..2026-11-25 by plan
        2026-11-25 | nps for enterprise | nps 2026-10-01..2026-11-25 for 'enterprise'
        2026-11-25 | nps score for september | nps 2026-09-01..2026-09-30
        2026-11-25 | nps 2025 | nps 2025-01-01..2025-12-31
        2026-11-25 | nps since q1 | nps 2026-01-01..2026-11-25
        2026-11-25 | nps last quarter by owner | nps 2026-07-01..2026-09-30 by owner
        2026-11-25 | nps send ACME | nps send 'ACME'
        2026-11-25 | nps send Acme Corp force | nps send 'Acme Corp' force
        2026-11-25 | send nps to Acme Corp | nps send 'Acme Corp'
        2026-11-25 | send a survey to Acme | nps send 'Acme'
        2026-11-25 | `nps send acme` | nps send 'acme'
        2026-11-25 | health acme c | health 'acme c'
        2026-11-25 | health ACME | health 'ACME'
        2026-11-25 | Health Acme Corp | health 'Acme Corp'
        2026-11-25 | how is acme c doing? | health 'acme c'
        2026-11-25 | how's Acme Capital doing | health 'Acme Capital'
        2026-11-25 | how are Acme Foods doing? | health 'Acme Foods'
        2026-11-25 | how is Acme Capital looking | health 'Acme Capital'
        2026-11-25 | what is the health of Acme Capital? | health 'Acme Capital'
        2026-11-25 | what's acme c's health | health 'acme c'
        2026-11-25 | health of the Acme Logistics account | health 'Acme Logistics'
        2026-11-25 | health accuracy | HealthAccuracyCommand
        2026-11-25 | what is the alert accuracy? | HealthAccuracyCommand
        2026-11-25 | `backtest` | HealthAccuracyCommand
        2026-11-25 | health accuracy share | HealthAccuracyCommand share
        2026-11-25 | acme capital health | health 'acme capital'
        2026-11-25 | health score for Acme Foods #2 | health 'Acme Foods #2'
        2026-11-25 | health acc-00012 | health 'acc-00012'
        2026-11-25 | how healthy is Acme Travel | health 'Acme Travel'
        2026-11-25 | health Acme Renewals Co | health 'Acme Renewals Co'
        2026-11-25 | health `Acme Labs` | health 'Acme Labs'
        2026-11-25 | health check on Acme Labs please | health 'Acme Labs'
        2026-11-25 | health acme a | health 'acme a'
        2026-11-25 | renewals | renewals 2026-11-25..2026-12-25
        2026-11-25 | renewals next 30 days | renewals 2026-11-25..2026-12-25
        2026-11-25 | upcoming renewals? | renewals 2026-11-25..2026-12-25
        2026-11-25 | what's coming up | renewals 2026-11-25..2026-12-25
        2026-11-25 | who is up for renewal next month | renewals 2026-12-01..2026-12-31
        2026-11-25 | renewals in december | renewals 2026-12-01..2026-12-31
        2026-11-25 | renewals in january | renewals 2027-01-01..2027-01-31
        2026-11-25 | renewals in november | renewals 2026-11-01..2026-11-30
        2026-11-25 | renewals this month | renewals 2026-11-01..2026-11-30
        2026-11-25 | renewals this quarter | renewals 2026-10-01..2026-12-31
        2026-11-25 | renewing next quarter | renewals 2027-01-01..2027-03-31
        2026-11-25 | renewals q1 | renewals 2027-01-01..2027-03-31
        2026-11-25 | renewals q4 | renewals 2026-10-01..2026-12-31
        2026-11-25 | renewals next 90 days | renewals 2026-11-25..2027-02-23
        2026-11-25 | renewals over the next 2 weeks | renewals 2026-11-25..2026-12-09
        2026-11-25 | renewals next week | renewals 2026-11-25..2026-12-02
        2026-11-25 | renewals next 3 months | renewals 2026-11-25..2027-02-25
        2026-11-25 | renewals last month | renewals 2026-10-01..2026-10-31
        2026-11-25 | due for renewal in the next 60 days | renewals 2026-11-25..2027-01-24
        2026-11-25 | renewals coming up in january | renewals 2027-01-01..2027-01-31
        2026-11-25 | renewals between 2027-01-01 and 2027-03-31 | renewals 2027-01-01..2027-03-31
        2026-11-25 | renewals for enterprise | renewals 2026-11-25..2026-12-25 for 'enterprise'
        2026-11-25 | renewals by owner | renewals 2026-11-25..2026-12-25 by owner
        2026-11-25 | renewals next quarter by segment for anna@example.com | renewals 2027-01-01..2027-03-31 by segment for 'anna@example.com'
        2026-11-25 | at-risk | at-risk
        2026-11-25 | at risk | at-risk
        2026-11-25 | atrisk | at-risk
        2026-11-25 | which accounts are at risk? | at-risk
        2026-11-25 | risky accounts | at-risk
        2026-11-25 | accounts in danger | at-risk
        2026-11-25 | show me accounts at risk of churn | at-risk
        2026-11-25 | churn risk | at-risk
        2026-11-25 | accounts in poor health | at-risk
        2026-11-25 | at risk today | at-risk
        2026-11-25 | at risk by owner | at-risk by owner
        2026-11-25 | at-risk for enterprise | at-risk for 'enterprise'
        2026-11-25 | at risk accounts for anna@example.com | at-risk for 'anna@example.com'
        2026-11-25 | clv | clv
        2026-11-25 | ltv | clv
        2026-11-25 | what is our lifetime value | clv
        2026-11-25 | customer lifetime value please | clv
        2026-11-25 | clv please | clv
        2026-11-25 | adoption | adoption 2026-10-27..2026-11-25
        2026-11-25 | adoption last 30 days | adoption 2026-10-27..2026-11-25
        2026-11-25 | feature adoption this quarter | adoption 2026-10-01..2026-11-25
        2026-11-25 | adoption in october | adoption 2026-10-01..2026-10-31
        2026-11-25 | ttv | ttv 2025-11-01..2026-10-31
        2026-11-25 | time to value last 6 months | ttv 2026-05-01..2026-10-31
        2026-11-25 | time-to-value in 2025 | ttv 2025-01-01..2025-12-31
        2026-11-25 | ttv ytd | ttv 2026-01-01..2026-11-25
        2026-11-25 | stop | stop
        2026-11-25 | unsubscribe | stop
        2026-11-25 | please stop | stop
        2026-11-25 | no more surveys | stop
        2026-11-25 | STOP! | stop
        2026-11-25 | help | help
        2026-11-25 | ? | help
        2026-11-25 | help me | help
        2026-11-25 | what can you do? | help
        2026-11-25 | commands | help
        2026-11-25 | help with churn | churn 2026-10-01..2026-10-31
        2026-11-25 | churn trend | churn trend 2025-11-01..2026-10-31
        2026-11-25 | churn over time | churn trend 2025-11-01..2026-10-31
        2026-11-25 | show me a chart of churn | churn trend 2025-11-01..2026-10-31
        2026-11-25 | how is churn trending? | churn trend 2025-11-01..2026-10-31
        2026-11-25 | monthly churn this year | churn trend 2026-01-01..2026-11-25
        2026-11-25 | churn trend last 6 months | churn trend 2026-05-01..2026-10-31
        2026-11-25 | graph churn in 2025 | churn trend 2025-01-01..2025-12-31
        2026-11-25 | churn by month for enterprise | churn trend 2025-11-01..2026-10-31 for 'enterprise'
        2026-11-25 | enterprise churn trend | churn trend 2025-11-01..2026-10-31 for 'enterprise' (guessed)
        2026-11-25 | churn trend by segment | churn trend 2025-11-01..2026-10-31 by segment
        2026-11-25 | churn trend share | churn trend 2025-11-01..2026-10-31 share
        2026-11-25 | churn trend next month | refused: December 2026 has not started yet
        2026-11-25 | nps trend | nps trend 2025-10-01..2026-09-30 by quarter
        2026-11-25 | quarterly nps | nps trend 2025-10-01..2026-09-30 by quarter
        2026-11-25 | nps trend by month | nps trend 2025-11-01..2026-10-31 by month
        2026-11-25 | monthly nps | nps trend 2025-11-01..2026-10-31 by month
        2026-11-25 | nps month by month this year | nps trend 2026-01-01..2026-11-25 by month
        2026-11-25 | nps over time in 2025 | nps trend 2025-01-01..2025-12-31 by quarter
        2026-11-25 | nps trend last 8 quarters | nps trend 2024-10-01..2026-09-30 by quarter
        2026-11-25 | retention trend | retention trend 2025-11-01..2026-10-31
        2026-11-25 | cohort retention this year | retention trend 2026-01-01..2026-11-25
        2026-11-25 | retention cohorts for smb | retention trend 2025-11-01..2026-10-31 for 'smb'
        2026-11-25 | net retention over time | retention trend 2025-11-01..2026-10-31
        2026-11-25 | churn last fortnight | refused: couldn't read "last fortnight" as a period
        2026-11-25 | churn q5 | refused: couldn't read "q5" as a period
        2026-11-25 | churn in octobr | refused: couldn't read "octobr" as a period
        2026-11-25 | nps janaury | refused: couldn't read "janaury" as a period
        2026-11-25 | churn lsat month | refused: couldn't read "lsat month" as a period
        2026-11-25 | churn 2026-13 | refused: couldn't read "2026-13" as a period
        2026-11-25 | churn next month | refused: December 2026 has not started yet
        2026-11-25 | churn 2030 | refused: 2030 has not started yet
        2026-11-25 | churn in the next 30 days | refused: The next 30 days are still to come
        2026-11-25 | nps next quarter | refused: Q1 2027 has not started yet
        2026-11-25 | churny | refused: didn't understand
        2026-11-25 | how are we doing? | refused: didn't understand
        2026-11-25 | what is the weather | refused: didn't understand
        2026-11-25 | churn and nps last month | refused: more than one question
        2026-11-25 | renewals at risk | refused: more than one question
        2026-11-25 | churn last month vs last quarter | refused: two periods
        2026-11-25 | churn by color | refused: by segment, plan or owner
        2026-11-25 | churn blah | churn 2026-10-01..2026-10-31 for 'blah' (guessed)
        2026-11-25 | enterprise churn last month | churn 2026-10-01..2026-10-31 for 'enterprise' (guessed)
        2026-11-25 | smb nps | nps 2026-10-01..2026-11-25 for 'smb' (guessed)
        2026-11-25 | mid-market renewals next quarter | renewals 2027-01-01..2027-03-31 for 'mid-market' (guessed)
        2026-11-25 | churn for smb blah | churn 2026-10-01..2026-10-31 for 'smb blah'
        2026-11-25 | churn for anna@example.com blah | refused: I read `churn` but not "blah"
        2026-11-25 | clv blah | refused: I read `clv` but not "blah"
        2026-11-25 | health | refused: needs an account name
        2026-11-25 | what's the health? | refused: needs an account name
        2026-11-25 | nps send | refused: needs an account name
        2026-11-25 | at risk last month | refused: is about today
        2026-11-25 | clv last year | refused: is about today
        2026-11-25 | clv by segment | refused: has no breakdown
        2026-11-25 | adoption for enterprise | refused: has no breakdown
        2026-01-01 | churn last month | churn 2025-12-01..2025-12-31
        2026-01-01 | nps this quarter | nps 2026-01-01..2026-01-01
        2026-01-01 | nps last quarter | nps 2025-10-01..2025-12-31
        2026-01-01 | churn ytd | churn 2026-01-01..2026-01-01
        2026-01-01 | churn october | churn 2025-10-01..2025-10-31
        2026-01-01 | churn q3 | churn 2025-07-01..2025-09-30
        2026-01-01 | churn q1 | churn 2026-01-01..2026-01-01
        2026-01-01 | churn last year | churn 2025-01-01..2025-12-31
        2026-03-31 | churn last month | churn 2026-02-01..2026-02-28
        2026-03-31 | churn last 3 months | churn 2025-12-01..2026-02-28
        2026-03-31 | churn february | churn 2026-02-01..2026-02-28
        2026-03-31 | churn march | churn 2026-03-01..2026-03-31
        2026-03-31 | renewals next month | renewals 2026-04-01..2026-04-30
        2026-03-31 | renewals in march | renewals 2026-03-01..2026-03-31
        2026-12-31 | renewals q4 | renewals 2026-10-01..2026-12-31
        2026-12-31 | renewals q1 | renewals 2027-01-01..2027-03-31
        2026-12-31 | renewals in december | renewals 2026-12-01..2026-12-31
        2026-12-31 | renewals next 7 days | renewals 2026-12-31..2027-01-07
        2026-12-31 | churn this year | churn 2026-01-01..2026-12-31
        2024-02-29 | churn last month | churn 2024-01-01..2024-01-31
        2024-02-29 | churn last year | churn 2023-01-01..2023-12-31
        2024-02-29 | churn this month | churn 2024-02-01..2024-02-29
        2024-02-29 | churn 2024-02 | churn 2024-02-01..2024-02-29
        """;

    public static TheoryData<string, string, string> Rows()
    {
        var rows = new TheoryData<string, string, string>();
        foreach (var line in Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var cells = line.Split(" | ");
            rows.Add(cells[0], cells[1], cells[2]);
        }
        return rows;
    }

    [Fact]
    public void The_table_holds_at_least_150_phrasings_each_once() =>
        Assert.True(Rows().Count >= 150 && Rows().Select(r => (string)r[0] + (string)r[1]).Distinct().Count() == Rows().Count, $"{Rows().Count} rows, some repeated");

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_phrasing_means_what_a_person_means(string asked, string phrasing, string meaning)
    {
        var read = CommandLanguage.Parse(phrasing, DateOnly.Parse(asked, CultureInfo.InvariantCulture));

        if (meaning.StartsWith("refused: ", StringComparison.Ordinal))
            Assert.Contains(meaning["refused: ".Length..], English.Say(Assert.IsType<NotUnderstood>(read).Problem));
        else
            Assert.Equal(meaning, Meaning(read));
    }

    /// <summary>A command in the table's words: the verb, its first and last day, its account, its slice.</summary>
    private static string Meaning(ChatCommand command)
    {
        static string Days(Core.Time.Period p) => $"{p.Start:yyyy-MM-dd}..{p.LastDay:yyyy-MM-dd}";
        var core = command switch
        {
            ChurnCommand c => "churn " + Days(c.Period),
            ChurnTrendCommand c => "churn trend " + Days(c.Period),
            NpsTrendCommand c => "nps trend " + Days(c.Period) + (c.ByMonth ? " by month" : " by quarter"),
            RetentionTrendCommand c => "retention trend " + Days(c.Period),
            RetentionCommand c => "retention " + Days(c.Period),
            NpsCommand c => "nps " + Days(c.Period),
            RenewalsCommand c => "renewals " + Days(c.Period),
            AdoptionCommand c => "adoption " + Days(c.Period),
            TimeToValueCommand c => "ttv " + Days(c.Period),
            HealthCommand c => $"health '{c.AccountQuery}'",
            NpsSendCommand c => $"nps send '{c.AccountQuery}'" + (c.Force ? " force" : ""),
            AtRiskCommand => "at-risk",
            ClvCommand => "clv",
            StopSurveysCommand => "stop",
            HelpCommand => "help",
            NotUnderstood n => "not understood: " + English.Say(n.Problem),
            _ => command.GetType().Name,
        };
        var by = command.Slice.By == Breakdown.None ? "" : " by " + command.Slice.By.ToString().ToLowerInvariant();
        var only = command.Slice.For is { } f ? $" for '{f}'" + (command.Slice.Guessed ? " (guessed)" : "") : "";
        return core + by + only + (command.Share ? " share" : "");
    }
}
