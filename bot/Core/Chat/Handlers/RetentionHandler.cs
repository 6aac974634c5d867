using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class RetentionHandler : IChatCommandHandler<RetentionCommand>
{
    public Reply Handle(RetentionCommand command, AskContext context)
    {
        var r = ChurnMetrics.Retention(context.Book, command.Period);
        var p = command.Period;
        return new Reply($"Retention · {p.Label} ({p.Range}) · {context.Scope}")
        {
            Summary = $"{Format.Percent(r.LogoRetentionRate)} logo retention: {Format.Count(r.Retained)} of {Format.Count(r.ActiveAtStart)} accounts active on {Time.Period.Format(p.Start)} are still customers.",
            Facts =
            [
                new("Logo retention", $"{Format.Percent(r.LogoRetentionRate)} ({Format.Count(r.Retained)} / {Format.Count(r.ActiveAtStart)}; {Format.Count(r.Lost)} lost)"),
                new("Gross MRR retention", $"{Format.Percent(r.GrossMrrRetention)} ({context.Money(r.MrrAtStart)} at the start, {context.Money(r.MrrChurned)} churned, {context.Money(r.Contraction)} contraction)"),
                new("Net MRR retention", $"{Format.Percent(r.NetMrrRetention)} (with {context.Money(r.Expansion)} expansion)"),
            ],
        };
    }
}
