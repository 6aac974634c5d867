using System.Globalization;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Nudges;

/// <summary>The weekly manager digest: renewals due, accounts that turned poor, nudges nobody acted on, and who did what; each in its recipient's language.</summary>
public static class Digest
{
    public static Nudge Build(BookOfBusiness book, IReadOnlyList<NudgeRecord> ledger, DateOnly today, DateTimeOffset now, TeamSettings team, CheckOptions options, string manager)
    {
        var w = team.ReaderOfMember(manager);
        var (week, year) = Week(today);
        var weekAgo = now.AddDays(-7);
        var money = (decimal m) => w.Money(m, team.CurrencySymbol);

        var renewing = book.Accounts.Where(a => a.IsActiveOn(today) && a.RenewalOn is { } r && r >= today && r.DayNumber - today.DayNumber <= 30)
            .OrderBy(a => a.RenewalOn).ToArray();
        var turnedPoor = ledger.Where(n => n.Rule == NudgeRules.Engagement && n.CreatedAt >= weekAgo && n.Recipient == book.Find(n.AccountId)?.OwnerEmail)
            .Select(n => book.Find(n.AccountId)).OfType<Account>().Distinct()
            .Select(a => Health.Assess(book, a, today, team.CoreFeatures, team.Health)).Where(h => h.Band == HealthBand.Poor).ToArray();
        var unanswered = ledger.Where(n => n.Status == DeliveryStatus.Sent && n.Action is null && NudgeRules.IsCard(n.Rule)
            && n.SentAt < now.AddDays(-options.EscalateAfterDays) && n.CreatedAt >= now.AddDays(-30)).OrderBy(n => n.SentAt).ToArray();
        var acted = ledger.Where(n => n.ActedAt >= weekAgo && n.Action is not null && n.HandledThrough is null).OrderBy(n => n.ActedAt).ToArray();
        var unreachable = ledger.Where(n => n.Status == DeliveryStatus.Unreachable && n.CreatedAt >= weekAgo).ToArray();

        var card = new Reply(w["Digest.Title", ("week", week), ("year", year)])
        {
            Summary = w["Digest.Summary",
                ("renewals", w.Plural("Digest.Renewals", renewing.Length, ("mrr", money(renewing.Sum(a => a.Mrr))))),
                ("poor", w.Plural("Digest.TurnedPoor", turnedPoor.Length)),
                ("waiting", w.Plural("Digest.Waiting", options.EscalateAfterDays, ("nudges", unanswered.Length)))],
            Sections =
            [
                Reply.Section(w["Digest.RenewalsHeading"], renewing, a => w["Digest.RenewalLine", ("date", a.RenewalOn!.Value), ("account", a.Name), ("mrr", money(a.Mrr)), ("owner", a.OwnerEmail)]),
                Reply.Section(w["Digest.TurnedPoorHeading"], turnedPoor, h => w["Digest.TurnedPoorLine", ("account", h.Account.Name), ("score", h.Score), ("owner", h.Account.OwnerEmail)]),
                Reply.Section(w.Plural("Digest.UnansweredHeading", options.EscalateAfterDays), unanswered,
                    n => w["Digest.UnansweredLine", ("title", n.Card.Title), ("recipient", n.Recipient), ("date", DateOnly.FromDateTime(n.SentAt!.Value.DateTime))]),
                Reply.Section(w["Digest.ActedHeading"], acted, n => w["Digest.ActedLine", ("date", DateOnly.FromDateTime(n.ActedAt!.Value.DateTime)), ("by", n.ActedBy), ("what", NudgeCards.What(w, n))]),
                Reply.Section(w["Digest.UnreachableHeading"], unreachable, n => w["Digest.UnreachableLine", ("contact", n.Recipient), ("account", book.Find(n.AccountId)?.Name ?? n.AccountId)]),
            ],
        };
        var trends = TrendsOf(book, today, team, w, money);
        card = card with { Sections = [.. card.Sections.Where(s => s.Lines.Count > 0), .. trends.Select(c => c.Section())], Charts = trends };
        return new Nudge(Key(today, manager), NudgeRules.Digest, "", manager, card.CutIn(w));
    }

    /// <summary>The manager's churn over the last 12 complete months and NPS over the last 4 quarters, as `churn trend` and `nps trend` draw them; none without data.</summary>
    private static Chart[] TrendsOf(BookOfBusiness book, DateOnly today, TeamSettings team, Language.Reader w, Func<decimal, string> money)
    {
        var churn = Trends.Churn(book, Trends.Buckets(Time.PeriodParser.TryParse("last 12 months", today)!, 1));
        var quarters = Trends.Buckets(Time.PeriodParser.TryParse("last 4 quarters", today)!, 3);
        var nps = Trends.Nps(book, quarters, team.TimeZone);
        return
        [
            .. churn.Any(m => m.ActiveAtStart > 0) ? [TrendCharts.Churn(w, churn, money)] : Array.Empty<Chart>(),
            .. nps.Any(c => c.Responses > 0) ? [TrendCharts.NpsScores(w, quarters, nps, 3)] : Array.Empty<Chart>(),
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
        var w = team.ReaderOfMember(owner);
        var money = (decimal m) => w.Money(m, team.CurrencySymbol);
        var (week, year) = Week(today);
        var card = new Reply(w["Digest.OwnerTitle", ("week", week), ("year", year)])
        {
            Summary = w["Digest.OwnerSummary",
                ("renewing", w.Plural("Digest.OwnerRenewing", horizon, ("renewing", renewing.Length), ("mrr", money(renewing.Sum(r => r.Account.Mrr))))),
                ("cards", w.Plural("Digest.OwnerCards", options.GoodHealthRenewalWindow))],
            Sections = [Reply.Section(w["Digest.OwnerHeading"], renewing, r => w["Digest.OwnerLine", ("date", r.Account.RenewalOn!.Value), ("account", r.Account.Name),
                ("mrr", money(r.Account.Mrr)), ("band", Chat.Handlers.HealthHandler.Band(w, r.Health.Band)), ("score", r.Health.Score)], max: 30)],
        };
        return new Nudge(Key(today, $"renewals|{owner}"), NudgeRules.Digest, "", owner, card.CutIn(w));
    }

    /// <summary>The ISO week of <paramref name="today"/> and its year as a title writes it ("2026", never "2,026").</summary>
    private static (int Week, string Year) Week(DateOnly today) =>
        (ISOWeek.GetWeekOfYear(today.ToDateTime(TimeOnly.MinValue)), today.Year.ToString(CultureInfo.InvariantCulture));

    private static string Key(DateOnly today, string recipient) =>
        $"{NudgeRules.Digest}|{today.Year}-W{ISOWeek.GetWeekOfYear(today.ToDateTime(TimeOnly.MinValue)):00}|{recipient.ToLowerInvariant()}";
}
