using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class ChurnTrendHandler : IChatCommandHandler<ChurnTrendCommand>
{
    public Reply Handle(ChurnTrendCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        if (slice.By != Breakdown.None) return TrendCharts.NoBreakdown("churn");
        var p = command.Period;
        var title = $"Churn trend · {p.Label} ({p.Range}) · {context.Scope}{slice.Title}";
        // Without a filter each month reads the book's index (see ChurnMetrics.Churn).
        var months = Trends.Churn(context.Book, Trends.Buckets(p, 1), command.Slice.IsWhole ? null : slice.Includes);
        var counted = months.Where(m => m.ActiveAtStart > 0).ToArray();
        if (counted.Length == 0) return ChurnHandler.NoCustomersAtStart(context.Team.ReaderIn(Language.Languages.English), title, p, context.Book.Accounts.Where(slice.Includes));

        var chart = TrendCharts.Churn(months, context.Money);
        var highest = counted.MaxBy(m => m.LogoChurnRate)!;
        var lowest = counted.MinBy(m => m.LogoChurnRate)!;
        return new Reply(title)
        {
            Summary = $"{Format.Percent(Trends.Average(months, m => m.LogoChurnRate)!.Value)} logo churn a month on average over {Format.Count(counted.Length)} "
                + $"{(counted.Length == 1 ? "month" : "months")}, {Format.Percent(Trends.Average(months, m => m.GrossMrrChurnRate)!.Value)} gross MRR churn.",
            Facts =
            [
                new("Accounts lost", $"{Format.Count(counted.Sum(m => m.Lost))} ({context.Money(counted.Sum(m => m.MrrChurned))} MRR)"),
                new("Highest", $"{highest.Period.Label}: {Format.Percent(highest.LogoChurnRate)} ({Format.Count(highest.Lost)} of {Format.Count(highest.ActiveAtStart)})"),
                new("Lowest", $"{lowest.Period.Label}: {Format.Percent(lowest.LogoChurnRate)} ({Format.Count(lowest.Lost)} of {Format.Count(lowest.ActiveAtStart)})"),
            ],
            Sections = [chart.Section()],
            Charts = [chart],
        };
    }
}
