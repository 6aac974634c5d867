using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Logging.Abstractions;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Surveys;
using SuccessBot.Host;
using SuccessBot.Storage;
using SuccessBot.Tests.Builders;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.ReadModel;

/// <summary>
/// Random sequences of every kind of write, followed by the read model as changes (at random moments, with a snapshot taken
/// in between), give the same answer to every command, for every asker, as a book loaded whole from the store afterwards.
/// </summary>
public class OneTruthTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);
    private static readonly string[] Csms = ["ana@example.com", "ben@example.com", "cy@example.com"];
    private static readonly string[] Features = ["reports", "dashboards", "integrations", "exports"];
    private static readonly TeamSettings Team = new() { Texts = SuccessBot.Settings.Texts, Managers = ["boss@example.com"] };

    private static readonly string[] Questions =
    [
        "churn last month", "churn this year", "churn last 12 months", "retention", "retention last quarter", "nps this quarter", "nps last 90 days",
        "renewals next 90 days", "renewals this year", "at-risk", "clv", "adoption", "ttv", "help",
    ];

    [Property(MaxTest = 15)]
    public Property Following_the_change_log_answers_exactly_as_a_whole_load(PositiveInt seed) =>
        Prop.ToProperty(SameAnswers(seed.Get));

    private static bool SameAnswers(int seed)
    {
        var random = new Random(seed);
        using var folder = new TempFolder();
        using var store = new LiteDbStore(folder.Store);
        var accounts = new List<Account>();
        Write(store, random, accounts, Kind.Accounts);
        var followed = store.ReadModel(NullLogger<BookReadModel>.Instance);
        followed.Load();
        var snapshotAt = random.Next(1, 30);
        for (var step = 0; step < 30; step++)
        {
            Write(store, random, accounts, (Kind)random.Next(Enum.GetValues<Kind>().Length));
            if (random.Next(3) == 0) followed.Refresh();
            if (step == snapshotAt) followed.WriteSnapshot();
        }
        followed.Refresh();
        var fromSnapshot = store.ReadModel(NullLogger<BookReadModel>.Instance);
        fromSnapshot.Load();
        var whole = store.Book.LoadBook();

        foreach (var asker in new string?[] { null, "boss@example.com" }.Concat(Csms))
        foreach (var question in Questions.Concat(accounts.Select(a => $"health {a.Id}")))
        {
            var expected = Answer(whole, question, asker);
            Assert.Equal(expected, Answer(followed.Current, question, asker));
            Assert.Equal(expected, Answer(fromSnapshot.Current, question, asker));
        }
        Assert.Equal(store.DataVersion, followed.Version);
        return true;
    }

    private static string Answer(BookOfBusiness book, string question, string? asker) =>
        $"{asker} asks {question}:\n" + PlainText.Render(new ChatBot(new Fixed(book), Team, new FixedClock(Now)).Answer(new IncomingMessage(question, asker)));

    private enum Kind { Accounts, Usage, Nps, Touchpoint, Churn, Survey, Mrr }

    private static void Write(LiteDbStore store, Random random, List<Account> accounts, Kind kind)
    {
        if (accounts.Count == 0) kind = Kind.Accounts;
        var some = () => accounts[random.Next(accounts.Count)];
        switch (kind)
        {
            case Kind.Accounts:
                // New accounts and changed ones: owner, MRR, plan, segment, contacts, renewal and cancellation move.
                var batch = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(3) == 0 && accounts.Count > 0 ? Changed(some(), random) : New(random)).DistinctBy(a => a.Id).ToArray();
                store.Book.UpsertAccounts(batch, Today.AddDays(-random.Next(0, 60)));
                foreach (var a in batch) { accounts.RemoveAll(x => x.Id == a.Id); accounts.Add(a); }
                break;
            case Kind.Usage:
                store.Book.UpsertUsage(Enumerable.Range(0, random.Next(1, 40)).Select(_ => new UsageDay(some().Id, Today.AddDays(-random.Next(0, 70)),
                    random.Next(0, 8), random.Next(0, 30), random.Next(0, 300), Features.Where(_ => random.Next(2) == 0).ToArray())).DistinctBy(u => (u.AccountId, u.Date)).ToArray());
                break;
            case Kind.Nps:
                store.Book.UpsertNps(Enumerable.Range(0, random.Next(1, 5)).Select(_ => new NpsAnswer(some().Id, $"c{random.Next(3)}@customer.example", random.Next(0, 11),
                    random.Next(2) == 0 ? null : $"because {random.Next(100)}", Now.AddDays(-random.Next(0, 200)).AddMinutes(-random.Next(0, 2)))).DistinctBy(a => (a.AccountId, a.ContactEmail, a.AnsweredAt)).ToArray());
                break;
            case Kind.Touchpoint:
                store.Activity.AddTouchpoint(new Touchpoint(some().Id, new[] { "call", "email", "meeting", "snooze" }[random.Next(4)], $"note {random.Next(5)}", Csms[random.Next(3)], Now.AddHours(-random.Next(0, 500))));
                break;
            case Kind.Churn:
                var active = accounts.Where(a => a.CanceledOn is null).ToArray();
                if (active.Length == 0) break;
                var leaving = active[random.Next(active.Length)];
                var churned = leaving.ChurnedOn(Today.AddDays(-random.Next(0, 40)), new[] { "price", "product fit", "budget" }[random.Next(3)]);
                store.Activity.MarkChurned(new AccountChurned(churned, new ChurnRecord(leaving.Id, churned.CanceledOn!.Value, churned.ChurnReason!, null, Csms[0], 12, leaving.Mrr, null),
                    new Touchpoint(leaving.Id, "churned", churned.ChurnReason, Csms[0], Now)));
                accounts[accounts.FindIndex(a => a.Id == leaving.Id)] = churned;
                break;
            case Kind.Survey:
                var account = some();
                var survey = new SurveyState { Id = $"s{random.Next(1_000_000)}", AccountId = account.Id, Contact = $"c{random.Next(3)}@customer.example", CreatedAt = Now.AddDays(-random.Next(0, 80)) };
                store.Surveys.SaveSurvey(survey);
                if (random.Next(2) == 0)
                {
                    var at = survey.CreatedAt.AddHours(random.Next(1, 48));
                    store.Surveys.SaveAnswered(survey with { Score = random.Next(0, 11), FirstAnsweredAt = at, LastAnsweredAt = at, Comment = random.Next(2) == 0 ? "ok" : null });
                }
                break;
            case Kind.Mrr:
                var paying = some();
                store.Book.UpsertMrrHistory([new MrrChange(paying.Id, paying.StartedOn.AddDays(random.Next(0, 400)), random.Next(0, 50) * 10)]);
                break;
        }
    }

    private static Account New(Random random)
    {
        var start = Today.AddDays(-random.Next(20, 800));
        var account = An.Account($"Co {random.Next(100_000)}").Id($"a{random.Next(100_000)}").OwnedBy(Csms[random.Next(3)]).Paying(random.Next(1, 40) * 50)
            .WithContacts($"c{random.Next(3)}@customer.example").Build() with
            {
                StartedOn = start,
                Plan = new[] { "starter", "growth", "enterprise" }[random.Next(3)],
                Segment = random.Next(2) == 0 ? null : new[] { "smb", "mid" }[random.Next(2)],
                RenewalOn = random.Next(4) == 0 ? null : Today.AddDays(random.Next(-30, 300)),
            };
        return random.Next(5) == 0 ? account with { CanceledOn = start.AddDays(random.Next(1, 400)), ChurnReason = "price" } : account;
    }

    private static Account Changed(Account a, Random random) => a with
    {
        OwnerEmail = random.Next(2) == 0 ? Csms[random.Next(3)].ToUpperInvariant() : a.OwnerEmail,
        Mrr = random.Next(2) == 0 ? random.Next(1, 40) * 50 : a.Mrr,
        ContactEmails = random.Next(2) == 0 ? [$"c{random.Next(3)}@customer.example", $"x{random.Next(3)}@customer.example"] : a.ContactEmails,
        Segment = random.Next(3) == 0 ? "mid" : a.Segment,
        RenewalOn = random.Next(3) == 0 ? Today.AddDays(random.Next(1, 200)) : a.RenewalOn,
    };

    private sealed class Fixed(BookOfBusiness book) : IBookSource
    {
        public BookOfBusiness Current => book;
    }
}
