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

    /// <param name="includes">The accounts counted (a segment, a plan, an owner); all when null.</param>
    public static NpsResult Nps(BookOfBusiness book, Period period, TimeZoneInfo zone, int comments = 5, Func<Account, bool>? includes = null)
    {
        var previous = period.Previous();
        var (from, to) = Instants(period, zone);
        var (previousFrom, previousTo) = Instants(previous, zone);
        var earliest = previousFrom < from ? previousFrom : from;
        // Split by segment where the accounts have one, else by plan.
        var bySegment = book.Accounts.Any(a => a.Segment is not null);
        var groups = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var before = new int[3];
        var latest = new List<NpsAnswer>(comments + 1);
        int sent = 0, answered = 0;
        // Account by account: each account's answers and surveys are sorted by time, and its group is looked up once.
        for (var position = 0; position < book.Accounts.Count; position++)
        {
            if (includes is not null && !includes(book.Accounts[position])) continue;
            foreach (var survey in book.SurveysAt(position))
                if (survey.SentAt >= from && survey.SentAt < to) { sent++; if (survey.Answered) answered++; }
            var answers = book.NpsAt(position);
            if (answers.Count == 0 || answers[^1].AnsweredAt < earliest) continue;
            for (var i = FirstFrom(answers, previousFrom); i < answers.Count && answers[i].AnsweredAt < previousTo; i++) before[(int)answers[i].Category]++;
            if (answers[^1].AnsweredAt < from) continue;
            var account = book.Accounts[position];
            var group = (bySegment ? account.Segment : account.Plan) ?? "(none)";
            int[]? counts = null;
            for (var i = FirstFrom(answers, from); i < answers.Count && answers[i].AnsweredAt < to; i++)
            {
                if (counts is null && !groups.TryGetValue(group, out counts)) groups[group] = counts = new int[3];
                counts[(int)answers[i].Category]++;
                if (!string.IsNullOrWhiteSpace(answers[i].Comment)) KeepLatest(latest, answers[i], comments);
            }
        }
        var split = groups.OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Counts(g.Value))).ToArray();
        var current = new NpsCounts(split.Sum(g => g.Item2.Promoters), split.Sum(g => g.Item2.Passives), split.Sum(g => g.Item2.Detractors));
        return new NpsResult(period, current, previous, Counts(before), latest, sent, answered, bySegment ? "segment" : "plan", split);
    }

    private static NpsCounts Counts(int[] byCategory) =>
        new(byCategory[(int)NpsCategory.Promoter], byCategory[(int)NpsCategory.Passive], byCategory[(int)NpsCategory.Detractor]);

    private static int FirstFrom(IReadOnlyList<NpsAnswer> sorted, DateTimeOffset from)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid].AnsweredAt < from) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>Keeps the <paramref name="max"/> comments to show: detractors first, then the most recent.</summary>
    private static void KeepLatest(List<NpsAnswer> kept, NpsAnswer answer, int max)
    {
        var at = kept.FindIndex(k => ShownBefore(answer, k));
        if (at < 0) at = kept.Count;
        if (at >= max) return;
        kept.Insert(at, answer);
        if (kept.Count > max) kept.RemoveAt(max);
    }

    // A total order, so that which comments are shown never depends on where the accounts sit in the book.
    private static bool ShownBefore(NpsAnswer a, NpsAnswer b) =>
        a.Category != b.Category ? a.Category < b.Category
        : a.AnsweredAt != b.AnsweredAt ? a.AnsweredAt > b.AnsweredAt
        : string.CompareOrdinal(a.AccountId, b.AccountId) is var byAccount and not 0 ? byAccount < 0
        : string.CompareOrdinal(a.ContactEmail, b.ContactEmail) < 0;

    /// <summary>The moments a period of days in the team's time zone starts and ends.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Instants(Period period, TimeZoneInfo zone) => (StartOf(period.Start, zone), StartOf(period.EndExclusive, zone));

    private static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        // A midnight skipped by a daylight-saving jump starts at the first hour that exists.
        while (zone.IsInvalidTime(local)) local = local.AddHours(1);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
