using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Nudges;

/// <summary>Which card comes first when a person's day has more than their budget: MRR at stake x nearness of renewal x health.</summary>
public static class Urgency
{
    /// <summary>
    /// MRR (at least 1, so that free accounts still order by the rest) x nearness (1 beyond 90 days or without a renewal, up to
    /// 4 on the day) x risk (1 at health 100, up to 5 at 0).
    /// </summary>
    public static double Of(Account account, HealthReport health, DateOnly today)
    {
        var nearness = account.RenewalOn is { } r && r >= today ? 1 + Math.Max(0, 90 - (r.DayNumber - today.DayNumber)) / 30.0 : 1;
        var risk = 1 + (100 - Math.Clamp(health.Score, 0, 100)) / 25.0;
        return (double)Math.Max(account.Mrr, 1m) * nearness * risk;
    }
}

/// <summary>The one message of a day that lists the cards over a person's budget, each with a button that opens it, in their words.</summary>
public static class RollUps
{
    public static Reply Card(Language.Reader w, IReadOnlyList<NudgeRecord> listed, int budget) => new Reply(w.Plural("RollUp.Title", listed.Count))
    {
        Summary = w.Plural("RollUp.Summary", budget),
        Sections = [Reply.Section(w["RollUp.Waiting"], listed, n => n.Card.Title, max: 50)],
        Buttons = [.. listed.Take(NudgeService.MaxOpenButtons).Select(n => new ReplyButton(w["RollUp.Open", ("title", n.Card.Title)], NudgeCards.Open, n.Key))],
    }.CutIn(w);
}
