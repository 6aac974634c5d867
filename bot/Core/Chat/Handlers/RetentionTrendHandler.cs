using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class RetentionTrendHandler : IChatCommandHandler<RetentionTrendCommand>
{
    public Reply Handle(RetentionTrendCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        if (slice.By != Breakdown.None) return TrendCharts.NoBreakdown("retention");
        var p = command.Period;
        var title = $"Retention trend · cohorts of {p.Label} ({p.Range}) · {context.Scope}{slice.Title}";
        var cohorts = Trends.Cohorts(context.Book, Trends.Buckets(p, 1), p.LastDay, command.Slice.IsWhole ? null : slice.Includes);
        var started = cohorts.Where(c => c.Accounts > 0).ToArray();
        if (started.Length == 0)
            return Reply.Refusal(title, $"No account started in {p.Label} ({p.Range}), so there are no cohorts to draw.", "A cohort is the accounts that started in one month; try a longer period.");

        var chart = TrendCharts.Cohorts(cohorts, context.Money);
        var (accounts, retained) = (started.Sum(c => c.Accounts), started.Sum(c => c.Retained));
        var (startMrr, mrrNow) = (started.Sum(c => c.StartMrr), started.Sum(c => c.MrrNow));
        return new Reply(title)
        {
            Summary = $"{Format.Percent(Rates.Share(retained, accounts))} of the {Format.Count(accounts)} accounts that started in these months are customers on "
                + $"{Time.Period.Format(p.LastDay)}, paying {Format.Percent(Rates.Share((double)mrrNow, (double)startMrr))} of the MRR they started with.",
            Facts =
            [
                new("Logo retention", $"{Format.Percent(Rates.Share(retained, accounts))} ({Format.Count(retained)} of {Format.Count(accounts)})"),
                new("Net MRR retention", $"{Format.Percent(Rates.Share((double)mrrNow, (double)startMrr))} ({context.Money(mrrNow)} of {context.Money(startMrr)})"),
                new("Cohorts", $"{Format.Count(started.Length)} months with new accounts, measured on {Time.Period.Format(p.LastDay)}"),
            ],
            Sections = [chart.Section()],
            Charts = [chart],
        };
    }
}
