using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class RetentionHandler : IChatCommandHandler<RetentionCommand>
{
    public Reply Handle(RetentionCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        var p = command.Period;
        var title = $"Retention · {p.Label} ({p.Range}) · {context.Scope}{slice.Title}";
        var r = ChurnMetrics.Retention(context.Book, p, slice.Includes);
        if (r.ActiveAtStart == 0) return ChurnHandler.NoCustomersAtStart(context.Team.ReaderIn(Language.Languages.English), title, p, context.Book.Accounts.Where(slice.Includes));
        var groups = slice.Groups(context.Book.Accounts).Select(g => (g.Name, Retention: ChurnMetrics.Retention(context.Book, p, g.Includes))).Where(g => g.Retention.ActiveAtStart > 0).ToArray();
        return new Reply(title)
        {
            Summary = $"{Format.Percent(r.LogoRetentionRate)} logo retention: {Format.Count(r.Retained)} of {Format.Count(r.ActiveAtStart)} accounts active on {Time.Period.Format(p.Start)} are still customers.",
            Facts =
            [
                new("Logo retention", $"{Format.Percent(r.LogoRetentionRate)} ({Format.Count(r.Retained)} / {Format.Count(r.ActiveAtStart)}; {Format.Count(r.Lost)} lost)"),
                new("Gross MRR retention", $"{Format.Percent(r.GrossMrrRetention)} ({context.Money(r.MrrAtStart)} at the start, {context.Money(r.MrrChurned)} churned, {context.Money(r.Contraction)} contraction)"),
                new("Net MRR retention", $"{Format.Percent(r.NetMrrRetention)} (with {context.Money(r.Expansion)} expansion)"),
            ],
            Sections = groups.Length == 0 ? [] :
            [
                Reply.Section(slice.Heading, groups, g => $"{g.Name}: {Format.Percent(g.Retention.LogoRetentionRate)} logo retention ({Format.Count(g.Retention.Retained)} of {Format.Count(g.Retention.ActiveAtStart)}), net MRR {Format.Percent(g.Retention.NetMrrRetention)}", max: 20),
            ],
        };
    }
}
