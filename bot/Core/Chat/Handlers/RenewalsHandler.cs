using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class RenewalsHandler : IChatCommandHandler<RenewalsCommand>
{
    public Reply Handle(RenewalsCommand command, AskContext context)
    {
        var p = command.Period;
        var renewing = context.Book.Accounts
            .Where(a => a.RenewalOn is { } r && p.Contains(r) && (a.CanceledOn is null || a.CanceledOn > r))
            .OrderBy(a => a.RenewalOn).ThenByDescending(a => a.Mrr)
            .Select(a => (Account: a, Health: Health.Assess(context.Book, a, context.Today, context.Team.CoreFeatures, context.Team.Health)))
            .ToArray();
        var mrr = renewing.Sum(r => r.Account.Mrr);
        var poor = renewing.Count(r => r.Health.Band == HealthBand.Poor);
        return new Reply($"Renewals · {p.Label} ({p.Range}) · {context.Scope}")
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
                Reply.Section("Renewing", renewing, r =>
                    $"{Format.Day(r.Account.RenewalOn!.Value)} {r.Account.Name}: {context.Money(r.Account.Mrr)} MRR, owner {r.Account.OwnerEmail}, health {HealthHandler.Band(r.Health.Band)} ({r.Health.Score})", max: 20),
            ],
        };
    }
}
