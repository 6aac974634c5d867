using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class NpsTrendHandler : IChatCommandHandler<NpsTrendCommand>
{
    public Reply Handle(NpsTrendCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        var w = context.Reader;
        if (slice.By != Breakdown.None) return TrendCharts.NoBreakdown(w, "nps");
        var p = command.Period;
        var months = command.ByMonth ? 1 : 3;
        var title = w[command.ByMonth ? "NpsTrend.TitleByMonth" : "NpsTrend.TitleByQuarter", ("period", w.Span(p)), ("scope", context.ScopeIn(w))] + slice.Title;
        var buckets = Trends.Buckets(p, months);
        var counts = Trends.Nps(context.Book, buckets, context.Team.TimeZone, command.Slice.IsWhole ? null : slice.Includes);
        var answered = Enumerable.Range(0, buckets.Count).Where(i => counts[i].Responses > 0).ToArray();
        if (answered.Length == 0)
            return Reply.Refusal(title, w["NpsTrend.NoAnswers", ("period", w.Span(p))], w["NpsTrend.TryLonger"]);

        var scores = TrendCharts.NpsScores(w, buckets, counts, months);
        var latest = answered[^1];
        var change = answered.Length > 1 ? counts[latest].Score - counts[answered[^2]].Score : (double?)null;
        var all = new NpsCounts(counts.Sum(c => c.Promoters), counts.Sum(c => c.Passives), counts.Sum(c => c.Detractors));
        string Share(int n) => w["Nps.Share", ("count", n), ("share", w.Percent(Rates.Share(n, all.Responses)))];
        return new Reply(title)
        {
            Summary = change is { } c
                ? w.Plural(c >= 0 ? "NpsTrend.SummaryUp" : "NpsTrend.SummaryDown", counts[latest].Responses, ("score", TrendCharts.Points(w, counts[latest].Score)), ("period", w.Label(buckets[latest])),
                    ("change", w.Number(Math.Abs(c))), ("previous", w.Label(buckets[answered[^2]])))
                : w.Plural("NpsTrend.Summary", counts[latest].Responses, ("score", TrendCharts.Points(w, counts[latest].Score)), ("period", w.Label(buckets[latest]))),
            Facts =
            [
                new(w["NpsTrend.OverPeriod"], w.Plural("NpsTrend.OverPeriodValue", all.Responses, ("score", TrendCharts.Points(w, all.Score)))),
                new(w["Nps.Promoters"], Share(all.Promoters)),
                new(w["Nps.Passives"], Share(all.Passives)),
                new(w["Nps.Detractors"], Share(all.Detractors)),
            ],
            Sections = [scores.Section()],
            Charts = [scores, TrendCharts.NpsMix(w, buckets, counts, months)],
        };
    }
}
