using SuccessBot.Core.Domain;
using SuccessBot.Core.Language;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Time;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class ChurnHandler : IChatCommandHandler<ChurnCommand>
{
    public Reply Handle(ChurnCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        var p = command.Period;
        var w = context.Reader;
        var money = (decimal m) => context.MoneyIn(w, m);
        var title = w["Churn.Title", ("period", w.Span(p)), ("scope", context.ScopeIn(w))] + slice.Title;
        var churn = ChurnMetrics.Churn(context.Book, p, slice.Includes);
        if (churn.ActiveAtStart == 0) return NoCustomersAtStart(w, title, p, context.Book.Accounts.Where(slice.Includes));

        return new Reply(title)
        {
            Summary = w.Plural("Churn.Summary", churn.ActiveAtStart, ("rate", w.Percent(churn.LogoChurnRate)), ("lost", churn.Lost), ("start", w.Date(p.Start))),
            Facts =
            [
                new(w["Churn.LogoChurn"], w["Churn.LogoChurnValue", ("rate", w.Percent(churn.LogoChurnRate)), ("lost", churn.Lost), ("active", churn.ActiveAtStart)]),
                new(w["Churn.Annualised"], Annualised(w, churn)),
                new(w["Churn.MrrChurned"], w["Churn.MrrChurnedValue", ("churned", money(churn.MrrChurned)), ("start", money(churn.MrrAtStart))]),
                new(w["Churn.GrossMrrChurn"], w.Percent(churn.GrossMrrChurnRate)),
            ],
            Sections =
            [
                .. slice.Groups(context.Book.Accounts).Select(g => (g.Name, Churn: ChurnMetrics.Churn(context.Book, p, g.Includes))).Where(g => g.Churn.ActiveAtStart > 0).ToArray() is { Length: > 0 } groups
                    ? [Reply.Section(slice.Heading, groups, g => w["Churn.GroupLine", ("group", g.Name), ("rate", w.Percent(g.Churn.LogoChurnRate)), ("lost", g.Churn.Lost),
                        ("active", g.Churn.ActiveAtStart), ("churned", money(g.Churn.MrrChurned)), ("start", money(g.Churn.MrrAtStart))], max: 20)]
                    : Array.Empty<ReplySection>(),
                .. churn.Lost == 0 ? Array.Empty<ReplySection>() :
                [
                    Reply.Section(w["Churn.Reasons"], churn.Reasons.Select((r, i) => (Rank: i + 1, r.Reason, r.Accounts, r.Mrr)).ToArray(),
                        r => w["Churn.ReasonLine", ("rank", r.Rank), ("reason", Nudges.NudgeCards.ChurnReason(w, r.Reason)), ("accounts", r.Accounts), ("mrr", money(r.Mrr))]),
                    Reply.Section(w["Churn.ChurnedAccounts"], churn.Churned, c => w["Churn.ChurnedLine", ("account", c.Account.Name), ("mrr", money(c.MrrLost)), ("owner", c.Account.OwnerEmail),
                        ("date", c.Account.CanceledOn!.Value), ("reason", Nudges.NudgeCards.ChurnReason(w, c.Account.ChurnReason))]),
                ],
            ],
        };
    }

    /// <summary>The annualised rate with the formula it was computed by; not shown under a month, where one day's cancellation would read as a year's.</summary>
    public static string Annualised(Reader w, ChurnResult churn)
    {
        var p = churn.Period;
        if (p.Days < 28) return w.Plural("Churn.AnnualisedNotShown", p.Days);
        var exponent = p.WholeCalendarMonths is { } months
            ? months == 1 ? "12" : w["Churn.ExponentMonths", ("months", months)]
            : w["Churn.ExponentDays", ("days", p.Days)];
        return w["Churn.AnnualisedValue", ("annual", w.Percent(churn.AnnualisedLogoChurnRate)), ("rate", w.Percent(churn.LogoChurnRate)), ("exponent", exponent)];
    }

    /// <summary>A period before any data, or with no customers at its start, says so instead of "0 of 0".</summary>
    public static Reply NoCustomersAtStart(Reader w, string title, Period p, IEnumerable<Account> accounts)
    {
        var first = accounts.Select(a => (DateOnly?)a.StartedOn).Min();
        return Reply.Refusal(title, first is { } day
            ? day >= p.EndExclusive
                ? w["Churn.NoData", ("period", w.Label(p)), ("first", w.Date(day))]
                : w["Churn.NoCustomerAtStart", ("start", w.Date(p.Start)), ("first", w.Date(day))]
            : w["Churn.NoAccounts"], w["Churn.NoCustomersNote"]);
    }
}
