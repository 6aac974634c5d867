using SuccessBot.Core.Chat;

namespace SuccessBot.Core.Nudges;

/// <summary>A nudge in one line, for the command line and logs.</summary>
public sealed record NudgeHeadline(string Recipient, string Title, string? Summary)
{
    public static NudgeHeadline Of(Nudge nudge) => Of(nudge.Recipient, nudge.Card);
    public static NudgeHeadline Of(string recipient, Reply card) => new(recipient, card.Title, card.Summary);
}

public sealed record CheckSummary(int Decided, int Recorded, IReadOnlyList<NudgeHeadline> Nudges);

/// <summary>
/// Runs the checks against the ledger and delivers what is due through the first channel that reaches the person.
/// A delivery that fails stays pending and is tried again with back-off; a person no channel reaches is replaced by
/// the managers, with that reason on the card.
/// </summary>
public sealed class NudgeService(
    IBookSource books, INudgeLedger ledger, IAccountActivity activity, TeamSettings team, CheckOptions options,
    TimeProvider clock, IEnumerable<IChatChannel> channels)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(30), LongestWait = TimeSpan.FromHours(1);
    private readonly IChatChannel[] _channels = channels.ToArray();

    public DateOnly Today => team.Today(clock.GetUtcNow());

    /// <summary>Accounts checked at a time, so that a large book's cards never all sit in memory at once.</summary>
    private const int Slice = 5_000;

    /// <summary>What the checks would send today, changing nothing (`check --dry-run`).</summary>
    public IReadOnlyList<NudgeHeadline> Preview(CheckKind kinds) =>
        Slices(Inputs(), kinds).SelectMany(r => r.Nudges).Where(n => ledger.Find(n.Key) is null).Select(NudgeHeadline.Of).ToArray();

    /// <summary>Runs the checks and records every nudge not decided before; delivery follows.</summary>
    public CheckSummary Check(CheckKind kinds)
    {
        var now = clock.GetUtcNow();
        int decided = 0;
        var recorded = new List<NudgeHeadline>();
        var inputs = Inputs();
        foreach (var result in Slices(inputs, kinds))
        {
            decided += result.Nudges.Count;
            var states = result.Signals.ToLookup(s => inputs.Signals.ContainsKey(s.AccountId));
            var added = ledger.Record(result.Nudges.Select(n => NudgeRecord.From(n, now)).ToArray(), states[false].ToArray(), states[true].ToArray());
            recorded.AddRange(added.Select(r => NudgeHeadline.Of(r.Recipient, r.Card)));
            foreach (var account in result.WokenAccounts) activity.EndSnooze(account);
        }
        return new CheckSummary(decided, recorded.Count, recorded);
    }

    private static IEnumerable<CheckResult> Slices(CheckInputs inputs, CheckKind kinds)
    {
        for (var start = 0; start < inputs.Book.Accounts.Count; start += Slice)
            yield return NudgeChecks.Run(inputs with { Accounts = start..Math.Min(start + Slice, inputs.Book.Accounts.Count) }, kinds);
    }

    /// <summary>This week's digest for every manager; once a week whatever the number of runs.</summary>
    public int SendDigests()
    {
        var now = clock.GetUtcNow();
        var recent = ledger.CreatedSince(now.AddDays(-31));
        return team.Managers.Count(m => ledger.Add(NudgeRecord.From(Digest.Build(books.Current, recent, Today, now, team, options, m), now)));
    }

    /// <summary>Tries every nudge that is due; returns how many were delivered.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancel)
    {
        var delivered = 0;
        foreach (var nudge in ledger.DueForDelivery(clock.GetUtcNow()))
        {
            cancel.ThrowIfCancellationRequested();
            if (await DeliverAsync(nudge, cancel)) delivered++;
        }
        return delivered;
    }

    private async Task<bool> DeliverAsync(NudgeRecord nudge, CancellationToken cancel)
    {
        string? lastError = null;
        foreach (var channel in _channels)
        {
            if (!await channel.CanReachAsync(nudge.Recipient, cancel)) continue;
            Delivery result;
            try { result = await channel.SendAsync(nudge.Recipient, nudge.Card, cancel); }
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
        if (nudge.Rule == Surveys.SurveyService.Rule)
        {
            ledger.Update(nudge with { Status = DeliveryStatus.Unreachable, Attempts = nudge.Attempts + 1, LastError = "no chat channel reaches this contact" });
            return;
        }
        var why = $"Sent to you because {nudge.Recipient} has no chat identity SuccessBot can reach.";
        var managers = team.Managers.Where(m => !string.Equals(m, nudge.Recipient, StringComparison.OrdinalIgnoreCase)).ToArray();
        foreach (var manager in managers)
            ledger.Add(NudgeRecord.From(new Nudge($"{nudge.Key}|via|{manager.ToLowerInvariant()}", nudge.Rule, nudge.AccountId, manager, nudge.Card with { Note = why }), now));
        ledger.Update(nudge with
        {
            Status = managers.Length > 0 ? DeliveryStatus.Sent : DeliveryStatus.Pending,
            Channel = managers.Length > 0 ? "managers" : null,
            LastError = managers.Length > 0 ? "no reachable chat identity; sent to the managers" : "no reachable chat identity and no manager to send it to",
            Attempts = nudge.Attempts + 1,
            NextAttemptAt = now + LongestWait,
        });
    }

    private CheckInputs Inputs() => new(books.Current, Today, team, options, ledger.Signals(), activity.Snoozes());
}
