using System.Security.Cryptography;
using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Language;
using SuccessBot.Core.Nudges;

namespace SuccessBot.Core.Surveys;

/// <summary>Who gets a survey, and sending it: a survey is recorded, then delivered like a nudge by the same ledger and channels.</summary>
public sealed class SurveyService(IBookSource books, ISurveyStore surveys, INudgeLedger ledger, IAuditLog audit, TeamSettings team, NpsOptions options, TimeProvider clock)
{
    public const string Rule = "survey";

    /// <summary>Contacts of active accounts, old enough, not asked within the cooldown, not opted out; never-asked first, at most the day's quota.</summary>
    public static IReadOnlyList<(Account Account, string Contact)> Due(
        BookOfBusiness book, DateOnly today, NpsOptions options, IReadOnlyDictionary<string, DateTimeOffset> lastSurveyed, IReadOnlySet<string> optedOut)
    {
        var cooldownStart = new DateTimeOffset(today.AddDays(-options.CooldownDays).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var todayStart = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var quota = options.MaxPerDay - lastSurveyed.Values.Count(at => at >= todayStart);
        if (quota <= 0) return [];
        return book.Accounts
            .Where(a => a.IsActiveOn(today) && today.DayNumber - a.StartedOn.DayNumber >= options.MinAccountAgeDays)
            .SelectMany(a => a.ContactEmails.Select(c => (Account: a, Contact: c, Last: lastSurveyed.GetValueOrDefault(c.ToLowerInvariant()))))
            .Where(x => !optedOut.Contains(x.Contact.ToLowerInvariant()) && x.Last < cooldownStart)
            .OrderBy(x => x.Last).ThenBy(x => x.Account.Id, StringComparer.Ordinal).ThenBy(x => x.Contact, StringComparer.OrdinalIgnoreCase)
            .Take(quota)
            .Select(x => (x.Account, x.Contact))
            .ToArray();
    }

    /// <summary>Today's due contacts, without sending (`check nps --dry-run`).</summary>
    public IReadOnlyList<(Account Account, string Contact)> DueToday() =>
        Due(books.Current, team.Today(clock.GetUtcNow()), options, surveys.LastSurveyed(), surveys.OptedOut());

    /// <summary>
    /// Sends today's surveys, each account's with its audit entry in one transaction (<paramref name="who"/> through
    /// <paramref name="channel"/>: the campaign, or `check nps`); running it again the same day sends nothing more.
    /// </summary>
    public int SendDue(string who, string channel) => DueToday().GroupBy(due => due.Account).Sum(account => audit.Recorded(() =>
    {
        var sent = account.Select(due => due.Contact).Where(contact => Send(account.Key, contact)).ToArray();
        return (sent.Length, sent.Length == 0 ? null : SurveyAudit.Sent(clock.GetUtcNow(), who, channel, account.Key.Id, sent, force: false));
    }));

    /// <summary>`nps send ACCOUNT [force]`: the account's contacts, cooldown respected unless forced, opt-outs always; audited when it sent one.</summary>
    public (IReadOnlyList<string> Sent, IReadOnlyList<SkippedContact> Skipped) SendTo(Account account, bool force, string who, string channel) => audit.Recorded(() =>
    {
        var outcome = SendNow(account, force);
        return (outcome, outcome.Sent.Count == 0 ? null : SurveyAudit.Sent(clock.GetUtcNow(), who, channel, account.Id, outcome.Sent, force));
    });

    private (IReadOnlyList<string> Sent, IReadOnlyList<SkippedContact> Skipped) SendNow(Account account, bool force)
    {
        var last = surveys.LastSurveyed();
        var optedOut = surveys.OptedOut();
        var cooldownStart = clock.GetUtcNow().AddDays(-options.CooldownDays);
        var sent = new List<string>();
        var skipped = new List<SkippedContact>();
        foreach (var contact in account.ContactEmails)
        {
            var key = contact.ToLowerInvariant();
            if (optedOut.Contains(key)) skipped.Add(new(contact, null));
            else if (!force && last.TryGetValue(key, out var at) && at >= cooldownStart) skipped.Add(new(contact, DateOnly.FromDateTime(at.DateTime)));
            else if (Send(account, contact)) sent.Add(contact);
        }
        return (sent, skipped);
    }

    private bool Send(Account account, string contact)
    {
        var now = clock.GetUtcNow();
        // Unguessable: the id in a button value is what proves which survey a click answers.
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        surveys.SaveSurvey(new SurveyState { Id = id, AccountId = account.Id, Contact = contact, CreatedAt = now });
        return ledger.Add(NudgeRecord.From(new Nudge($"{Rule}|{id}", Rule, account.Id, contact, SurveyCards.Question(team.ReaderIn(Languages.OfContact(account, contact, null, team)), id, options.Product)), now));
    }
}

/// <summary>A contact `nps send` did not survey: opted out (<see cref="AskedOn"/> null), or asked within the cooldown on that day.</summary>
public sealed record SkippedContact(string Contact, DateOnly? AskedOn);
