using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class ClvHandler : IChatCommandHandler<ClvCommand>
{
    public Reply Handle(ClvCommand command, AskContext context)
    {
        var clv = ValueMetrics.Clv(context.Book, context.Today);
        return new Reply($"Customer lifetime value · {context.Scope}")
        {
            Summary = clv.LifetimeValue is { } value
                ? $"CLV {context.Money(value)}: {context.Money(clv.AverageMrr)} a month for {clv.ExpectedLifetimeMonths!.Value.ToString("0.#", Format.Culture)} months."
                : $"No churn in the last {clv.MonthsObserved} months, so a lifetime can't be estimated yet; average MRR is {context.Money(clv.AverageMrr)}.",
            Facts =
            [
                new("Average MRR", $"{context.Money(clv.AverageMrr)} over {Format.Count(clv.ActiveAccounts)} active accounts"),
                new("Monthly logo churn", $"{Format.Percent(clv.MonthlyChurnRate)} (average of the last {clv.MonthsObserved} complete months)"),
                new("Expected lifetime", clv.ExpectedLifetimeMonths is { } m ? $"{m.ToString("0.#", Format.Culture)} months (1 / monthly churn)" : "unbounded (no churn)"),
                new("Realised by churned accounts", $"{context.Money(clv.RealisedValueOfChurned)} from {Format.Count(clv.ChurnedAccounts)} accounts, {context.Money(clv.AverageRealisedValue)} each on average"),
            ],
        };
    }
}
