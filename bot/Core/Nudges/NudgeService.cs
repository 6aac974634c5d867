using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Surveys;

namespace SuccessBot.Core.Nudges;

/// <summary>A nudge in one line, for the command line and logs.</summary>
public sealed record NudgeHeadline(string Recipient, string Title, string? Summary)
{
    public static NudgeHeadline Of(Nudge nudge) => Of(nudge.Recipient, nudge.Card);
    public static NudgeHeadline Of(string recipient, Reply card) => new(recipient, card.Title, card.Summary);
}

public sealed record CheckSummary(int Decided, int Recorded, IReadOnlyList<NudgeHeadline> Nudges);

/// <summary>
/// Runs the checks against the ledger and delivers what is due through the first channel that reaches the person: one
/// card per account and day, at most <see cref="CheckOptions.MaxNudgesPerDay"/> a day (the rest in one roll-up), never in
/// the recipient's quiet hours. A delivery that fails stays pending and is tried again with back-off; a person no channel
/// reaches is replaced by the managers, with that reason on the card.
/// </summary>
/// <param name="backtests">The last backtest, when there was one: each card quotes how often the rules that raised it were right.</param>
public sealed class NudgeService(
    IBookSource books, INudgeLedger ledger, IAccountActivity activity, ISurveyStore surveys, TeamSettings team, CheckOptions options,
    TimeProvider clock, IEnumerable<IChatChannel> channels, Backtest.BacktestMemory? backtests = null)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(30), LongestWait = TimeSpan.FromHours(1);

    /// <summary>A roll-up offers this many cards to open (the most urgent); it lists them all.</summary>
    public const int MaxOpenButtons = 20;

    private readonly IChatChannel[] _channels = channels.ToArray();
    private readonly RecipientZones _zones = new(channels, team.TimeZone, clock);

    public DateOnly Today => team.Today(clock.GetUtcNow());

    /// <summary>Accounts checked at a time, so that a large book's cards never all sit in memory at once.</summary>
    private const int Slice = 5_000;

    /// <summary>What the checks would send today, changing nothing (`check --dry-run`): the cards people would get.</summary>
    public IReadOnlyList<NudgeHeadline> Preview(CheckKind kinds)
    {
        var inputs = Inputs();
        var now = clock.GetUtcNow();
        return Slices(inputs, kinds).SelectMany(r => Decide(r.Nudges, inputs, now).Shown).Select(n => NudgeHeadline.Of(n.Recipient, n.Card)).ToArray();
    }

    /// <summary>Runs the checks and records every reason not decided before, in its account's card of the day; delivery follows.</summary>
    /// <param name="cancel">Stops the run between two slices of accounts; what the slices before recorded stays, and the next run does the rest.</param>
    public CheckSummary Check(CheckKind kinds, CancellationToken cancel = default)
    {
        var now = clock.GetUtcNow();
        int decided = 0;
        var recorded = new List<NudgeHeadline>();
        var inputs = Inputs();
        foreach (var result in Slices(inputs, kinds))
        {
            cancel.ThrowIfCancellationRequested();
            decided += result.Nudges.Count;
            var decision = Decide(result.Nudges, inputs, now);
            foreach (var part in InParts(decision, result.Signals))
            {
                var states = part.Signals.ToLookup(s => inputs.Signals.ContainsKey(s.AccountId));
                var added = ledger.Record(part.Nudges, states[false].ToArray(), states[true].ToArray(), part.Grown);
                var shown = added.Where(r => r.Status == DeliveryStatus.Pending).Concat(part.Grown);
                recorded.AddRange(shown.Select(r => NudgeHeadline.Of(r.Recipient, r.Card)));
            }
            foreach (var account in result.WokenAccounts) activity.EndSnooze(account);
        }
        return new CheckSummary(decided, recorded.Count, recorded);
    }

    /// <summary>
    /// The reasons not decided before, merged into one card per account, person and day (key "day|account|date|person"). A
    /// card of the day still waiting takes the new reasons; one already sent leaves them to go as cards of their own.
    /// </summary>
    private sealed record Decision(IReadOnlyList<NudgeRecord> Reasons, IReadOnlyList<NudgeRecord> Cards, IReadOnlyList<NudgeRecord> Grown)
    {
        public IEnumerable<NudgeRecord> Shown => Cards.Concat(Grown).Concat(Reasons.Where(r => r.Status == DeliveryStatus.Pending));
    }

    private Decision Decide(IReadOnlyList<Nudge> decided, CheckInputs inputs, DateTimeOffset now)
    {
        var reasons = new List<NudgeRecord>();
        var cards = new List<NudgeRecord>();
        var grown = new List<NudgeRecord>();
        var known = ledger.Known(decided.Select(n => n.Key).ToArray());
        var groups = decided.DistinctBy(n => n.Key).Where(n => !known.Contains(n.Key))
            .GroupBy(n => (n.AccountId, Recipient: n.Recipient.ToLowerInvariant())).ToArray();
        var days = ledger.FindMany(groups.Select(g => NudgeChecks.DayKey(g.Key.AccountId, inputs.Today, g.Key.Recipient)).ToArray());
        foreach (var group in groups)
        {
            var news = group.ToArray();
            if (inputs.Book.Find(group.Key.AccountId) is not { } account) continue;
            var existing = days.GetValueOrDefault(NudgeChecks.DayKey(account.Id, inputs.Today, group.Key.Recipient));
            var earlier = existing is { Status: DeliveryStatus.Pending } ? MergedToday(account.Id, group.Key.Recipient, inputs.Today) : null;
            if (existing is not null && (earlier is null || earlier.Any(r => r.Reason is null)))
            {
                // The day's card is out (or handled), or was recorded before reasons were kept: what came up since goes as it is.
                reasons.AddRange(news.Select(n => NudgeRecord.From(n, now)));
                continue;
            }
            var card = NudgeChecks.DayCard(inputs.ReaderFor(news[0].Recipient), inputs.Book, account, [.. (earlier ?? []).Select(r => r.ToNudge()), .. news], inputs.Today, team, news[0].Recipient);
            reasons.AddRange(news.Select(n => NudgeRecord.From(n, now) with { Status = DeliveryStatus.Merged }));
            if (existing is null) cards.Add(NudgeRecord.From(card, now));
            else grown.Add(existing with { Card = card.Card, Reason = card.Reason });
        }
        return new Decision(reasons, cards, grown);
    }

    /// <summary>The reasons told in a person's card of the day about an account, as the ledger kept them.</summary>
    private NudgeRecord[] MergedToday(string accountId, string recipient, DateOnly today) =>
        ledger.AboutAccount(accountId).Where(r => r.Status == DeliveryStatus.Merged && r.Rule != NudgeRules.Day
            && string.Equals(r.Recipient, recipient, StringComparison.OrdinalIgnoreCase) && team.Today(r.CreatedAt) == today).ToArray();

    /// <summary>
    /// Accounts recorded in one transaction. A transaction holds the store (LiteDB's shared mode locks the file for it), and
    /// a click waits for it: 5,000 accounts' cards and states held it 150-600 ms, a click then took as long.
    /// </summary>
    private const int AccountsPerTransaction = 500;

    private sealed record Part(NudgeRecord[] Nudges, AccountSignals[] Signals, NudgeRecord[] Grown);

    /// <summary>A slice's decision and states in parts of <see cref="AccountsPerTransaction"/> accounts, each account's all in one part.</summary>
    private static IEnumerable<Part> InParts(Decision decision, IReadOnlyList<AccountSignals> signals)
    {
        var nudges = decision.Reasons.Concat(decision.Cards).ToArray();
        var partOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var account in signals.Select(s => s.AccountId).Concat(nudges.Select(n => n.AccountId)).Concat(decision.Grown.Select(n => n.AccountId)))
            partOf.TryAdd(account, partOf.Count / AccountsPerTransaction);
        var parts = (partOf.Count + AccountsPerTransaction - 1) / AccountsPerTransaction;
        var byNudge = nudges.ToLookup(n => partOf[n.AccountId]);
        var bySignal = signals.ToLookup(s => partOf[s.AccountId]);
        var byGrown = decision.Grown.ToLookup(n => partOf[n.AccountId]);
        for (var i = 0; i < parts; i++) yield return new Part([.. byNudge[i]], [.. bySignal[i]], [.. byGrown[i]]);
    }

    private static IEnumerable<CheckResult> Slices(CheckInputs inputs, CheckKind kinds)
    {
        for (var start = 0; start < inputs.Book.Accounts.Count; start += Slice)
            yield return NudgeChecks.Run(inputs with { Accounts = start..Math.Min(start + Slice, inputs.Book.Accounts.Count) }, kinds);
    }

    /// <summary>This week's digest for every manager, and each owner's renewals to come; once a week whatever the number of runs.</summary>
    public int SendDigests()
    {
        var now = clock.GetUtcNow();
        var recent = ledger.CreatedSince(now.AddDays(-31));
        var book = books.Current;
        var managers = team.Managers.Count(m => ledger.Add(NudgeRecord.From(Digest.Build(book, recent, Today, now, team, options, m), now)));
        var owners = book.Accounts.Select(a => a.OwnerEmail).Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(owner => Digest.ForOwner(book, Today, team, options, owner)).OfType<Nudge>()
            .Count(d => ledger.Add(NudgeRecord.From(d, now)));
        return managers + owners;
    }

    /// <summary>
    /// What one delivery round reads once and shares between the people it reaches: the book, the day's sends (for budgets),
    /// each account's urgency (a health assessment, for the order of cards and of the roll-up) and who of those it is
    /// about to survey opted out.
    /// </summary>
    private sealed class Round(BookOfBusiness book, DateTimeOffset now, TeamSettings team, Lazy<IReadOnlyList<NudgeRecord>> sentInTheLastDay, IReadOnlySet<string> optedOut)
    {
        private readonly Dictionary<string, double> _urgency = new(StringComparer.Ordinal);
        private readonly DateOnly _today = team.Today(now);

        public DateTimeOffset Now => now;

        /// <summary>What was sent in the last day (any person's day started within it), to count their cards of the day.</summary>
        public IReadOnlyList<NudgeRecord> SentInTheLastDay => sentInTheLastDay.Value;

        /// <summary>Those of the round's survey recipients who opted out (lower-case).</summary>
        public IReadOnlySet<string> OptedOut => optedOut;

        public double UrgencyOf(NudgeRecord nudge)
        {
            if (_urgency.TryGetValue(nudge.AccountId, out var known)) return known;
            var urgency = book.Find(nudge.AccountId) is { } account
                ? Urgency.Of(account, Health.Assess(book, account, _today, team.CoreFeatures, team.Health), _today) : 0;
            _urgency[nudge.AccountId] = urgency;
            return urgency;
        }
    }

    /// <summary>Tries every nudge that is due, person by person; returns how many were delivered.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancel)
    {
        var now = clock.GetUtcNow();
        var due = ledger.DueForDelivery(now);
        if (due.Count == 0) return 0;
        // Opt-outs are read by key for the surveys due, not as the whole list.
        var round = new Round(books.Current, now, team, new(() => ledger.SentSince(now.AddDays(-1))),
            surveys.OptedOutAmong([.. due.Where(n => n.Rule == SurveyService.Rule).Select(n => n.Recipient)]));
        var delivered = 0;
        foreach (var person in due.GroupBy(n => n.Recipient, StringComparer.OrdinalIgnoreCase))
        {
            cancel.ThrowIfCancellationRequested();
            var zone = await _zones.OfAsync(person.Key, cancel);
            if (options.QuietHours.EndOf(now, zone) is { } quietEnds)
            {
                foreach (var nudge in person) ledger.Update(nudge with { NextAttemptAt = quietEnds });
                continue;
            }
            var cards = new List<NudgeRecord>();
            foreach (var nudge in person)
            {
                if (nudge.Rule == SurveyService.Rule && round.OptedOut.Contains(nudge.Recipient.Trim().ToLowerInvariant()))
                    ledger.Update(nudge with { Status = DeliveryStatus.Retired, LastError = "the contact opted out of surveys before it was sent" });
                else if (NudgeRules.IsCard(nudge.Rule)) cards.Add(nudge);
                else
                {
                    cancel.ThrowIfCancellationRequested();
                    if (await DeliverAsync(nudge, cancel)) delivered++;
                }
            }
            if (cards.Count > 0) delivered += await DeliverCardsAsync(person.Key, cards, zone, round, cancel);
        }
        return delivered;
    }

    /// <summary>The person's cards within what is left of their day's budget, the most urgent first; the rest into the day's roll-up.</summary>
    private async Task<int> DeliverCardsAsync(string recipient, List<NudgeRecord> cards, TimeZoneInfo zone, Round round, CancellationToken cancel)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(round.Now, zone).DateTime);
        var dayStart = StartOf(day, zone);
        var sentToday = round.SentInTheLastDay.Count(r => NudgeRules.IsCard(r.Rule) && r.Status == DeliveryStatus.Sent && r.SentAt >= dayStart
            && string.Equals(r.Recipient, recipient, StringComparison.OrdinalIgnoreCase));
        var room = Math.Max(0, options.MaxNudgesPerDay - sentToday);
        var ordered = cards.Count > 1 ? cards.OrderByDescending(round.UrgencyOf).ToList() : cards;
        var delivered = 0;
        foreach (var nudge in ordered.Take(room))
        {
            cancel.ThrowIfCancellationRequested();
            if (await DeliverAsync(nudge, cancel)) delivered++;
        }
        if (ordered.Count > room) delivered += await RollUpAsync(recipient, day, ordered.Skip(room).ToArray(), round, cancel);
        return delivered;
    }

    /// <summary>Lists the cards over the budget in the person's one roll-up of the day, sending it, or updating it where it was sent.</summary>
    private async Task<int> RollUpAsync(string recipient, DateOnly day, IReadOnlyList<NudgeRecord> over, Round round, CancellationToken cancel)
    {
        var key = $"{NudgeRules.RollUp}|{day:yyyy-MM-dd}|{recipient.ToLowerInvariant()}";
        var listed = over.Select(n => n with { Status = DeliveryStatus.Listed, MessageRef = key, LastError = null }).ToArray();
        ledger.Update(listed);
        var all = ledger.ListedIn(key).Where(r => r.Action is null).OrderByDescending(round.UrgencyOf).ToArray();
        var card = RollUps.Card(team.ReaderOfMember(recipient), all, options.MaxNudgesPerDay);
        var now = clock.GetUtcNow();
        if (ledger.Find(key) is not { } existing)
        {
            var rollUp = NudgeRecord.From(new Nudge(key, NudgeRules.RollUp, "", recipient, card), now);
            ledger.Add(rollUp);
            return await DeliverAsync(rollUp, cancel) ? 1 : 0;
        }
        ledger.Update(existing with { Card = card });
        if (existing.Status != DeliveryStatus.Sent || existing.MessageRef is not { } messageRef || _channels.FirstOrDefault(c => c.Name == existing.Channel) is not { } channel) return 0;
        try
        {
            await channel.UpdateAsync(existing.Recipient, messageRef, card, cancel);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            ledger.Update(existing with { Card = card, LastError = $"{channel.Name}: the roll-up could not be updated: {e.Message}" });
        }
        return 0;
    }

    private static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        if (zone.IsInvalidTime(midnight)) midnight = midnight.AddHours(1);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }
    private async Task<bool> DeliverAsync(NudgeRecord nudge, CancellationToken cancel)
    {
        string? lastError = null;
        foreach (var channel in _channels)
        {
            if (!await channel.CanReachAsync(nudge.Recipient, cancel)) continue;
            Delivery result;
            try { result = await channel.SendAsync(nudge.Recipient, team.InItsWords(nudge.Card), cancel); }
            catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
            {
                result = Delivery.Failed($"{channel.Name}: {e.Message}");
            }
            if (result.Delivered)
            {
                ledger.Update(nudge with { Status = DeliveryStatus.Sent, SentAt = clock.GetUtcNow(), Channel = channel.Name, MessageRef = result.MessageRef, Attempts = nudge.Attempts + 1, LastError = null });
                return true;
            }
            if (result.Unreachable) continue;
            // The channel reaches the person but failed this time (down, 429, timeout): wait and try the same again.
            lastError = result.Error;
            var wait = TimeSpan.FromTicks(Math.Min(LongestWait.Ticks, FirstRetry.Ticks << Math.Min(nudge.Attempts, 20)));
            ledger.Update(nudge with { Attempts = nudge.Attempts + 1, NextAttemptAt = clock.GetUtcNow() + wait, LastError = lastError });
            return false;
        }
        Reroute(nudge);
        return false;
    }

    /// <summary>Nobody can reach the owner in chat: the managers get the nudge instead, saying why. A survey is not rerouted.</summary>
    private void Reroute(NudgeRecord nudge)
    {
        var now = clock.GetUtcNow();
        if (nudge.Rule == SurveyService.Rule)
        {
            ledger.Update(nudge with { Status = DeliveryStatus.Unreachable, Attempts = nudge.Attempts + 1, LastError = "no chat channel reaches this contact" });
            return;
        }
        var managers = team.Managers.Where(m => !string.Equals(m, nudge.Recipient, StringComparison.OrdinalIgnoreCase)).ToArray();
        foreach (var manager in managers)
        {
            // The card stays in its recipient's words; why the manager has it is in the manager's.
            var why = team.ReaderOfMember(manager)["Nudge.ViaManagers", ("recipient", nudge.Recipient)];
            ledger.Add(NudgeRecord.From(new Nudge($"{nudge.Key}|via|{manager.ToLowerInvariant()}", nudge.Rule, nudge.AccountId, manager, nudge.Card with { Note = why }), now));
        }
        ledger.Update(nudge with
        {
            Status = managers.Length > 0 ? DeliveryStatus.Sent : DeliveryStatus.Pending,
            Channel = managers.Length > 0 ? "managers" : null,
            LastError = managers.Length > 0 ? "no reachable chat identity; sent to the managers" : "no reachable chat identity and no manager to send it to",
            Attempts = nudge.Attempts + 1,
            NextAttemptAt = now + LongestWait,
        });
    }

    // The records are read once a run: every card of the run quotes the same backtest, looked up, not worked out per card.
    private CheckInputs Inputs() => new(books.Current, Today, team, options, ledger.Signals(), activity.Snoozes()) { Records = backtests?.Records ?? Backtest.RuleRecords.None };
}
