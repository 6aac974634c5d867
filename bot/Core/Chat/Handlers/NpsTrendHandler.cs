using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class NpsTrendHandler : IChatCommandHandler<NpsTrendCommand>
{
    public Reply Handle(NpsTrendCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        if (slice.By != Breakdown.None) return TrendCharts.NoBreakdown("nps");
        var p = command.Period;
        var months = command.ByMonth ? 1 : 3;
        var title = $"NPS trend · {p.Label} ({p.Range}) · {(command.ByMonth ? "by month" : "by quarter")} · {context.Scope}{slice.Title}";
        var buckets = Trends.Buckets(p, months);
        var counts = Trends.Nps(context.Book, buckets, context.Team.TimeZone, command.Slice.IsWhole ? null : slice.Includes);
        var answered = Enumerable.Range(0, buckets.Count).Where(i => counts[i].Responses > 0).ToArray();
        if (answered.Length == 0)
            return Reply.Refusal(title, $"No NPS answers in {p.Label} ({p.Range}), so there is no trend to draw.", "Try a longer period, e.g. `nps trend last 8 quarters`.");

        var scores = TrendCharts.NpsScores(buckets, counts, months);
        var latest = answered[^1];
        var change = answered.Length > 1 ? counts[latest].Score - counts[answered[^2]].Score : (double?)null;
        var all = new NpsCounts(counts.Sum(c => c.Promoters), counts.Sum(c => c.Passives), counts.Sum(c => c.Detractors));
        return new Reply(title)
        {
            Summary = $"NPS {TrendCharts.Points(counts[latest].Score)} in {buckets[latest].Label} from {Format.Count(counts[latest].Responses)} answers"
                + (change is { } c ? $", {(c >= 0 ? "up" : "down")} {Math.Abs(c).ToString("0.#", Format.Culture)} points on {buckets[answered[^2]].Label}." : "."),
            Facts =
            [
                new("Over the period", $"NPS {TrendCharts.Points(all.Score)} from {Format.Count(all.Responses)} answers"),
                new("Promoters (9-10)", $"{Format.Count(all.Promoters)} ({Format.Percent(Rates.Share(all.Promoters, all.Responses))})"),
                new("Passives (7-8)", $"{Format.Count(all.Passives)} ({Format.Percent(Rates.Share(all.Passives, all.Responses))})"),
                new("Detractors (0-6)", $"{Format.Count(all.Detractors)} ({Format.Percent(Rates.Share(all.Detractors, all.Responses))})"),
            ],
            Sections = [scores.Section()],
            Charts = [scores, TrendCharts.NpsMix(buckets, counts, months)],
        };
    }
}
