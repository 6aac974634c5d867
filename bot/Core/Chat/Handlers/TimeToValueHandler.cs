using SuccessBot.Core.Metrics;
using SuccessBot.Core.Time;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class TimeToValueHandler : IChatCommandHandler<TimeToValueCommand>
{
    public Reply Handle(TimeToValueCommand command, AskContext context)
    {
        var p = command.Period;
        var title = $"Time to value · accounts started {p.Label} ({p.Range}) · {context.Scope}";
        if (ValueMetrics.UsageStartsOn(context.Book) is not { } usageStart)
            return Reply.Refusal(title, "No usage is recorded yet, so no first use of a core feature can be seen.");
        if (usageStart >= p.EndExclusive)
            return Reply.Refusal(title, $"Usage history begins on {Period.Format(usageStart)}, after this period: the first use of accounts started then can't be seen.",
                $"Try `ttv since {Format.Day(usageStart)}`.");

        // An account started before the usage history would show its first use in the history, not its real first use: a slow time to value that is not.
        var measured = usageStart > p.Start ? new Period(usageStart, p.EndExclusive, p.Label) : p;
        var ttv = ValueMetrics.TimeToValue(context.Book, measured, context.Team.CoreFeatures);
        var leftOut = measured == p ? 0 : ValueMetrics.TimeToValue(context.Book, new Period(p.Start, usageStart, ""), context.Team.CoreFeatures).Started;
        return new Reply(title)
        {
            Summary = ttv.MedianDays is { } median
                ? $"Median {median.ToString("0.#", Format.Culture)} days from start to first use of a core feature, over {Format.Count(ttv.Reached)} accounts."
                : $"None of the {Format.Count(ttv.Started)} accounts started in this period has used a core feature yet.",
            Facts =
            [
                new("Accounts started", Format.Count(ttv.Started) + (leftOut > 0 ? $" since {Period.Format(usageStart)}" : "")),
                new("Reached first value", $"{Format.Count(ttv.Reached)} ({Format.Percent(Rates.Share(ttv.Reached, ttv.Started))})"),
                new("Not yet", Format.Count(ttv.Started - ttv.Reached)),
            ],
            Note = leftOut switch
            {
                0 => null,
                1 => $"Usage history begins on {Period.Format(usageStart)}, so the 1 account started before it is left out: its first use can't be seen.",
                _ => $"Usage history begins on {Period.Format(usageStart)}, so the {Format.Count(leftOut)} accounts started before it are left out: their first use can't be seen.",
            },
        };
    }
}
