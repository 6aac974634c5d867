using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class NpsHandler : IChatCommandHandler<NpsCommand>
{
    public Reply Handle(NpsCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        var p = command.Period;
        var zone = context.Team.TimeZone;
        var title = $"NPS · {p.Label} ({p.Range}) · {context.Scope}{slice.Title}";
        var nps = NpsMetrics.Nps(context.Book, p, zone, includes: slice.Includes);
        var c = nps.Current;
        // Only an empty answer looks for the first answer of the book, to tell a period before any data from a quiet one.
        var first = c.Responses > 0 ? null : FirstAnswer(context.Book, slice.Includes);
        if (c.Responses == 0 && (first is null || DayOf(first, zone) >= p.EndExclusive))
            return Reply.Refusal(title, first is null ? "There are no NPS answers yet." : $"No data for {p.Label}: the first NPS answer came on {Time.Period.Format(DayOf(first, zone))}.");
        var split = slice.By == Breakdown.None
            ? nps.Split.Count == 0 ? null : Reply.Section($"By {nps.SplitBy}", nps.Split, Line)
            : Reply.Section(slice.Heading, slice.Groups(context.Book.Accounts).Select(g => (g.Name, Counts: NpsMetrics.Count(AnswersOf(context, g.Includes), p, zone)))
                .Where(g => g.Counts.Responses > 0).ToArray(), Line, max: 20);
        return new Reply(title)
        {
            Summary = c.Responses == 0
                ? "No NPS answers in this period, so there is no score."
                : $"NPS {Score(c.Score)} from {Format.Count(c.Responses)} answers.",
            Facts =
            [
                new("Promoters (9-10)", $"{Format.Count(c.Promoters)} ({Format.Percent(Rates.Share(c.Promoters, c.Responses))})"),
                new("Passives (7-8)", $"{Format.Count(c.Passives)} ({Format.Percent(Rates.Share(c.Passives, c.Responses))})"),
                new("Detractors (0-6)", $"{Format.Count(c.Detractors)} ({Format.Percent(Rates.Share(c.Detractors, c.Responses))})"),
                new("Response rate", nps.SurveysSent == 0 ? "no surveys sent through SuccessBot in this period"
                    : $"{Format.Percent(nps.ResponseRate)} ({Format.Count(nps.SurveysAnswered)} of {Format.Count(nps.SurveysSent)} surveys sent answered)"),
                new("Change", nps.Change is { } change
                    ? $"{(change >= 0 ? "+" : "")}{change.ToString("0.0", Format.Culture)} points against {nps.PreviousPeriod.Label} (NPS {Score(nps.Previous.Score)}, {Format.Count(nps.Previous.Responses)} answers)"
                    : $"no answers in {nps.PreviousPeriod.Label} to compare with"),
            ],
            Sections =
            [
                .. split is null ? Array.Empty<ReplySection>() : [split],
                .. nps.LatestComments.Count == 0 ? Array.Empty<ReplySection>() : [Reply.Section("Latest comments, detractors first", nps.LatestComments, a =>
                    $"{a.Score} from {context.Book.Find(a.AccountId)?.Name ?? a.AccountId} ({a.ContactEmail}): \"{Format.Quote(a.Comment!, 200)}\"")],
            ],
        };
    }

    private static string Line((string Group, NpsCounts Counts) g) =>
        $"{g.Group}: NPS {Score(g.Counts.Score)} ({Format.Count(g.Counts.Promoters)} promoters, {Format.Count(g.Counts.Passives)} passives, {Format.Count(g.Counts.Detractors)} detractors)";

    private static IEnumerable<Domain.NpsAnswer> AnswersOf(AskContext context, Func<Domain.Account, bool> includes) =>
        context.Book.Accounts.Where(includes).SelectMany(a => context.Book.NpsOf(a.Id));

    /// <summary>The earliest answer of the included accounts (each account's answers are oldest first).</summary>
    private static Domain.NpsAnswer? FirstAnswer(Domain.BookOfBusiness book, Func<Domain.Account, bool> includes) =>
        Enumerable.Range(0, book.Accounts.Count).Where(i => includes(book.Accounts[i]) && book.NpsAt(i).Count > 0)
            .Select(i => book.NpsAt(i)[0]).MinBy(a => a.AnsweredAt);

    private static DateOnly DayOf(Domain.NpsAnswer answer, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(answer.AnsweredAt, zone).DateTime);

    private static string Score(double score) => (score > 0 ? "+" : "") + score.ToString("0.#", Format.Culture);
}
