using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

/// <param name="backtests">The last backtest, when there was one: each rule that flags the account says how often it was right.</param>
public sealed class HealthHandler(Backtest.BacktestMemory? backtests = null) : IChatCommandHandler<HealthCommand>
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
        facts.Add(new("Last touchpoint", LastTouchpoint(context.Book, account.Id)));
        if (account.CanceledOn is { } canceled)
            return new Reply($"Health · {account.Name}")
            {
                Summary = $"{account.Name} churned on {Format.Day(canceled)} ({account.ChurnReason ?? ChurnMetrics.UnknownReason})." + ChurnMark(context.Book, account.Id),
                Facts = facts,
            };

        var health = Metrics.Health.Assess(context.Book, account, context.Today, context.Team.CoreFeatures, context.Team.Health);
        var lastWeek = Metrics.Health.Assess(context.Book, account, context.Today.AddDays(-7), context.Team.CoreFeatures, context.Team.Health);
        if (account.RenewalOn is { } renewal) facts.Add(new("Renewal", $"{Format.Day(renewal)} (in {renewal.DayNumber - context.Today.DayNumber} days)"));
        facts.Add(new("Since last week", Moved(health, lastWeek)));
        if (backtests?.Last is { } report)
            foreach (var signal in Flagging(health, context))
                facts.Add(new(Backtest.RuleRecords.Label(signal), Backtest.BacktestAnswer.Record(report, signal)));
        var components = health.Components;
        var weakest = components.OrderBy(c => c.Score).First();
        var activity = context.Book.TouchpointsOf(account.Id).Reverse().ToArray();
        var charts = Weekly(account, context);
        return new Reply($"Health · {account.Name}")
        {
            Summary = $"{Band(health.Band)}: {health.Score}/100. Weakest: {weakest.Name}, {weakest.Detail}.",
            Facts = facts,
            Sections =
            [
                Reply.Section("Components (score out of 100, weight)", components, c => $"{c.Name}: {Math.Round(c.Score):0} (weight {c.Weight:0.#}): {c.Detail}"),
                .. charts.Length == 0 ? Array.Empty<ReplySection>() : [charts[^1].Section()],
                .. activity.Length == 0 ? Array.Empty<ReplySection>() : [Reply.Section("Recent actions", activity, t =>
                    $"{t.At:yyyy-MM-dd} {t.Kind} by {t.By}" + (t.Note is { Length: > 0 } note ? $": {Format.Quote(note, 120)}" : ""), max: 5)],
            ],
            Charts = charts,
            Note = charts.Length == 1 ? $"No sessions in the last {Format.Count(WeeksDrawn)} weeks, so there is no usage chart." : null,
        };
    }

    private const int WeeksDrawn = 12;

    /// <summary>Weekly sessions over the last 12 weeks (left out when there were none) and the health score at the end of each, from the week the account started.</summary>
    private static Chart[] Weekly(Domain.Account account, AskContext context)
    {
        var weeks = Trends.Weeks(context.Today, WeeksDrawn).Where(w => w.LastDay >= account.StartedOn).ToArray();
        if (weeks.Length == 0) return [];
        var sessions = Trends.Sessions(context.Book, account, weeks);
        var scores = Trends.HealthScores(context.Book, account, weeks, context.Team.CoreFeatures, context.Team.Health);
        var (usage, history) = TrendCharts.Account(account.Name, weeks, sessions, scores, context.Team.Health);
        return sessions.Any(s => s > 0) ? [usage, history] : [history];
    }

    /// <summary>The rules of the backtest that flag the account today, as the card names them.</summary>
    private static IEnumerable<Backtest.Signal> Flagging(HealthReport health, AskContext context)
    {
        if (health.Band == HealthBand.Poor) yield return Backtest.Signal.PoorBand;
        if (health.IsFalling) yield return Backtest.Signal.FallingUsage;
        if ((health.Facts.DaysIdle ?? int.MaxValue) >= context.Team.Health.InactiveDays) yield return Backtest.Signal.Inactivity;
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

    /// <summary>The last call, email or meeting logged: "call on 2026-11-25 by ana@example.com: talked budgets".</summary>
    public static string LastTouchpoint(Domain.BookOfBusiness book, string accountId) =>
        book.TouchpointsOf(accountId).LastOrDefault(t => t.Kind is "call" or "email" or "meeting") is { } last ? Describe(last) : "none logged";

    public static string Describe(Domain.Touchpoint t) => $"{t.Kind} on {t.At:yyyy-MM-dd} by {t.By}" + (t.Note is { Length: > 0 } n ? $": {Format.Quote(n, 80)}" : "");

    /// <summary>Who marked the account churned in chat, when, with the reason and note; empty when it was imported so.</summary>
    public static string ChurnMark(Domain.BookOfBusiness book, string accountId) =>
        book.TouchpointsOf(accountId).LastOrDefault(t => t.Kind == "churned") is { } mark
            ? $" Marked churned by {mark.By} on {mark.At:yyyy-MM-dd HH:mm} UTC: {Format.Quote(mark.Note ?? "", 300)}."
            : "";

    public static string Band(HealthBand band) => band switch
    {
        HealthBand.Good => "good",
        HealthBand.Medium => "medium",
        _ => "poor",
    };
}
