using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class ChurnTrendHandler : IChatCommandHandler<ChurnTrendCommand>
{
    public Reply Handle(ChurnTrendCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        var w = context.Reader;
        if (slice.By != Breakdown.None) return TrendCharts.NoBreakdown(w, "churn");
        var p = command.Period;
        var money = (decimal m) => context.MoneyIn(w, m);
        var title = w["ChurnTrend.Title", ("period", w.Span(p)), ("scope", context.ScopeIn(w))] + slice.Title;
        // Without a filter each month reads the book's index (see ChurnMetrics.Churn).
        var months = Trends.Churn(context.Book, Trends.Buckets(p, 1), command.Slice.IsWhole ? null : slice.Includes);
        var counted = months.Where(m => m.ActiveAtStart > 0).ToArray();
        if (counted.Length == 0) return ChurnHandler.NoCustomersAtStart(w, title, p, context.Book.Accounts.Where(slice.Includes));

        var chart = TrendCharts.Churn(w, months, money);
        var highest = counted.MaxBy(m => m.LogoChurnRate)!;
        var lowest = counted.MinBy(m => m.LogoChurnRate)!;
        string Month(ChurnResult m) => w["ChurnTrend.Month", ("month", w.Label(m.Period)), ("rate", w.Percent(m.LogoChurnRate)), ("lost", m.Lost), ("active", m.ActiveAtStart)];
        return new Reply(title)
        {
            Summary = w.Plural("ChurnTrend.Summary", counted.Length, ("logo", w.Percent(Trends.Average(months, m => m.LogoChurnRate)!.Value)),
                ("mrr", w.Percent(Trends.Average(months, m => m.GrossMrrChurnRate)!.Value))),
            Facts =
            [
                new(w["ChurnTrend.Lost"], w["ChurnTrend.LostValue", ("lost", counted.Sum(m => m.Lost)), ("mrr", money(counted.Sum(m => m.MrrChurned)))]),
                new(w["ChurnTrend.Highest"], Month(highest)),
                new(w["ChurnTrend.Lowest"], Month(lowest)),
            ],
            Sections = [chart.Section()],
            Charts = [chart],
        };
    }
}
