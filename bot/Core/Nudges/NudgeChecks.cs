using SuccessBot.Core.Backtest;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Language;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Nudges;

[Flags]
public enum CheckKind { Renewals = 1, Engagement = 2, Onboarding = 4, Nps = 8, All = Renewals | Engagement | Onboarding | Nps }

/// <summary>Everything a daily check reads: the book, the day, the settings, and what the ledger remembers.</summary>
public sealed record CheckInputs(
    BookOfBusiness Book,
    DateOnly Today,
    TeamSettings Team,
    CheckOptions Options,
    IReadOnlyDictionary<string, AccountSignals> Signals,
    IReadOnlyDictionary<string, Snooze> Snoozes)
{
    /// <summary>The positions of the accounts to check: all by default, a slice when a large book is checked in parts.</summary>
    public Range Accounts { get; init; } = Range.All;

    /// <summary>The rules' records in the last backtest, read once for the run, which the cards quote.</summary>
    public RuleRecords Records { get; init; } = RuleRecords.None;

    /// <summary>The words of the person a card goes to.</summary>
    public Reader ReaderFor(string recipient) => Team.ReaderOfMember(recipient);
}

/// <summary>What a check decided: nudges to record, the account states that changed, and snoozes that ended early.</summary>
public sealed record CheckResult(IReadOnlyList<Nudge> Nudges, IReadOnlyList<AccountSignals> Signals, IReadOnlyList<string> WokenAccounts);

/// <summary>
/// The daily checks, as a pure function of their inputs. Keys name the account, the rule and the occasion (renewal
/// date and window, day of a state change), so running a check twice, or after downtime, decides nothing twice.
/// </summary>
public static class NudgeChecks
{
    public const int DetractorDays = 7;

