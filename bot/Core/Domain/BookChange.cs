namespace SuccessBot.Core.Domain;

/// <summary>
/// One write to the book of business, as the core decides it: the store commits it with its effect in one transaction and
/// appends it to its change log; every read model (this host's, another host's) applies it in log order.
/// </summary>
public abstract record BookChange;

/// <summary>Accounts added or replaced (an import, Segment `group` traits), with the MRR history entries the write added.</summary>
public sealed record AccountsImported(IReadOnlyList<Account> Accounts, IReadOnlyList<MrrChange> MrrChanges) : BookChange;

/// <summary>MRR history as it was (demo data, benchmarks); an entry replaces one of the same account and day.</summary>
public sealed record MrrHistoryRecorded(IReadOnlyList<MrrChange> Changes) : BookChange;

/// <summary>Usage rows added or replaced, one per account and day.</summary>
public sealed record UsageDaysCounted(IReadOnlyList<UsageDay> Days) : BookChange;

/// <summary>NPS answers added or replaced, one per account, contact and moment (to the millisecond).</summary>
public sealed record NpsAnswersRecorded(IReadOnlyList<NpsAnswer> Answers) : BookChange;

/// <summary>A call, email, meeting or snooze logged on an account.</summary>
public sealed record TouchpointLogged(Touchpoint Touchpoint) : BookChange;

/// <summary>A CSM marked an account churned: the account as it is now (cancelled, with the reason), its record and the touchpoint saying so.</summary>
public sealed record AccountChurned(Account Account, ChurnRecord Record, Touchpoint Touchpoint) : BookChange;

/// <summary>A survey sent, or its answer state changed (the response rate reads it).</summary>
public sealed record SurveyRecorded(SurveySent Survey) : BookChange;

/// <summary>A survey answered: its state and the NPS answer it gave, together.</summary>
public sealed record SurveyAnswered(SurveySent Survey, NpsAnswer Answer) : BookChange;

/// <summary>A change names something the book does not have (an account that is not there): the book must be loaded again.</summary>
public sealed class ChangeNotApplicable(string message) : Exception(message);
