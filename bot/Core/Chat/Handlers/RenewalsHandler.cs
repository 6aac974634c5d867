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
        var mrr = renewing.Sum(r => r.Account.Mrr);
        var poor = renewing.Count(r => r.Health.Band == HealthBand.Poor);
        var groups = slice.Groups(renewing.Select(r => r.Account)).Select(g => (g.Name, Accounts: renewing.Where(r => g.Includes(r.Account)).ToArray())).ToArray();
        return new Reply($"Renewals · {p.Label} ({p.Range}) · {context.Scope}{slice.Title}")
        {
            Summary = $"{Format.Count(renewing.Length)} accounts renew, {context.Money(mrr)} MRR; {Format.Count(poor)} of them in poor health.",
            Facts =
            [
                new("Accounts", Format.Count(renewing.Length)),
                new("MRR up for renewal", context.Money(mrr)),
                new("Health", string.Join(", ", new[] { HealthBand.Good, HealthBand.Medium, HealthBand.Poor }
                    .Select(b => $"{Format.Count(renewing.Count(r => r.Health.Band == b))} {HealthHandler.Band(b)}"))),
            ],
            Sections = renewing.Length == 0 ? [] :
            [
                .. groups.Length == 0 ? Array.Empty<ReplySection>() : [Reply.Section(slice.Heading, groups, g =>
                    $"{g.Name}: {Format.Count(g.Accounts.Length)} accounts, {context.Money(g.Accounts.Sum(r => r.Account.Mrr))} MRR, {Format.Count(g.Accounts.Count(r => r.Health.Band == HealthBand.Poor))} in poor health", max: 20)],
                Reply.Section("Renewing", renewing, r =>
                    $"{Format.Day(r.Account.RenewalOn!.Value)} {r.Account.Name}: {context.Money(r.Account.Mrr)} MRR, owner {r.Account.OwnerEmail}, health {HealthHandler.Band(r.Health.Band)} ({r.Health.Score})", max: 20),
            ],
        };
    }
}
