using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class ClvHandler : IChatCommandHandler<ClvCommand>
{
    public Reply Handle(ClvCommand command, AskContext context)
    {
        var clv = ValueMetrics.Clv(context.Book, context.Today);
        var w = context.Reader;
        var money = (decimal m) => context.MoneyIn(w, m);
        return new Reply(w["Clv.Title", ("scope", context.ScopeIn(w))])
        {
            Summary = clv.LifetimeValue is { } value
                ? w.Plural("Clv.Summary", clv.ExpectedLifetimeMonths!.Value, ("value", money(value)), ("mrr", money(clv.AverageMrr)), ("months", w.Number(clv.ExpectedLifetimeMonths!.Value)))
                : w.Plural("Clv.NoChurn", clv.MonthsObserved, ("mrr", money(clv.AverageMrr))),
            Facts =
            [
                new(w["Clv.AverageMrr"], w.Plural("Clv.AverageMrrValue", clv.ActiveAccounts, ("mrr", money(clv.AverageMrr)))),
                new(w["Clv.MonthlyChurn"], w.Plural("Clv.MonthlyChurnValue", clv.MonthsObserved, ("rate", w.Percent(clv.MonthlyChurnRate)))),
                new(w["Clv.Lifetime"], clv.ExpectedLifetimeMonths is { } m ? w.Plural("Clv.LifetimeValue", m, ("months", w.Number(m))) : w["Clv.Unbounded"]),
                new(w["Clv.Realised"], w.Plural("Clv.RealisedValue", clv.ChurnedAccounts, ("value", money(clv.RealisedValueOfChurned)), ("average", money(clv.AverageRealisedValue)))),
            ],
        };
    }
}
