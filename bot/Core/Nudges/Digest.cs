using System.Globalization;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Nudges;

/// <summary>The weekly manager digest: renewals due, accounts that turned poor, nudges nobody acted on, and who did what.</summary>
public static class Digest
{
    public static Nudge Build(BookOfBusiness book, IReadOnlyList<NudgeRecord> ledger, DateOnly today, DateTimeOffset now, TeamSettings team, CheckOptions options, string manager)
    {
        var week = ISOWeek.GetWeekOfYear(today.ToDateTime(TimeOnly.MinValue));
        var weekAgo = now.AddDays(-7);
        var money = (decimal m) => Format.Money(m, team.CurrencySymbol);

        var renewing = book.Accounts.Where(a => a.IsActiveOn(today) && a.RenewalOn is { } r && r >= today && r.DayNumber - today.DayNumber <= 30)
            .OrderBy(a => a.RenewalOn).ToArray();
        var turnedPoor = ledger.Where(n => n.Rule == NudgeRules.Engagement && n.CreatedAt >= weekAgo && n.Recipient == book.Find(n.AccountId)?.OwnerEmail)
            .Select(n => book.Find(n.AccountId)).OfType<Account>().Distinct()
            .Select(a => Health.Assess(book, a, today, team.CoreFeatures, team.Health)).Where(h => h.Band == HealthBand.Poor).ToArray();
        var unanswered = ledger.Where(n => n.Status == DeliveryStatus.Sent && n.Action is null && NudgeRules.IsCard(n.Rule)
            && n.SentAt < now.AddDays(-options.EscalateAfterDays) && n.CreatedAt >= now.AddDays(-30)).OrderBy(n => n.SentAt).ToArray();
        var acted = ledger.Where(n => n.ActedAt >= weekAgo && n.Action is not null && n.HandledThrough is null).OrderBy(n => n.ActedAt).ToArray();
        var unreachable = ledger.Where(n => n.Status == DeliveryStatus.Unreachable && n.CreatedAt >= weekAgo).ToArray();

        var card = new Reply($"Weekly digest · week {week}, {today.Year}")
        {
            Summary = $"{renewing.Length} renewals in the next 30 days ({money(renewing.Sum(a => a.Mrr))} MRR), {turnedPoor.Length} accounts turned poor, {unanswered.Length} nudges waiting more than {options.EscalateAfterDays} days.",
            Sections =
            [
                Reply.Section("Renewals in the next 30 days", renewing, a => $"{Format.Day(a.RenewalOn!.Value)} {a.Name}: {money(a.Mrr)} MRR, owner {a.OwnerEmail}"),
                Reply.Section("Turned poor this week", turnedPoor, h => $"{h.Account.Name}: {h.Score}/100, owner {h.Account.OwnerEmail}"),
                Reply.Section($"Nudges unanswered for more than {options.EscalateAfterDays} days", unanswered, n => $"{n.Card.Title} to {n.Recipient}, sent {n.SentAt:yyyy-MM-dd}"),
                Reply.Section("Who acted on what", acted, n => $"{n.ActedAt:yyyy-MM-dd} {n.ActedBy} {n.Action}"),
                Reply.Section("Contacts no chat channel reaches (not surveyed)", unreachable, n => $"{n.Recipient} ({book.Find(n.AccountId)?.Name ?? n.AccountId})"),
            ],
        };
        var trends = TrendsOf(book, today, team, money);
        card = card with { Sections = [.. card.Sections.Where(s => s.Lines.Count > 0), .. trends.Select(c => c.Section())], Charts = trends };
        return new Nudge(Key(today, manager), NudgeRules.Digest, "", manager, card);
    }

    /// <summary>The manager's churn over the last 12 complete months and NPS over the last 4 quarters, as `churn trend` and `nps trend` draw them; none without data.</summary>
    private static Chart[] TrendsOf(BookOfBusiness book, DateOnly today, TeamSettings team, Func<decimal, string> money)
    {
        var churn = Trends.Churn(book, Trends.Buckets(Time.PeriodParser.TryParse("last 12 months", today)!, 1));
        var quarters = Trends.Buckets(Time.PeriodParser.TryParse("last 4 quarters", today)!, 3);
        var nps = Trends.Nps(book, quarters, team.TimeZone);
        return
        [
            .. churn.Any(m => m.ActiveAtStart > 0) ? [TrendCharts.Churn(team.ReaderIn(Language.Languages.English), churn, money)] : Array.Empty<Chart>(),
            .. nps.Any(c => c.Responses > 0) ? [TrendCharts.NpsScores(team.ReaderIn(Language.Languages.English), quarters, nps, 3)] : Array.Empty<Chart>(),
        ];
    }

    /// <summary>
    /// An owner's week: their renewals within the widest window, soonest first, with health. A renewal in good health gets a
    /// card only in its nearest window; until then it is here. Null when the owner has none.
    /// </summary>
    public static Nudge? ForOwner(BookOfBusiness book, DateOnly today, TeamSettings team, CheckOptions options, string owner)
    {
        var horizon = options.RenewalWindows.DefaultIfEmpty(90).Max();
        var mine = book.OwnedBy(owner);
        var renewing = mine.Accounts.Where(a => a.IsActiveOn(today) && a.RenewalOn is { } r && r >= today && r.DayNumber - today.DayNumber <= horizon)
            .OrderBy(a => a.RenewalOn).Select(a => (Account: a, Health: Health.Assess(mine, a, today, team.CoreFeatures, team.Health))).ToArray();
        if (renewing.Length == 0) return null;
        var money = (decimal m) => Format.Money(m, team.CurrencySymbol);
        var card = new Reply($"Your renewals · week {ISOWeek.GetWeekOfYear(today.ToDateTime(TimeOnly.MinValue))}, {today.Year}")
        {
            Summary = $"{renewing.Length} of your accounts renew in the next {horizon} days ({money(renewing.Sum(r => r.Account.Mrr))} MRR). " +
                $"Those in good health get a card {options.GoodHealthRenewalWindow} days before; the others already have one.",
            Sections = [Reply.Section("Renewals", renewing, r => $"{Format.Day(r.Account.RenewalOn!.Value)} {r.Account.Name}: {money(r.Account.Mrr)} MRR, " +
                $"{Chat.Handlers.HealthHandler.Band(team.ReaderIn(Language.Languages.English), r.Health.Band)} health ({r.Health.Score}/100)", max: 30)],
        };
        return new Nudge(Key(today, $"renewals|{owner}"), NudgeRules.Digest, "", owner, card);
    }

    private static string Key(DateOnly today, string recipient) =>
        $"{NudgeRules.Digest}|{today.Year}-W{ISOWeek.GetWeekOfYear(today.ToDateTime(TimeOnly.MinValue)):00}|{recipient.ToLowerInvariant()}";
}
