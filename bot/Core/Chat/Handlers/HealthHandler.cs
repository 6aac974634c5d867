using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class HealthHandler : IChatCommandHandler<HealthCommand>
{
    public Reply Handle(HealthCommand command, AskContext context)
    {
        var found = AccountLookup.Find(context.Book.Accounts, command.AccountQuery);
        if (found is not AccountLookup.Found { Account: var account }) return AccountLookup.NotFound(found, command.AccountQuery, context);

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
        var lastWeek = Metrics.Health.Assess(context.Book, account, context.Today.AddDays(-7), context.Team.CoreFeatures, context.Team.Health);
        if (account.RenewalOn is { } renewal) facts.Add(new("Renewal", $"{Format.Day(renewal)} (in {renewal.DayNumber - context.Today.DayNumber} days)"));
        facts.Add(new("Since last week", Moved(health, lastWeek)));
        var components = health.Components;
        var weakest = components.OrderBy(c => c.Score).First();
        var activity = context.Book.TouchpointsOf(account.Id).Reverse().ToArray();
        return new Reply($"Health · {account.Name}")
        {
            Summary = $"{Band(health.Band)}: {health.Score}/100. Weakest: {weakest.Name}, {weakest.Detail}.",
            Facts = facts,
            Sections =
            [
                Reply.Section("Components (score out of 100, weight)", components, c => $"{c.Name}: {Math.Round(c.Score):0} (weight {c.Weight:0.#}): {c.Detail}"),
                .. activity.Length == 0 ? Array.Empty<ReplySection>() : [Reply.Section("Recent actions", activity, t =>
                    $"{t.At:yyyy-MM-dd} {t.Kind} by {t.By}" + (t.Note is { Length: > 0 } note ? $": {Format.Quote(note, 120)}" : ""), max: 5)],
            ],
        };
    }

    /// <summary>"72 to 58 (-14); moved most: trend, -40 points (sessions 420 to 210 (-50%) in 4 weeks)".</summary>
    private static string Moved(HealthReport now, HealthReport before)
    {
        var then = before.Components.ToDictionary(c => c.Name, c => c.Score);
        var most = now.Components.Select(c => (c.Name, c.Detail, Delta: c.Score - then.GetValueOrDefault(c.Name, c.Score)))
            .OrderByDescending(c => Math.Abs(c.Delta)).First();
        var change = now.Score - before.Score;
        var moved = Math.Abs(most.Delta) < 0.5 ? "no component moved" : $"moved most: {most.Name}, {(most.Delta > 0 ? "+" : "")}{most.Delta:0} points ({most.Detail})";
        return $"{before.Score} to {now.Score} ({(change >= 0 ? "+" : "")}{change}); {moved}";
    }

    public static string Band(HealthBand band) => band switch
    {
        HealthBand.Good => "good",
        HealthBand.Medium => "medium",
        _ => "poor",
    };
}
