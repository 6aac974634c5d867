using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class RetentionHandler : IChatCommandHandler<RetentionCommand>
{
    public Reply Handle(RetentionCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        var p = command.Period;
        var w = context.Reader;
        var money = (decimal m) => context.MoneyIn(w, m);
        var title = w["Retention.Title", ("period", w.Span(p)), ("scope", context.ScopeIn(w))] + slice.Title;
        var r = ChurnMetrics.Retention(context.Book, p, slice.Includes);
        if (r.ActiveAtStart == 0) return ChurnHandler.NoCustomersAtStart(w, title, p, context.Book.Accounts.Where(slice.Includes));
        var groups = slice.Groups(context.Book.Accounts).Select(g => (g.Name, Retention: ChurnMetrics.Retention(context.Book, p, g.Includes))).Where(g => g.Retention.ActiveAtStart > 0).ToArray();
        return new Reply(title)
        {
            Summary = w.Plural("Retention.Summary", r.ActiveAtStart, ("rate", w.Percent(r.LogoRetentionRate)), ("retained", r.Retained), ("start", w.Date(p.Start))),
            Facts =
            [
                new(w["Retention.Logo"], w["Retention.LogoValue", ("rate", w.Percent(r.LogoRetentionRate)), ("retained", r.Retained), ("active", r.ActiveAtStart), ("lost", r.Lost)]),
                new(w["Retention.Gross"], w["Retention.GrossValue", ("rate", w.Percent(r.GrossMrrRetention)), ("start", money(r.MrrAtStart)), ("churned", money(r.MrrChurned)),
                    ("contraction", money(r.Contraction))]),
                new(w["Retention.Net"], w["Retention.NetValue", ("rate", w.Percent(r.NetMrrRetention)), ("expansion", money(r.Expansion))]),
            ],
            Sections = groups.Length == 0 ? [] :
            [
                Reply.Section(slice.Heading, groups, g => w["Retention.GroupLine", ("group", g.Name), ("rate", w.Percent(g.Retention.LogoRetentionRate)), ("retained", g.Retention.Retained),
                    ("active", g.Retention.ActiveAtStart), ("net", w.Percent(g.Retention.NetMrrRetention))], max: 20),
            ],
        };
    }
}
