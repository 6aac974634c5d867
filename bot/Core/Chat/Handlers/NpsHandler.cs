using SuccessBot.Core.Language;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class NpsHandler : IChatCommandHandler<NpsCommand>
{
    public Reply Handle(NpsCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        var p = command.Period;
        var zone = context.Team.TimeZone;
        var w = context.Reader;
        var title = w["Nps.Title", ("period", w.Span(p)), ("scope", context.ScopeIn(w))] + slice.Title;
        var nps = NpsMetrics.Nps(context.Book, p, zone, includes: slice.Includes);
        var c = nps.Current;
        // Only an empty answer looks for the first answer of the book, to tell a period before any data from a quiet one.
        var first = c.Responses > 0 ? null : FirstAnswer(context.Book, slice.Includes);
        if (c.Responses == 0 && (first is null || DayOf(first, zone) >= p.EndExclusive))
            return Reply.Refusal(title, first is null ? w["Nps.NoAnswersYet"] : w["Nps.NoData", ("period", w.Label(p)), ("first", w.IsEnglish ? Time.Period.Format(DayOf(first, zone)) : w.Day(DayOf(first, zone)))]);
        var split = slice.By == Breakdown.None
            ? nps.Split.Count == 0 ? null : Reply.Section(w["Nps.SplitBy", ("by", nps.SplitBy)], nps.Split, g => Line(w, g))
            : Reply.Section(slice.Heading, slice.Groups(context.Book.Accounts).Select(g => (g.Name, Counts: NpsMetrics.Count(AnswersOf(context, g.Includes), p, zone)))
                .Where(g => g.Counts.Responses > 0).ToArray(), g => Line(w, g), max: 20);
        return new Reply(title)
        {
            Summary = c.Responses == 0
                ? w["Nps.NoAnswersInPeriod"]
                : w.Plural("Nps.Summary", c.Responses, ("score", Score(w, c.Score))),
            Facts =
            [
                new(w["Nps.Promoters"], Share(w, c.Promoters, c.Responses)),
                new(w["Nps.Passives"], Share(w, c.Passives, c.Responses)),
                new(w["Nps.Detractors"], Share(w, c.Detractors, c.Responses)),
                new(w["Nps.ResponseRate"], nps.SurveysSent == 0 ? w["Nps.NoSurveysSent"]
                    : w["Nps.ResponseRateValue", ("rate", w.Percent(nps.ResponseRate)), ("answered", nps.SurveysAnswered), ("sent", nps.SurveysSent)]),
                new(w["Nps.Change"], nps.Change is { } change
                    ? w.Plural("Nps.ChangeValue", nps.Previous.Responses, ("change", (change >= 0 ? "+" : "") + w.Number(change, "0.0")), ("previous", w.Label(nps.PreviousPeriod)),
                        ("score", Score(w, nps.Previous.Score)))
                    : w["Nps.NothingToCompare", ("previous", w.Label(nps.PreviousPeriod))]),
            ],
            Sections =
            [
                .. split is null ? Array.Empty<ReplySection>() : [split],
                .. nps.LatestComments.Count == 0 ? Array.Empty<ReplySection>() : [Reply.Section(w["Nps.LatestComments"], nps.LatestComments, a =>
                    w["Nps.CommentLine", ("score", a.Score), ("account", context.Book.Find(a.AccountId)?.Name ?? a.AccountId), ("contact", a.ContactEmail), ("comment", Format.Quote(a.Comment!, 200))])],
            ],
        };
    }

    private static string Line(Reader w, (string Group, NpsCounts Counts) g) =>
        w["Nps.GroupLine", ("group", g.Group), ("score", Score(w, g.Counts.Score)), ("promoters", g.Counts.Promoters), ("passives", g.Counts.Passives), ("detractors", g.Counts.Detractors)];

    /// <summary>"12 (40.0%)".</summary>
    private static string Share(Reader w, int count, int of) => w["Nps.Share", ("count", count), ("share", w.Percent(Rates.Share(count, of)))];

    private static IEnumerable<Domain.NpsAnswer> AnswersOf(AskContext context, Func<Domain.Account, bool> includes) =>
        context.Book.Accounts.Where(includes).SelectMany(a => context.Book.NpsOf(a.Id));

    /// <summary>The earliest answer of the included accounts (each account's answers are oldest first).</summary>
    private static Domain.NpsAnswer? FirstAnswer(Domain.BookOfBusiness book, Func<Domain.Account, bool> includes) =>
        Enumerable.Range(0, book.Accounts.Count).Where(i => includes(book.Accounts[i]) && book.NpsAt(i).Count > 0)
            .Select(i => book.NpsAt(i)[0]).MinBy(a => a.AnsweredAt);

    private static DateOnly DayOf(Domain.NpsAnswer answer, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(answer.AnsweredAt, zone).DateTime);

    private static string Score(Reader w, double score) => (score > 0 ? "+" : "") + w.Number(score);
}
