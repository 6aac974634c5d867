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
        var unanswered = ledger.Where(n => n.Status == DeliveryStatus.Sent && n.Action is null && n.Rule is not (NudgeRules.Digest or Surveys.SurveyService.Rule)
            && n.SentAt < now.AddDays(-options.EscalateAfterDays) && n.CreatedAt >= now.AddDays(-30)).OrderBy(n => n.SentAt).ToArray();
        var acted = ledger.Where(n => n.ActedAt >= weekAgo).OrderBy(n => n.ActedAt).ToArray();
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
        card = card with { Sections = card.Sections.Where(s => s.Lines.Count > 0).ToArray() };
        return new Nudge($"{NudgeRules.Digest}|{today.Year}-W{week:00}|{manager.ToLowerInvariant()}", NudgeRules.Digest, "", manager, card);
    }
}
