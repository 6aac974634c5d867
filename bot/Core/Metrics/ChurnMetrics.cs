using SuccessBot.Core.Domain;
using SuccessBot.Core.Time;

namespace SuccessBot.Core.Metrics;

public sealed record ChurnedAccount(Account Account, decimal MrrLost);

public sealed record ReasonCount(string Reason, int Accounts, decimal Mrr);

public sealed record ChurnResult(
    Period Period,
    int ActiveAtStart,
    IReadOnlyList<ChurnedAccount> Churned,
    decimal MrrAtStart,
    IReadOnlyList<ReasonCount> Reasons)
{
    public int Lost => Churned.Count;
    public double LogoChurnRate => Rates.Churn(ActiveAtStart, Lost);
    public decimal MrrChurned => Churned.Sum(c => c.MrrLost);
    public double GrossMrrChurnRate => Rates.Share((double)MrrChurned, (double)MrrAtStart);
    /// <summary>1 - (1 - r)^(12 / months): whole calendar months count as such (October is 1, so ^12), any other span in average months (365.25 / days).</summary>
    public double AnnualisedLogoChurnRate => Rates.Annualise(LogoChurnRate, Period.WholeCalendarMonths ?? Period.Months);
}

public sealed record RetentionResult(
    Period Period,
    int ActiveAtStart,
    int Retained,
    decimal MrrAtStart,
    decimal MrrChurned,
    decimal Contraction,
    decimal Expansion)
{
    public int Lost => ActiveAtStart - Retained;
    public double LogoRetentionRate => Rates.Share(Retained, ActiveAtStart);

    /// <summary>(start MRR - churned - contraction) / start MRR: never above 100%.</summary>
    public double GrossMrrRetention => Rates.Share((double)(MrrAtStart - MrrChurned - Contraction), (double)MrrAtStart);

    /// <summary>(start MRR - churned - contraction + expansion) / start MRR.</summary>
    public double NetMrrRetention => Rates.Share((double)(MrrAtStart - MrrChurned - Contraction + Expansion), (double)MrrAtStart);
}

/// <summary>Logo and MRR churn and retention of the cohort of accounts active at a period's start.</summary>
public static class ChurnMetrics
{
    public const string UnknownReason = "(no reason given)";

    /// <param name="includes">The accounts counted (a segment, a plan, an owner); all when null.</param>
    /// <remarks>
    /// Without a filter it reads the book's index: the customers and their MRR at the start as running sums, and the accounts
    /// cancelled in the period, so it costs the accounts it reports. A filter (a slice of the book) counts account by account.
    /// </remarks>
    public static ChurnResult Churn(BookOfBusiness book, Period period, Func<Account, bool>? includes = null)
    {
        var active = 0;
        decimal mrrAtStart = 0;
        var churned = new List<ChurnedAccount>();
        if (includes is null) (active, mrrAtStart, churned) = CohortFromIndex(book, period);
        else
            for (var i = 0; i < book.Accounts.Count; i++)
            {
                var account = book.Accounts[i];
                if (!account.IsCustomerAtStartOf(period.Start) || !includes(account)) continue;
                active++;
                var mrr = book.MrrOn(i, period.Start);
                mrrAtStart += mrr;
                if (account.CanceledWithin(period.Start, period.EndExclusive)) churned.Add(new ChurnedAccount(account, mrr));
            }
        churned.Sort((a, b) => b.MrrLost.CompareTo(a.MrrLost) is var byMrr and not 0 ? byMrr : string.CompareOrdinal(a.Account.Name, b.Account.Name));
        var reasons = churned
            .GroupBy(c => string.IsNullOrWhiteSpace(c.Account.ChurnReason) ? UnknownReason : c.Account.ChurnReason.Trim(), StringComparer.OrdinalIgnoreCase)
            .Select(g => new ReasonCount(g.Key, g.Count(), g.Sum(c => c.MrrLost)))
            .OrderByDescending(r => r.Accounts).ThenByDescending(r => r.Mrr).ThenBy(r => r.Reason, StringComparer.Ordinal)
            .ToArray();
        return new ChurnResult(period, active, churned, mrrAtStart, reasons);
    }

    /// <param name="includes">The accounts counted; all when null.</param>
    /// <remarks>Without a filter it reads the book's index (see <see cref="Churn"/>) and the accounts whose MRR changed in the period.</remarks>
    public static RetentionResult Retention(BookOfBusiness book, Period period, Func<Account, bool>? includes = null)
    {
        int active = 0, retained = 0;
        decimal mrrAtStart = 0, churnedMrr = 0, contraction = 0, expansion = 0;
        var lastDay = period.LastDay;
        if (includes is null)
        {
            (active, mrrAtStart, var lost) = CohortFromIndex(book, period);
            churnedMrr = lost.Sum(c => c.MrrLost);
            // Only an account whose MRR changed after the start can end the period paying something else.
            foreach (var i in book.MrrChangedBetween(period.Start.AddDays(1), lastDay.AddDays(1)))
            {
                var account = book.Accounts[i];
                if (!account.IsCustomerAtStartOf(period.Start) || account.CanceledWithin(period.Start, period.EndExclusive)) continue;
                var (startMrr, endMrr) = (book.MrrOn(i, period.Start), book.MrrOn(i, lastDay));
                if (endMrr < startMrr) contraction += startMrr - endMrr; else expansion += endMrr - startMrr;
            }
            return new RetentionResult(period, active, active - lost.Count, mrrAtStart, churnedMrr, contraction, expansion);
        }
        for (var i = 0; i < book.Accounts.Count; i++)
        {
            var account = book.Accounts[i];
            if (!account.IsCustomerAtStartOf(period.Start) || !includes(account)) continue;
            active++;
            var startMrr = book.MrrOn(i, period.Start);
            mrrAtStart += startMrr;
            if (account.CanceledWithin(period.Start, period.EndExclusive))
            {
                churnedMrr += startMrr;
                continue;
            }
            retained++;
            var endMrr = book.MrrOn(i, lastDay);
            if (endMrr < startMrr) contraction += startMrr - endMrr; else expansion += endMrr - startMrr;
        }
        return new RetentionResult(period, active, retained, mrrAtStart, churnedMrr, contraction, expansion);
    }

    /// <summary>The customers at the period's start and their MRR, from the index, and those of them cancelled in the period with what they paid then.</summary>
    private static (int Active, decimal MrrAtStart, List<ChurnedAccount> Churned) CohortFromIndex(BookOfBusiness book, Period period)
    {
        var (active, mrrAtStart) = book.CustomersAtStartOf(period.Start);
        var churned = new List<ChurnedAccount>();
        foreach (var i in book.CanceledBetween(period.Start, period.EndExclusive))
            if (book.Accounts[i].IsCustomerAtStartOf(period.Start)) churned.Add(new ChurnedAccount(book.Accounts[i], book.MrrOn(i, period.Start)));
        return (active, mrrAtStart, churned);
    }
}
