using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class RenewalsHandler : IChatCommandHandler<RenewalsCommand>
{
    public Reply Handle(RenewalsCommand command, AskContext context)
    {
        if (Slices.Resolve(command.Slice, context, out var refusal) is not { } slice) return refusal!;
        var p = command.Period;
        // The book's index of renewal days: the period costs the accounts that renew in it.
        var renewing = context.Book.RenewingBetween(p.Start, p.EndExclusive).Select(i => context.Book.Accounts[i])
            .Where(a => (a.CanceledOn is null || a.CanceledOn > a.RenewalOn) && slice.Includes(a))
            .OrderBy(a => a.RenewalOn).ThenByDescending(a => a.Mrr)
            .Select(a => (Account: a, Health: Health.Assess(context.Book, a, context.Today, context.Team.CoreFeatures, context.Team.Health)))
            .ToArray();
        var w = context.Reader;
        var money = (decimal m) => context.MoneyIn(w, m);
        var mrr = renewing.Sum(r => r.Account.Mrr);
        var poor = renewing.Count(r => r.Health.Band == HealthBand.Poor);
        var groups = slice.Groups(renewing.Select(r => r.Account)).Select(g => (g.Name, Accounts: renewing.Where(r => g.Includes(r.Account)).ToArray())).ToArray();
        return new Reply(w["Renewals.Title", ("period", w.Span(p)), ("scope", context.ScopeIn(w))] + slice.Title)
        {
            Summary = w.Plural("Renewals.Summary", renewing.Length, ("mrr", money(mrr)), ("poor", poor)),
            Facts =
            [
                new(w["Renewals.Accounts"], w.Count(renewing.Length)),
                new(w["Renewals.MrrUp"], money(mrr)),
                new(w["Fact.Health"], string.Join(", ", new[] { HealthBand.Good, HealthBand.Medium, HealthBand.Poor }
                    .Select(b => w["Renewals.InBand", ("count", renewing.Count(r => r.Health.Band == b)), ("band", HealthHandler.Band(w, b))]))),
            ],
            Sections = renewing.Length == 0 ? [] :
            [
                .. groups.Length == 0 ? Array.Empty<ReplySection>() : [Reply.Section(slice.Heading, groups, g =>
                    w.Plural("Renewals.GroupLine", g.Accounts.Length, ("group", g.Name), ("mrr", money(g.Accounts.Sum(r => r.Account.Mrr))), ("poor", g.Accounts.Count(r => r.Health.Band == HealthBand.Poor))), max: 20)],
                Reply.Section(w["Renewals.Renewing"], renewing, r => w["Renewals.Line", ("date", r.Account.RenewalOn!.Value), ("account", r.Account.Name), ("mrr", money(r.Account.Mrr)),
                    ("owner", r.Account.OwnerEmail), ("band", HealthHandler.Band(w, r.Health.Band)), ("score", r.Health.Score)], max: 20),
            ],
        };
    }
}
