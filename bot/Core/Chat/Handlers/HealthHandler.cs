using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class HealthHandler : IChatCommandHandler<HealthCommand>
{
    public Reply Handle(HealthCommand command, AskContext context)
    {
        if (AccountLookup.Find(context.Book.Accounts, command.AccountQuery) is not AccountLookup.Found { Account: var account } )
            return AccountLookup.NotFound(AccountLookup.Find(context.Book.Accounts, command.AccountQuery), command.AccountQuery, context);

        var facts = new List<Fact>
        {
            new("Owner", account.OwnerEmail),
            new("MRR", context.Money(account.Mrr) + (account.Plan is { } plan ? $" ({plan})" : "")),
            new("Customer since", Format.Day(account.StartedOn)),
        };
        if (account.CanceledOn is { } canceled)
            return new Reply($"Health · {account.Name}")
            {
                Summary = $"{account.Name} churned on {Format.Day(canceled)} ({account.ChurnReason ?? ChurnMetrics.UnknownReason}).",
                Facts = facts,
            };

        var health = Metrics.Health.Assess(context.Book, account, context.Today, context.Team.CoreFeatures, context.Team.Health);
        if (account.RenewalOn is { } renewal) facts.Add(new("Renewal", $"{Format.Day(renewal)} (in {renewal.DayNumber - context.Today.DayNumber} days)"));
        var components = health.Components;
        var weakest = components.OrderBy(c => c.Score).First();
        return new Reply($"Health · {account.Name}")
        {
            Summary = $"{Band(health.Band)}: {health.Score}/100. Weakest: {weakest.Name}, {weakest.Detail}.",
            Facts = facts,
            Sections = [Reply.Section("Components (score out of 100, weight)", components, c =>
                $"{c.Name}: {Math.Round(c.Score):0} (weight {c.Weight:0.#}): {c.Detail}")],
        };
    }

    public static string Band(HealthBand band) => band switch
    {
        HealthBand.Good => "good",
        HealthBand.Medium => "medium",
        _ => "poor",
    };
}
