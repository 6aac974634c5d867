using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Time;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class ChurnHandler : IChatCommandHandler<ChurnCommand>
{
    public Reply Handle(ChurnCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        var p = command.Period;
        var title = $"Churn · {p.Label} ({p.Range}) · {context.Scope}{slice.Title}";
        var churn = ChurnMetrics.Churn(context.Book, p, slice.Includes);
        if (churn.ActiveAtStart == 0) return NoCustomersAtStart(title, p, context.Book.Accounts.Where(slice.Includes));

        return new Reply(title)
        {
            Summary = $"{Format.Percent(churn.LogoChurnRate)} logo churn: {Format.Count(churn.Lost)} of {Format.Count(churn.ActiveAtStart)} accounts active on {Period.Format(p.Start)} cancelled.",
            Facts =
            [
                new("Logo churn", $"{Format.Percent(churn.LogoChurnRate)} ({Format.Count(churn.Lost)} / {Format.Count(churn.ActiveAtStart)}) for the period shown"),
                new("Annualised", Annualised(churn)),
                new("MRR churned", $"{context.Money(churn.MrrChurned)} of {context.Money(churn.MrrAtStart)} at the start"),
                new("Gross MRR churn", Format.Percent(churn.GrossMrrChurnRate)),
            ],
            Sections =
            [
                .. slice.Groups(context.Book.Accounts).Select(g => (g.Name, Churn: ChurnMetrics.Churn(context.Book, p, g.Includes))).Where(g => g.Churn.ActiveAtStart > 0).ToArray() is { Length: > 0 } groups
                    ? [Reply.Section(slice.Heading, groups, g => $"{g.Name}: {Format.Percent(g.Churn.LogoChurnRate)} logo churn ({Format.Count(g.Churn.Lost)} of {Format.Count(g.Churn.ActiveAtStart)}), {context.Money(g.Churn.MrrChurned)} of {context.Money(g.Churn.MrrAtStart)} MRR", max: 20)]
                    : Array.Empty<ReplySection>(),
                .. churn.Lost == 0 ? Array.Empty<ReplySection>() :
                [
                    Reply.Section("Reasons", churn.Reasons.Select((r, i) => (Rank: i + 1, r.Reason, r.Accounts, r.Mrr)).ToArray(), r => $"{r.Rank}. {r.Reason}: {Format.Count(r.Accounts)} ({context.Money(r.Mrr)} MRR)"),
                    Reply.Section("Churned accounts", churn.Churned, c =>
                        $"{c.Account.Name}: {context.Money(c.MrrLost)} MRR, owner {c.Account.OwnerEmail}, cancelled {Format.Day(c.Account.CanceledOn!.Value)}, reason: {c.Account.ChurnReason ?? ChurnMetrics.UnknownReason}"),
                ],
            ],
        };
    }

    /// <summary>The annualised rate with the formula it was computed by; not shown under a month, where one day's cancellation would read as a year's.</summary>
    public static string Annualised(ChurnResult churn)
    {
        var p = churn.Period;
        if (p.Days < 28) return $"not shown for a period under a month ({Format.Count(p.Days)} {(p.Days == 1 ? "day" : "days")})";
        var exponent = p.WholeCalendarMonths is { } months
            ? months == 1 ? "12" : $"(12 / {Format.Count(months)} months)"
            : $"(365.25 / {Format.Count(p.Days)} days)";
        return $"{Format.Percent(churn.AnnualisedLogoChurnRate)} = 1 - (1 - {Format.Percent(churn.LogoChurnRate)})^{exponent}";
    }

    /// <summary>A period before any data, or with no customers at its start, says so instead of "0 of 0".</summary>
    public static Reply NoCustomersAtStart(string title, Period p, IEnumerable<Account> accounts)
    {
        var first = accounts.Select(a => (DateOnly?)a.StartedOn).Min();
        return Reply.Refusal(title, first is { } day
            ? day >= p.EndExclusive
                ? $"No data for {p.Label}: the first account started on {Period.Format(day)}."
                : $"No account was a customer on {Period.Format(p.Start)}, so there is no one to have churned; the first account started on {Period.Format(day)}."
            : "There are no accounts yet.", "Figures count the accounts that were customers on the first day of the period.");
    }
}
