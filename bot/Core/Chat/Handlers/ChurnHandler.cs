using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class ChurnHandler : IChatCommandHandler<ChurnCommand>
{
    public Reply Handle(ChurnCommand command, AskContext context)
    {
        var churn = ChurnMetrics.Churn(context.Book, command.Period);
        var p = command.Period;
        var annual = p.Months is > 0.9 and < 1.1
            ? $"{Format.Percent(churn.AnnualisedLogoChurnRate)} annualised (1 - (1 - monthly)^12)"
            : $"{Format.Percent(churn.AnnualisedLogoChurnRate)} annualised from {p.Days} days";
        return new Reply($"Churn · {p.Label} ({p.Range}) · {context.Scope}")
        {
            Summary = $"{Format.Percent(churn.LogoChurnRate)} logo churn: {Format.Count(churn.Lost)} of {Format.Count(churn.ActiveAtStart)} accounts active on {Period(p.Start)} cancelled.",
            Facts =
            [
                new("Logo churn", $"{Format.Percent(churn.LogoChurnRate)} ({Format.Count(churn.Lost)} / {Format.Count(churn.ActiveAtStart)}) for the period shown"),
                new("Annualised", annual),
                new("MRR churned", $"{context.Money(churn.MrrChurned)} of {context.Money(churn.MrrAtStart)} at the start"),
                new("Gross MRR churn", Format.Percent(churn.GrossMrrChurnRate)),
            ],
            Sections = churn.Lost == 0 ? [] :
            [
                Reply.Section("Reasons", churn.Reasons.Select((r, i) => (Rank: i + 1, r.Reason, r.Accounts, r.Mrr)).ToArray(), r => $"{r.Rank}. {r.Reason}: {Format.Count(r.Accounts)} ({context.Money(r.Mrr)} MRR)"),
                Reply.Section("Churned accounts", churn.Churned, c =>
                    $"{c.Account.Name}: {context.Money(c.MrrLost)} MRR, owner {c.Account.OwnerEmail}, cancelled {Format.Day(c.Account.CanceledOn!.Value)}, reason: {c.Account.ChurnReason ?? ChurnMetrics.UnknownReason}"),
            ],
        };
    }

    private static string Period(DateOnly day) => Time.Period.Format(day);
}
