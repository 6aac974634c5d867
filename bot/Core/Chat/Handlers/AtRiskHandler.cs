using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class AtRiskHandler : IChatCommandHandler<AtRiskCommand>
{
    public Reply Handle(AtRiskCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        var options = context.Team.Health;
        var active = context.Book.Accounts.Where(a => a.IsActiveOn(context.Today) && slice.Includes(a)).ToArray();
        var assessed = active.Select(a => Health.Assess(context.Book, a, context.Today, context.Team.CoreFeatures, options)).ToArray();
        var atRisk = assessed
            .Where(h => h.Band == HealthBand.Poor || h.IsFalling)
            .OrderBy(h => h.Account.RenewalOn ?? DateOnly.MaxValue).ThenByDescending(h => h.Account.Mrr)
            .ToArray();
        var mrr = atRisk.Sum(h => h.Account.Mrr);
        decimal MrrIn(HealthBand band) => assessed.Where(h => h.Band == band).Sum(h => h.Account.Mrr);
        Chart[] bands = active.Length == 0 ? [] : [TrendCharts.Bands(Trends.Bands(assessed), MrrIn(HealthBand.Good), MrrIn(HealthBand.Medium), MrrIn(HealthBand.Poor), options, context.Money)];
        var groups = slice.Groups(active).Select(g => (g.Name, Active: active.Count(g.Includes), AtRisk: atRisk.Where(h => g.Includes(h.Account)).ToArray())).ToArray();
        return new Reply($"At risk · {Time.Period.Format(context.Today)} · {context.Scope}{slice.Title}")
        {
            Summary = $"{Format.Count(atRisk.Length)} of {Format.Count(active.Length)} active accounts are at risk, {context.Money(mrr)} MRR.",
            Facts =
            [
                new("Poor health", Format.Count(atRisk.Count(h => h.Band == HealthBand.Poor))),
                new("Usage falling", $"{Format.Count(atRisk.Count(h => h.IsFalling))} (sessions down {Format.Percent(options.FallingShare)} or more in 4 weeks)"),
                new("MRR at risk", context.Money(mrr)),
            ],
            Charts = bands,
            Sections =
            [
                .. bands.Select(b => b.Section()),
                .. groups.Length == 0 ? Array.Empty<ReplySection>() : [Reply.Section(slice.Heading, groups, g =>
                    $"{g.Name}: {Format.Count(g.AtRisk.Length)} of {Format.Count(g.Active)} active accounts at risk, {context.Money(g.AtRisk.Sum(h => h.Account.Mrr))} MRR", max: 20)],
                .. atRisk.Length == 0 ? Array.Empty<ReplySection>() : [Reply.Section("Soonest renewal first", atRisk, h =>
                    $"{h.Account.Name}: {HealthHandler.Band(context.Team.ReaderIn(Language.Languages.English), h.Band)} ({h.Score}), {(h.SessionTrend is { } t ? "sessions " + Health.Signed(t) : "no recent sessions")}, {context.Money(h.Account.Mrr)} MRR, renews {(h.Account.RenewalOn is { } r ? Format.Day(r) : "not set")}, owner {h.Account.OwnerEmail}", max: 20)],
            ],
        };
    }
}
