using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class AtRiskHandler : IChatCommandHandler<AtRiskCommand>
{
    public Reply Handle(AtRiskCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        var w = context.Reader;
        var money = (decimal m) => context.MoneyIn(w, m);
        var options = context.Team.Health;
        var active = context.Book.Accounts.Where(a => a.IsActiveOn(context.Today) && slice.Includes(a)).ToArray();
        var assessed = active.Select(a => Health.Assess(context.Book, a, context.Today, context.Team.CoreFeatures, options)).ToArray();
        var atRisk = assessed
            .Where(h => h.Band == HealthBand.Poor || h.IsFalling)
            .OrderBy(h => h.Account.RenewalOn ?? DateOnly.MaxValue).ThenByDescending(h => h.Account.Mrr)
            .ToArray();
        var mrr = atRisk.Sum(h => h.Account.Mrr);
        decimal MrrIn(HealthBand band) => assessed.Where(h => h.Band == band).Sum(h => h.Account.Mrr);
        Chart[] bands = active.Length == 0 ? [] : [TrendCharts.Bands(w, Trends.Bands(assessed), MrrIn(HealthBand.Good), MrrIn(HealthBand.Medium), MrrIn(HealthBand.Poor), options, money)];
        var groups = slice.Groups(active).Select(g => (g.Name, Active: active.Count(g.Includes), AtRisk: atRisk.Where(h => g.Includes(h.Account)).ToArray())).ToArray();
        return new Reply(w["AtRisk.Title", ("date", w.Date(context.Today)), ("scope", context.ScopeIn(w))] + slice.Title)
        {
            Summary = w.Plural("AtRisk.Summary", active.Length, ("atRisk", atRisk.Length), ("mrr", money(mrr))),
            Facts =
            [
                new(w["AtRisk.PoorHealth"], w.Count(atRisk.Count(h => h.Band == HealthBand.Poor))),
                new(w["AtRisk.UsageFalling"], w["AtRisk.UsageFallingValue", ("falling", atRisk.Count(h => h.IsFalling)), ("share", w.Percent(options.FallingShare))]),
                new(w["AtRisk.MrrAtRisk"], money(mrr)),
            ],
            Charts = bands,
            Sections =
            [
                .. bands.Select(b => b.Section()),
                .. groups.Length == 0 ? Array.Empty<ReplySection>() : [Reply.Section(slice.Heading, groups, g =>
                    w.Plural("AtRisk.GroupLine", g.Active, ("group", g.Name), ("atRisk", g.AtRisk.Length), ("mrr", money(g.AtRisk.Sum(h => h.Account.Mrr)))), max: 20)],
                .. atRisk.Length == 0 ? Array.Empty<ReplySection>() : [Reply.Section(w["AtRisk.SoonestFirst"], atRisk, h => w["AtRisk.Line", ("account", h.Account.Name),
                    ("band", HealthHandler.Band(w, h.Band)), ("score", h.Score), ("sessions", h.SessionTrend is { } t ? w["AtRisk.Sessions", ("trend", w.Signed(t))] : w["AtRisk.NoSessions"]),
                    ("mrr", money(h.Account.Mrr)), ("renews", h.Account.RenewalOn is { } r ? w.Day(r) : w["AtRisk.NoRenewal"]), ("owner", h.Account.OwnerEmail)], max: 20)],
            ],
        };
    }
}
