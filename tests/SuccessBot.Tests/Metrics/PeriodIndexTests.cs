using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Core.Time;
using SuccessBot.Tests.Builders;

namespace SuccessBot.Tests.Metrics;

/// <summary>
/// The figures read from the book's index (running sums by day, accounts by cancellation, renewal and MRR change day) are the
/// figures of the definitions, counted account by account (a filter that keeps every account takes that path), for the whole
/// book and for each owner's view of it.
/// </summary>
public class PeriodIndexTests
{
    private static readonly string[] Owners = ["ana@example.com", "ben@example.com"];

    [Property(MaxTest = 200)]
    public Property Churn_retention_and_renewals_from_the_index_are_the_account_by_account_figures(PositiveInt seed) =>
        Prop.ToProperty(SameFigures(seed.Get));

    private static bool SameFigures(int seed)
    {
        var random = new Random(seed);
        var origin = new DateOnly(2024, 1, 1);
        var builder = new BookBuilder();
        for (var n = random.Next(0, 60); n > 0; n--)
        {
            var start = origin.AddDays(random.Next(0, 700));
            var account = An.Account().OwnedBy(Owners[random.Next(2)]).Paying(random.Next(0, 20) * 25).Build() with
            {
                StartedOn = start,
                CanceledOn = random.Next(3) == 0 ? start.AddDays(random.Next(-2, 400)) : null,
                ChurnReason = random.Next(2) == 0 ? "price" : null,
                RenewalOn = random.Next(2) == 0 ? start.AddDays(random.Next(0, 800)) : null,
            };
            builder.With(account);
            var day = start.AddDays(-random.Next(0, 30));
            for (var c = random.Next(0, 4); c > 0; c--)
            {
                builder.MrrChange(account, day.Year, day.Month, day.Day, random.Next(0, 20) * 25);
                day = day.AddDays(random.Next(1, 200));
            }
        }
        var whole = builder.Build();
        foreach (var book in new[] { whole }.Concat(Owners.Select(whole.OwnedBy)))
            for (var k = 0; k < 8; k++)
            {
                var from = origin.AddDays(random.Next(-30, 800));
                var period = new Period(from, from.AddDays(random.Next(1, 200)), "p");
                Assert.Equal(Render(ChurnMetrics.Churn(book, period, _ => true)), Render(ChurnMetrics.Churn(book, period)));
                Assert.Equal(ChurnMetrics.Retention(book, period, _ => true), ChurnMetrics.Retention(book, period));
                // By renewal day, as the renewals answer lists them.
                Assert.Equal(
                    book.Accounts.Select((a, i) => (a, i)).Where(p => p.a.RenewalOn is { } r && period.Contains(r)).OrderBy(p => p.a.RenewalOn).ThenBy(p => p.i).Select(p => p.a.Id),
                    book.RenewingBetween(period.Start, period.EndExclusive).Select(i => book.Accounts[i].Id));
            }
        return true;
    }

    private static string Render(ChurnResult r) =>
        $"{r.ActiveAtStart} {r.MrrAtStart} {string.Join(",", r.Churned.Select(c => $"{c.Account.Id}:{c.MrrLost}"))} {string.Join(",", r.Reasons)}";
}
