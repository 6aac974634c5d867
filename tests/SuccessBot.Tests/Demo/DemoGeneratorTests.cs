using SuccessBot.Core.Domain;
using SuccessBot.Core.Metrics;
using SuccessBot.Demo;

namespace SuccessBot.Tests.Demo;

/// <summary>The demo book behaves like a real book of business, and the same seed gives the same data.</summary>
public class DemoGeneratorTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private static readonly DemoBook Book = DemoGenerator.Generate(42, Today);

    [Fact]
    public void The_same_seed_gives_the_same_data_and_another_seed_other_data()
    {
        var again = DemoGenerator.Generate(42, Today);
        var other = DemoGenerator.Generate(43, Today);

        static object Row(Account a) => (a.Id, a.Name, a.OwnerEmail, a.Mrr, a.StartedOn, a.RenewalOn, a.CanceledOn, a.ChurnReason, string.Join(';', a.ContactEmails));
        Assert.Equal(Book.Accounts.Select(Row), again.Accounts.Select(Row));
        Assert.Equal(Book.Usage.Select(u => (u.AccountId, u.Date, u.Sessions)), again.Usage.Select(u => (u.AccountId, u.Date, u.Sessions)));
        Assert.Equal(Book.Nps, again.Nps);
        Assert.NotEqual(Book.Accounts.Select(a => a.Name), other.Accounts.Select(a => a.Name));
    }

    [Fact]
    public void A_few_hundred_accounts_across_plans_owned_by_five_csms_with_two_years_of_history()
    {
        Assert.InRange(Book.Accounts.Count, 200, 500);
        Assert.Equal(["Enterprise", "Growth", "Starter"], Book.Accounts.Select(a => a.Plan!).Distinct().Order());
        Assert.Equal(5, Book.Accounts.Select(a => a.OwnerEmail).Distinct().Count());
        Assert.Contains(Book.Accounts, a => a.StartedOn < Today.AddMonths(-24));
        Assert.Contains(Book.Accounts, a => a.StartedOn > Today.AddMonths(-2));
        var cancelled = Book.Accounts.Where(a => a.CanceledOn is not null).ToArray();
        Assert.InRange(cancelled.Length, 20, 200);
        Assert.All(cancelled, a => Assert.NotNull(a.ChurnReason));
        Assert.True(Book.MrrChanges.Count > Book.Accounts.Count, "some accounts expand or contract");
    }

    [Fact]
    public void Renewals_are_spread_over_the_coming_year()
    {
        var months = Book.Accounts.Where(a => a.RenewalOn is not null).Select(a => (a.RenewalOn!.Value.Year, a.RenewalOn.Value.Month)).Distinct().Count();

        Assert.Equal(12, months);
        Assert.All(Book.Accounts.Where(a => a.RenewalOn is not null), a => Assert.InRange(a.RenewalOn!.Value, Today, Today.AddYears(1)));
    }

    [Fact]
    public void Usage_fades_before_most_cancellations_and_nps_follows_health()
    {
        var book = new BookOfBusiness(Book.Accounts, Book.MrrChanges, Book.Usage, Book.Nps);
        var recent = Book.Accounts.Where(a => a.CanceledOn is { } c && c > Today.AddDays(-60)).ToArray();
        var faded = recent.Count(a =>
        {
            var before = book.UsageBetween(a.Id, a.CanceledOn!.Value.AddDays(-56), a.CanceledOn.Value.AddDays(-28)).ToArray().Sum(u => u.Sessions);
            var last = book.UsageBetween(a.Id, a.CanceledOn.Value.AddDays(-28), a.CanceledOn.Value).ToArray().Sum(u => u.Sessions);
            return last < before;
        });
        Assert.NotEmpty(recent);
        Assert.True(faded > recent.Length / 2, $"{faded} of {recent.Length} cancellations were preceded by falling usage");

        var health = Book.Accounts.Where(a => a.IsActiveOn(Today))
            .Select(a => (Band: Health.Assess(book, a, Today, DemoGenerator.CoreFeatures, new HealthOptions()).Band, Nps: book.NpsOf(a.Id).LastOrDefault()))
            .Where(x => x.Nps is not null && x.Nps.AnsweredAt > new DateTimeOffset(Today.AddDays(-120).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)).ToArray();
        double Mean(HealthBand band) => health.Where(h => h.Band == band).Select(h => h.Nps!.Score).DefaultIfEmpty().Average();
        Assert.True(Mean(HealthBand.Good) > Mean(HealthBand.Poor), $"NPS of good accounts {Mean(HealthBand.Good):0.0}, of poor ones {Mean(HealthBand.Poor):0.0}");
    }
}
