using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class TimeToValueHandler : IChatCommandHandler<TimeToValueCommand>
{
    public Reply Handle(TimeToValueCommand command, AskContext context)
    {
        var ttv = ValueMetrics.TimeToValue(context.Book, command.Period, context.Team.CoreFeatures);
        var p = command.Period;
        return new Reply($"Time to value · accounts started {p.Label} ({p.Range}) · {context.Scope}")
        {
            Summary = ttv.MedianDays is { } median
                ? $"Median {median.ToString("0.#", Format.Culture)} days from start to first use of a core feature, over {Format.Count(ttv.Reached)} accounts."
                : $"None of the {Format.Count(ttv.Started)} accounts started in this period has used a core feature yet.",
            Facts =
            [
                new("Accounts started", Format.Count(ttv.Started)),
                new("Reached first value", $"{Format.Count(ttv.Reached)} ({Format.Percent(Rates.Share(ttv.Reached, ttv.Started))})"),
                new("Not yet", Format.Count(ttv.Started - ttv.Reached)),
            ],
        };
    }
}
