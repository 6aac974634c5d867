using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class RetentionTrendHandler : IChatCommandHandler<RetentionTrendCommand>
{
    public Reply Handle(RetentionTrendCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        var w = context.Reader;
        if (slice.By != Breakdown.None) return TrendCharts.NoBreakdown(w, "retention");
        var p = command.Period;
        var money = (decimal m) => context.MoneyIn(w, m);
        var title = w["RetentionTrend.Title", ("period", w.Span(p)), ("scope", context.ScopeIn(w))] + slice.Title;
        var cohorts = Trends.Cohorts(context.Book, Trends.Buckets(p, 1), p.LastDay, command.Slice.IsWhole ? null : slice.Includes);
        var started = cohorts.Where(c => c.Accounts > 0).ToArray();
        if (started.Length == 0)
            return Reply.Refusal(title, w["RetentionTrend.NoCohorts", ("period", w.Span(p))], w["RetentionTrend.CohortIs"]);

        var chart = TrendCharts.Cohorts(w, cohorts, money);
        var (accounts, retained) = (started.Sum(c => c.Accounts), started.Sum(c => c.Retained));
        var (startMrr, mrrNow) = (started.Sum(c => c.StartMrr), started.Sum(c => c.MrrNow));
        var logo = w.Percent(Rates.Share(retained, accounts));
        var net = w.Percent(Rates.Share((double)mrrNow, (double)startMrr));
        return new Reply(title)
        {
            Summary = w.Plural("RetentionTrend.Summary", accounts, ("logo", logo), ("date", w.Date(p.LastDay)), ("net", net)),
            Facts =
            [
                new(w["Retention.Logo"], w["Chart.OfActive", ("rate", logo), ("part", retained), ("whole", accounts)]),
                new(w["Retention.Net"], w["Chart.OfActive", ("rate", net), ("part", money(mrrNow)), ("whole", money(startMrr))]),
                new(w["RetentionTrend.Cohorts"], w.Plural("RetentionTrend.CohortsValue", started.Length, ("date", w.Date(p.LastDay)))),
            ],
            Sections = [chart.Section()],
            Charts = [chart],
        };
    }
}
