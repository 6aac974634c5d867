using SuccessBot.Core.Domain;
using SuccessBot.Core.Time;

namespace SuccessBot.Core.Metrics;

public sealed record NpsCounts(int Promoters, int Passives, int Detractors)
{
    public int Responses => Promoters + Passives + Detractors;
    public double Score => Rates.NetPromoterScore(Promoters, Passives, Detractors);
}

public sealed record NpsResult(Period Period, NpsCounts Current, Period PreviousPeriod, NpsCounts Previous, IReadOnlyList<NpsAnswer> LatestComments,
    int SurveysSent, int SurveysAnswered, string SplitBy, IReadOnlyList<(string Group, NpsCounts Counts)> Split)
{
    public double ResponseRate => Rates.Share(SurveysAnswered, SurveysSent);

    /// <summary>Change in points against the previous period; null when that period had no answers.</summary>
    public double? Change => Previous.Responses == 0 ? null : Current.Score - Previous.Score;
}

public static class NpsMetrics
{
    /// <summary>Counts answers whose day in the team's time zone falls in the period.</summary>
    public static NpsCounts Count(IEnumerable<NpsAnswer> answers, Period period, TimeZoneInfo zone)
    {
        var (from, to) = Instants(period, zone);
        int promoters = 0, passives = 0, detractors = 0;
        foreach (var answer in answers)
        {
            if (answer.AnsweredAt < from || answer.AnsweredAt >= to) continue;
            switch (answer.Category)
            {
                case NpsCategory.Promoter: promoters++; break;
                case NpsCategory.Passive: passives++; break;
                default: detractors++; break;
            }
        }
        return new NpsCounts(promoters, passives, detractors);
    }

    public static NpsResult Nps(BookOfBusiness book, Period period, TimeZoneInfo zone, int comments = 5)
    {
        var previous = period.Previous();
        // Answers are sorted by time, so only the two periods are read.
        var (from, to) = Instants(period, zone);
        var span = Between(book.NpsAnswers, Instants(previous, zone).From, to).ToArray();
        var latest = span.Where(a => a.AnsweredAt >= from && !string.IsNullOrWhiteSpace(a.Comment))
            .OrderBy(a => a.Category).ThenByDescending(a => a.AnsweredAt)
            .Take(comments).ToArray();
        var inPeriod = span.Where(a => a.AnsweredAt >= from && a.AnsweredAt < to).ToArray();
        var surveys = book.Surveys.Where(v => v.SentAt >= from && v.SentAt < to).ToArray();
        // Split by segment where the accounts have one, else by plan.
        var bySegment = book.Accounts.Any(a => a.Segment is not null);
        string GroupOf(NpsAnswer a) => (bySegment ? book.Find(a.AccountId)?.Segment : book.Find(a.AccountId)?.Plan) ?? "(none)";
        var split = inPeriod.GroupBy(GroupOf).OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => (g.Key, Count(g, period, zone))).ToArray();
        return new NpsResult(period, Count(span, period, zone), previous, Count(span, previous, zone), latest,
            surveys.Length, surveys.Count(v => v.Answered), bySegment ? "segment" : "plan", split);
    }

    /// <summary>The moments a period of days in the team's time zone starts and ends.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Instants(Period period, TimeZoneInfo zone) => (StartOf(period.Start, zone), StartOf(period.EndExclusive, zone));

    private static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        // A midnight skipped by a daylight-saving jump starts at the first hour that exists.
        while (zone.IsInvalidTime(local)) local = local.AddHours(1);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static IEnumerable<NpsAnswer> Between(IReadOnlyList<NpsAnswer> sorted, DateTimeOffset from, DateTimeOffset to)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid].AnsweredAt < from) lo = mid + 1; else hi = mid;
        }
        for (var i = lo; i < sorted.Count && sorted[i].AnsweredAt < to; i++) yield return sorted[i];
    }
}
