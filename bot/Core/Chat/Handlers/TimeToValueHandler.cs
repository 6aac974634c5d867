using SuccessBot.Core.Metrics;
using SuccessBot.Core.Time;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class TimeToValueHandler : IChatCommandHandler<TimeToValueCommand>
{
    public Reply Handle(TimeToValueCommand command, AskContext context)
    {
        var p = command.Period;
        var w = context.Reader;
        var title = w["Ttv.Title", ("period", w.Span(p)), ("scope", context.ScopeIn(w))];
        if (ValueMetrics.UsageStartsOn(context.Book) is not { } usageStart)
            return Reply.Refusal(title, w["Ttv.NoUsage"]);
        if (usageStart >= p.EndExclusive)
            return Reply.Refusal(title, w["Ttv.UsageAfter", ("date", w.Date(usageStart))], w["Ttv.TrySince", ("day", Format.Day(usageStart))]);

        // An account started before the usage history would show its first use in the history, not its real first use: a slow time to value that is not.
        var measured = usageStart > p.Start ? new Period(usageStart, p.EndExclusive, p.Label) : p;
        var ttv = ValueMetrics.TimeToValue(context.Book, measured, context.Team.CoreFeatures);
        var leftOut = measured == p ? 0 : ValueMetrics.TimeToValue(context.Book, new Period(p.Start, usageStart, ""), context.Team.CoreFeatures).Started;
        return new Reply(title)
        {
            Summary = ttv.MedianDays is { } median
                ? w.Plural("Ttv.Summary", ttv.Reached, ("days", w.Plural("Ttv.Days", median)))
                : w.Plural("Ttv.NoneReached", ttv.Started),
            Facts =
            [
                new(w["Ttv.Started"], leftOut > 0 ? w["Ttv.StartedSince", ("started", ttv.Started), ("date", w.Date(usageStart))] : w.Count(ttv.Started)),
                new(w["Ttv.Reached"], w["Ttv.ReachedValue", ("reached", ttv.Reached), ("share", w.Percent(Rates.Share(ttv.Reached, ttv.Started)))]),
                new(w["Ttv.NotYet"], w.Count(ttv.Started - ttv.Reached)),
            ],
            Note = leftOut == 0 ? null : w.Plural("Ttv.LeftOut", leftOut, ("date", w.Date(usageStart))),
        };
    }
}