    public static CheckResult Run(CheckInputs input, CheckKind kinds)
    {
        var (book, today, team, options) = (input.Book, input.Today, input.Team, input.Options);
        var nudges = new List<Nudge>();
        var signals = new List<AccountSignals>();
        var woken = new List<string>();
        var windows = options.RenewalWindows.Order().ToArray();
        var coreFeatures = new HashSet<string>(team.CoreFeatures, StringComparer.OrdinalIgnoreCase);
        // Detractors of the last week: a check that was down for a few days still closes the loop.
        var detractorsSince = new DateTimeOffset(today.AddDays(-DetractorDays).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

        var (first, count) = input.Accounts.GetOffsetAndLength(book.Accounts.Count);
        for (var position = first; position < first + count; position++)
        {
            var account = book.Accounts[position];
            if (!account.IsActiveOn(today)) continue;
            var health = Health.Assess(book, account, today, team.CoreFeatures, team.Health);
            var snooze = input.Snoozes.GetValueOrDefault(account.Id) is { } s && s.Until >= today ? s : null;
            var age = today.DayNumber - account.StartedOn.DayNumber;
            var owner = input.ReaderFor(account.OwnerEmail);

            if (kinds.HasFlag(CheckKind.Engagement))
            {
                var known = input.Signals.GetValueOrDefault(account.Id);
                var old = known ?? new AccountSignals(account.Id, HealthBand.Good, false, false, today);
                var inactive = age >= options.InactiveDays && (health.Facts.DaysIdle ?? int.MaxValue) >= options.InactiveDays;
                // Only a change of state is remembered; SeenOn says since when the account has been in it.
                if (known is null || (known.Band, known.Inactive, known.Falling) != (health.Band, inactive, health.IsFalling))
                    signals.Add(new AccountSignals(account.Id, health.Band, inactive, health.IsFalling, today));
                var worseThanSnoozed = snooze is not null && health.Band < snooze.BandWhenSnoozed;
                if (worseThanSnoozed) woken.Add(account.Id);
                // One card per account and day, however many things changed at once.
                var changes = new List<(string Title, string Happened, Signal Rule)>();
                // An account seen for the first time has no earlier band to fall from: it is new, and its state is only remembered.
                if (known is not null && health.Band < old.Band && (snooze is null || worseThanSnoozed))
                    changes.Add((owner["Nudge.HealthDropped"], owner["Nudge.HealthFell", ("from", Band(owner, old.Band)), ("to", Band(owner, health.Band)), ("score", health.Score)], Signal.HealthDrop));
                if (snooze is null && inactive && !old.Inactive && (known is not null || health.Facts.DaysIdle is not null))
                    changes.Add((owner["Nudge.NoActivity"], health.Facts.DaysIdle is { } idle
                        ? owner.Plural("Nudge.IdleFor", idle, ("account", account.Name)) : owner.Plural("Nudge.NeverUsedSince", age, ("account", account.Name)), Signal.Inactivity));
                if (snooze is null && health.IsFalling && !old.Falling)
                    changes.Add((owner["Nudge.UsageFalling"], owner["Nudge.SessionsFell", ("before", health.Facts.PreviousSessions), ("after", health.Facts.RecentSessions),
                        ("trend", owner.Signed(health.SessionTrend!.Value))], Signal.FallingUsage));
                if (changes.Count > 0)
                    nudges.Add(Make(NudgeRules.Engagement, $"{today:yyyy-MM-dd}", changes[0].Title, string.Join(". ", changes.Select(c => c.Happened)), changes.Select(c => c.Rule)));
            }

            if (kinds.HasFlag(CheckKind.Renewals) && snooze is null && account.RenewalOn is { } renewal && renewal >= today)
            {
                var daysTo = renewal.DayNumber - today.DayNumber;
                // After downtime only the window the renewal is in now is sent, not every window that passed.
                // A renewal in good health needs no one until its nearest window; the weekly digest lists it meanwhile.
                if (windows.FirstOrDefault(w => w >= daysTo) is var window and > 0 && (health.Band != HealthBand.Good || window <= options.GoodHealthRenewalWindow))
                {
                    string Happened(Reader reader) =>
                        reader["Nudge.RenewalComing", ("account", account.Name), ("date", renewal), ("band", Band(reader, health.Band)), ("score", health.Score)];
                    // The backtest's renewal risk is a renewal in health that is not good: a good one's reminder has no record of its own.
                    Signal[] rules = health.Band == HealthBand.Good ? [] : [Signal.RenewalRisk];
                    nudges.Add(Make(NudgeRules.Renewal, $"{renewal:yyyy-MM-dd}|{window}", owner.Plural("Nudge.RenewalIn", daysTo), Happened(owner), rules));
                    if (health.Band == HealthBand.Poor && daysTo <= options.ManagerRenewalDays)
                        foreach (var manager in team.Managers)
                        {
                            var words = input.ReaderFor(manager);
                            nudges.Add(Make(NudgeRules.Renewal, $"{renewal:yyyy-MM-dd}|{window}", words.Plural("Nudge.RenewalAtRiskIn", daysTo),
                                words["Nudge.WithOwner", ("happened", Happened(words)), ("owner", account.OwnerEmail)], rules, manager));
                        }
                }
            }

            if (kinds.HasFlag(CheckKind.Onboarding) && snooze is null)
            {
                var milestone = options.FirstValueDays.Where(d => d <= age).DefaultIfEmpty(0).Max();
                if (age < options.OnboardingDays && milestone > 0 && ValueMetrics.FirstValueOn(book, position, coreFeatures) is null)
                    nudges.Add(Make(NudgeRules.Onboarding, $"{milestone}", owner["Nudge.OnboardingStalled"],
                        owner.Plural("Nudge.OnboardingHappened", age, ("account", account.Name), ("features", string.Join(", ", team.CoreFeatures)), ("goal", milestone)), []));
            }

            if (kinds.HasFlag(CheckKind.Nps))
            {
                foreach (var answer in book.NpsAt(position).Where(a => a.AnsweredAt >= detractorsSince && a.Category == NpsCategory.Detractor))
                    nudges.AddRange(Detractor(book, account, health, answer, today, team, options, input.Records, input.ReaderFor));
            }

            Nudge Make(string rule, string occasion, string title, string happened, IEnumerable<Signal> rules, string? to = null)
            {
                var reader = input.ReaderFor(to ?? account.OwnerEmail);
                return Build(reader, rule, occasion, title, happened, account, health, book, today, team, to ?? account.OwnerEmail, input.Records.Facts(reader, rules));
            }
        }
        return new CheckResult(nudges, signals, woken);
    }

    /// <summary>A detractor's answer, to the owner and, before a renewal, to the managers; the same keys whoever finds it first.</summary>
    public static IEnumerable<Nudge> Detractor(BookOfBusiness book, Account account, HealthReport health, NpsAnswer answer, DateOnly today, TeamSettings team, CheckOptions options,
        RuleRecords records, Func<string, Reader> readerFor)
    {
        string Happened(Reader reader) => string.IsNullOrWhiteSpace(answer.Comment)
            ? reader["Nudge.DetractorAnswered", ("contact", answer.ContactEmail), ("score", answer.Score), ("date", DateOnly.FromDateTime(answer.AnsweredAt.DateTime))]
            : reader["Nudge.DetractorCommented", ("contact", answer.ContactEmail), ("score", answer.Score), ("date", DateOnly.FromDateTime(answer.AnsweredAt.DateTime)),
                ("comment", Format.Quote(answer.Comment, 300))];
        // Milliseconds, as the store keeps moments: the same answer read back gives the same key.
        var occasion = $"{answer.ContactEmail.ToLowerInvariant()}|{answer.AnsweredAt.ToUnixTimeMilliseconds()}";
        var owner = readerFor(account.OwnerEmail);
        yield return Build(owner, NudgeRules.Detractor, occasion, owner["Nudge.Detractor", ("score", answer.Score)], Happened(owner), account, health, book, today, team, account.OwnerEmail, records.Facts(owner, [Signal.Detractor]));
        if (account.RenewalOn is { } r && r >= today && r.DayNumber - today.DayNumber <= options.DetractorManagerRenewalDays)
            foreach (var manager in team.Managers)
            {
                var words = readerFor(manager);
                yield return Build(words, NudgeRules.Detractor, occasion, words["Nudge.DetractorBeforeRenewal", ("score", answer.Score)],
                    words["Nudge.WithOwner", ("happened", Happened(words)), ("owner", account.OwnerEmail)], account, health, book, today, team, manager, records.Facts(words, [Signal.Detractor]));
            }
    }

    private static Nudge Build(Reader reader, string rule, string occasion, string title, string happened, Account account, HealthReport health,
        BookOfBusiness book, DateOnly today, TeamSettings team, string recipient, IReadOnlyList<Fact> records)
    {
        var key = $"{rule}|{account.Id}|{occasion}|{recipient.ToLowerInvariant()}";
        return new Nudge(key, rule, account.Id, recipient, NudgeCards.Card(reader, title, happened, account, health, book, today, team, key, records)) { Reason = new(title, happened) };
    }

    /// <summary>The key of the one card a person gets about an account on a day, whatever the number of reasons.</summary>
    public static string DayKey(string accountId, DateOnly day, string recipient) => $"{NudgeRules.Day}|{accountId}|{day:yyyy-MM-dd}|{recipient.ToLowerInvariant()}";

    /// <summary>All of a day's reasons about one account for one person in one card, the reasons in the order they were decided, with their rules' records as their cards had them.</summary>
    public static Nudge DayCard(Reader reader, BookOfBusiness book, Account account, IReadOnlyList<Nudge> reasons, DateOnly today, TeamSettings team, string recipient)
    {
        var key = DayKey(account.Id, today, recipient);
        if (reasons.Count == 1)
            return new Nudge(key, NudgeRules.Day, account.Id, recipient, reasons[0].Card with { Buttons = NudgeCards.Actions(reader, key) }) { Reason = reasons[0].Reason };
        var told = reasons.Select(r => r.Reason ?? throw new ArgumentException($"{r.Key} has no reason to tell in a card of the day.", nameof(reasons))).ToArray();
        var health = Health.Assess(book, account, today, team.CoreFeatures, team.Health);
        var title = string.Join(", ", told.Select(t => t.Headline).Distinct());
        var happened = string.Join(". ", told.Select(t => t.Happened));
        var records = reasons.SelectMany(r => r.Card.Facts.Where(f => RuleRecords.IsRecord(reader, f))).DistinctBy(f => f.Label).ToArray();
        return new Nudge(key, NudgeRules.Day, account.Id, recipient, NudgeCards.Card(reader, title, happened, account, health, book, today, team, key, records)) { Reason = new(title, happened) };
    }

    private static string Band(Reader reader, HealthBand band) => Chat.Handlers.HealthHandler.Band(reader, band);
}
