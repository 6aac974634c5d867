using SuccessBot.Core.Language;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

/// <param name="backtests">The last backtest, when there was one: each rule that flags the account says how often it was right.</param>
public sealed class HealthHandler(Backtest.BacktestMemory? backtests = null) : IChatCommandHandler<HealthCommand>
{
    public Reply Handle(HealthCommand command, AskContext context)
    {
        var found = AccountLookup.Find(context.Book, command.AccountQuery);
        if (found is not AccountLookup.Found { Account: var account }) return AccountLookup.NotFound(found, command.AccountQuery, context);

        var reader = context.Reader;
        var mrr = context.MoneyIn(reader, account.Mrr);
        var facts = new List<Fact>
        {
            new(reader["Fact.Owner"], account.OwnerEmail),
            new(reader["Fact.Mrr"], account.Plan is { } plan ? reader["Fact.MrrPlan", ("mrr", mrr), ("plan", plan)] : mrr),
            new(reader["Health.CustomerSince"], reader.Day(account.StartedOn)),
        };
        facts.Add(new(reader["Fact.LastTouchpoint"], LastTouchpoint(reader, context.Book, account.Id)));
        var title = reader["Health.Title", ("account", account.Name)];
        if (account.CanceledOn is { } canceled)
            return new Reply(title)
            {
                Summary = reader["Health.Churned", ("account", account.Name), ("date", canceled), ("reason", Nudges.NudgeCards.ChurnReason(reader, account.ChurnReason))] + ChurnMark(reader, context.Book, account.Id),
                Facts = facts,
            };

        var health = Metrics.Health.Assess(context.Book, account, context.Today, context.Team.CoreFeatures, context.Team.Health);
        var lastWeek = Metrics.Health.Assess(context.Book, account, context.Today.AddDays(-7), context.Team.CoreFeatures, context.Team.Health);
        if (account.RenewalOn is { } renewal) facts.Add(new(reader["Fact.Renewal"], reader.Plural("Health.RenewalIn", renewal.DayNumber - context.Today.DayNumber, ("date", renewal))));
        facts.Add(new(reader["Health.SinceLastWeek"], Moved(reader, health, lastWeek)));
        if (backtests?.Last is { } report)
            foreach (var signal in Flagging(health, context))
                facts.Add(new(Backtest.RuleRecords.Label(reader, signal), Backtest.BacktestAnswer.Record(reader, report, signal)));
        var components = health.Components;
        var weakest = components.OrderBy(c => c.Score).First();
        var activity = context.Book.TouchpointsOf(account.Id).Reverse().ToArray();
        var charts = Weekly(account, context);
        return new Reply(title)
        {
            Summary = reader["Health.Summary", ("band", Band(reader, health.Band)), ("score", health.Score), ("name", weakest.NameIn(reader)), ("detail", weakest.DetailIn(reader))],
            Facts = facts,
            Sections =
            [
                Reply.Section(reader["Health.Components"], components, c =>
                    reader["Health.Component", ("name", c.NameIn(reader)), ("score", Math.Round(c.Score).ToString("0", reader.IsEnglish ? Format.Culture : reader.Culture)), ("weight", reader.Number(c.Weight)), ("detail", c.DetailIn(reader))]),
                .. charts.Length == 0 ? Array.Empty<ReplySection>() : [charts[^1].Section()],
                .. activity.Length == 0 ? Array.Empty<ReplySection>() : [Reply.Section(reader["Health.RecentActions"], activity, t =>
                    reader["Health.Action", ("date", DateOnly.FromDateTime(t.At.DateTime)), ("kind", Kind(reader, t.Kind)), ("by", t.By)] + (t.Note is { Length: > 0 } note ? $": {Format.Quote(note, 120)}" : ""), max: 5)],
            ],
            Charts = charts,
            Note = charts.Length == 1 ? reader["Health.NoSessions", ("weeks", WeeksDrawn)] : null,
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
        var (usage, history) = TrendCharts.Account(context.Reader, account.Name, weeks, sessions, scores, context.Team.Health);
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
    private static string Moved(Reader reader, HealthReport now, HealthReport before)
    {
        var then = before.Components.ToDictionary(c => c.Name, c => c.Score);
        var most = now.Components.Select(c => (Component: c, Delta: c.Score - then.GetValueOrDefault(c.Name, c.Score)))
            .OrderByDescending(c => Math.Abs(c.Delta)).First();
        var change = now.Score - before.Score;
        var moved = Math.Abs(most.Delta) < 0.5 ? reader["Health.NoneMoved"]
            : reader["Health.MovedMost", ("name", most.Component.NameIn(reader)), ("delta", (most.Delta > 0 ? "+" : "") + reader.Number(most.Delta, "0")), ("detail", most.Component.DetailIn(reader))];
        return reader["Health.Moved", ("before", before.Score), ("now", now.Score), ("change", (change >= 0 ? "+" : "") + reader.Number(change, "0")), ("moved", moved)];
    }

    /// <summary>The last call, email or meeting logged: "call on 2026-11-25 by ana@example.com: talked budgets".</summary>
    public static string LastTouchpoint(Reader reader, Domain.BookOfBusiness book, string accountId) =>
        book.TouchpointsOf(accountId).LastOrDefault(t => t.Kind is "call" or "email" or "meeting") is { } last ? Describe(reader, last) : reader["Touchpoint.NoneLogged"];

    public static string Describe(Reader reader, Domain.Touchpoint t) =>
        reader["Touchpoint.Described", ("kind", Kind(reader, t.Kind)), ("date", DateOnly.FromDateTime(t.At.DateTime)), ("by", t.By)] + (t.Note is { Length: > 0 } n ? $": {Format.Quote(n, 80)}" : "");

    /// <summary>A call, email or meeting in the reader's words; any other kind as it was logged.</summary>
    public static string Kind(Reader reader, string kind) => kind is "call" or "email" or "meeting" or "churned" or "snooze" ? reader[$"Touchpoint.{kind}"] : kind;

    /// <summary>Who marked the account churned in chat, when, with the reason and note; empty when it was imported so.</summary>
    public static string ChurnMark(Reader reader, Domain.BookOfBusiness book, string accountId) =>
        book.TouchpointsOf(accountId).LastOrDefault(t => t.Kind == "churned") is { } mark
            ? reader["Health.ChurnMark", ("by", mark.By), ("at", reader.Moment(mark.At)), ("note", Format.Quote(mark.Note ?? "", 300))]
            : "";

    public static string Band(Reader reader, HealthBand band) => reader[band switch
    {
        HealthBand.Good => "Band.Good",
        HealthBand.Medium => "Band.Medium",
        _ => "Band.Poor",
    }];
}
