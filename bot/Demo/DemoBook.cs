using SuccessBot.Core.Domain;

namespace SuccessBot.Demo;

/// <summary>What the generator makes: a book of business with history, plus who is who in the demo team.</summary>
public sealed record DemoBook(
    IReadOnlyList<Account> Accounts,
    IReadOnlyList<MrrChange> MrrChanges,
    IReadOnlyList<UsageDay> Usage,
    IReadOnlyList<NpsAnswer> Nps,
    IReadOnlyList<string> Csms,
    string Manager);

/// <summary>
/// A seeded model of a B2B SaaS book of business: accounts start over two years on three plans, pay annual contracts,
/// expand and contract, and cancel at a plan-specific rate that peaks at renewal; usage fades in the weeks before a
/// cancellation (and for some accounts that are still customers), and NPS scores follow engagement. The usage history is
/// 15 months and 8 weeks long: most cancellations are preceded by a quiet period, some come suddenly, and some healthy accounts dip and recover.
/// The same seed and day give the same data; the last 90 days are drawn as they were when the history was 90 days long.
/// </summary>
public static class DemoGenerator
{
    public const string Manager = "maria.manager@successbot.demo";
    /// <summary>The accounts' languages in turn (null: the team's, English).</summary>
    private static readonly string?[] DemoLanguages = [null, "pt-BR", null, "de", null, "ro", null, "ru", null, "pt-PT"];

    public static readonly string[] Csms =
    [
        "ana.silva@successbot.demo", "ben.okafor@successbot.demo", "chloe.martin@successbot.demo",
        "dev.patel@successbot.demo", "emma.lind@successbot.demo",
    ];
    public static readonly string[] CoreFeatures = ["reports", "dashboards", "integrations"];
    private static readonly string[] OtherFeatures = ["exports", "alerts", "api", "sso", "comments"];

    private static readonly string[] NameStarts =
    [
        "Acme", "Northwind", "Bluebird", "Cedar", "Summit", "Harbor", "Quartz", "Juniper", "Orbit", "Pioneer", "Redwood", "Silverline",
        "Tidal", "Vertex", "Willow", "Zephyr", "Aurora", "Beacon", "Cobalt", "Evergreen", "Falcon", "Granite", "Helix", "Ironwood",
        "Kestrel", "Lumen", "Maple", "Nimbus", "Oakridge", "Polaris", "Riverstone", "Sequoia", "Trident", "Upland", "Vantage", "Wavecrest",
    ];
    private static readonly string[] NameEnds =
    [
        "Analytics", "Logistics", "Health", "Robotics", "Foods", "Legal", "Media", "Energy", "Labs", "Retail", "Capital", "Software",
        "Travel", "Learning", "Motors", "Studios", "Insurance", "Biotech", "Freight", "Systems",
    ];

    /// <summary>Seats per plan, as the health score's active-users component reads them (`Checks:Health:PlanSeats`).</summary>
    public static IReadOnlyDictionary<string, int> PlanSeats => Plans.ToDictionary(p => p.Name, p => p.Seats);

    private sealed record Plan(string Name, string Segment, decimal MinMrr, decimal MaxMrr, double MonthlyChurn, int Seats, int Contacts);
    private static readonly Plan[] Plans =
    [
        new("Starter", "SMB", 49, 299, 0.030, 5, 1),
        new("Growth", "Mid-Market", 300, 1500, 0.014, 25, 2),
        new("Enterprise", "Enterprise", 2000, 12000, 0.006, 150, 3),
    ];
    private static readonly (string Reason, int Weight)[] Reasons =
    [
        ("price", 26), ("missing feature", 20), ("switched to competitor", 18), ("low usage", 16), ("budget cuts", 10),
        ("champion left", 7), ("acquired", 3),
    ];
    private static readonly string[] PraiseComments =
        ["The dashboards save us hours every week.", "Support is quick and friendly.", "Reports are exactly what our board wants.", "Setup was painless."];
    private static readonly string[] PassiveComments =
        ["Good, but exports could be faster.", "Does the job.", "We'd like more integrations.", "Fine for now."];
    private static readonly string[] DetractorComments =
        ["Too expensive for what we use.", "The integration with our CRM keeps breaking.", "Hard to get the team to log in.", "Reports are slow on big accounts.", "We miss a proper API."];

    /// <summary>15 months of daily usage (a year of months to backtest and the 90 days after the last) and the 8 weeks health reads before the first.</summary>
    public const int DefaultUsageDays = 456 + 56;

    /// <summary>The days drawn as they always were; older days and the history's shapes (dips, sudden cancellations) come from a random of their own.</summary>
    private const int RecentDays = 90;

    public static DemoBook Generate(int seed, DateOnly today, int accounts = 300, int usageDays = DefaultUsageDays, IReadOnlyList<string>? csms = null)
    {
        var random = new Random(seed);
        var owners = csms ?? Csms;
        var list = new List<Account>(accounts);
        var mrrChanges = new List<MrrChange>();
        var usage = new List<UsageDay>();
        var nps = new List<NpsAnswer>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var featureSets = new FeatureSets();
        var historyStart = today.AddMonths(-24);

        for (var i = 0; i < accounts; i++)
        {
            var plan = Plans[Pick(random, [55, 33, 12])];
            var name = UniqueName(random, names, showcase: i == 0);
            // A third of the book predates the two years of history; the rest started within it.
            var started = random.NextDouble() < 0.3
                ? historyStart.AddDays(-random.Next(1, 730))
                : historyStart.AddDays(random.Next(0, today.DayNumber - historyStart.DayNumber - 7));
            var mrr = Math.Round(plan.MinMrr + (decimal)random.NextDouble() * (plan.MaxMrr - plan.MinMrr), 0);
            var id = $"acc-{i + 1:D5}";
            mrrChanges.Add(new MrrChange(id, started, mrr));

            DateOnly? canceled = null;
            var month = started.AddMonths(1);
            while (month <= today && canceled is null)
            {
                var atRenewal = (month.Month == started.Month);
                var hazard = plan.MonthlyChurn * (atRenewal ? 4 : 0.7);
                if (random.NextDouble() < hazard) canceled = month.AddDays(random.Next(0, 28));
                else if (random.NextDouble() < 0.04)
                {
                    var factor = random.NextDouble() < 0.75 ? 1 + 0.1m + (decimal)random.NextDouble() * 0.3m : 1 - 0.1m - (decimal)random.NextDouble() * 0.2m;
                    mrr = Math.Max(plan.MinMrr, Math.Round(mrr * factor, 0));
                    mrrChanges.Add(new MrrChange(id, month, mrr));
                }
                month = month.AddMonths(1);
            }
            if (canceled > today) canceled = null;

            var renewal = new DateOnly(today.Year, started.Month, Math.Min(started.Day, 28));
            if (renewal <= today) renewal = renewal.AddYears(1);
            var contacts = Enumerable.Range(1, plan.Contacts).Select(c => $"{Contact(c)}@{Slug(name)}.example").ToArray();
            var account = new Account
            {
                Id = id,
                Name = name,
                OwnerEmail = owners[random.Next(owners.Count)],
                Mrr = mrr,
                StartedOn = started,
                Plan = plan.Name,
                Segment = plan.Segment,
                RenewalOn = canceled is null ? renewal : null,
                CanceledOn = canceled,
                ChurnReason = canceled is null ? null : Reasons[Pick(random, Reasons.Select(r => r.Weight).ToArray())].Reason,
                ContactEmails = contacts,
                // Half the accounts read English; the others one of SuccessBot's other languages, and every seventh account's second contact a language of their own.
                Language = DemoLanguages[i % DemoLanguages.Length],
                ContactLanguages = i % 7 == 0 && contacts.Length > 1 ? [null, DemoLanguages[(i / 7) % DemoLanguages.Length] ?? "de"] : [],
            };
            list.Add(account);

            // Engagement: a level per account; a fade before cancellation, and for one active account in eight, a fade now.
            var level = 0.35 + random.NextDouble() * 0.65;
            DateOnly? fadeFrom = canceled is { } c ? c.AddDays(-random.Next(30, 75))
                : random.NextDouble() < 0.125 ? today.AddDays(-random.Next(14, 45)) : null;
            var fadeEnd = canceled ?? today.AddDays(random.Next(10, 40));
            var shape = new Random(seed * 1_000_003 + i);
            // One cancellation in five before the recent days comes without a quiet period.
            if (canceled < today.AddDays(-RecentDays) && shape.NextDouble() < 0.2) fadeFrom = null;
            var dip = Dip(shape, account, today);
            AddUsage(random, shape, account, plan, level, fadeFrom, fadeEnd, dip, today, usageDays, usage, featureSets);
            AddNps(random, account, level, fadeFrom, today, nps);
        }
        return new DemoBook(list, mrrChanges, usage, nps, owners.ToArray(), Manager);
    }

    /// <summary>One healthy account in five has a quiet spell of 2 to 5 weeks before the recent days, and then comes back.</summary>
    private static (DateOnly From, DateOnly To, double Factor)? Dip(Random shape, Account account, DateOnly today)
    {
        var latest = today.AddDays(-RecentDays - 40);
        var earliest = Max(account.StartedOn.AddDays(60), today.AddDays(-DefaultUsageDays));
        if (shape.NextDouble() >= 0.2 || earliest >= latest) return null;
        var from = earliest.AddDays(shape.Next(latest.DayNumber - earliest.DayNumber));
        return (from, from.AddDays(shape.Next(14, 36)), 0.1 + shape.NextDouble() * 0.3);
    }

    private static void AddUsage(Random random, Random older, Account account, Plan plan, double level, DateOnly? fadeFrom, DateOnly fadeEnd,
        (DateOnly From, DateOnly To, double Factor)? dip, DateOnly today, int usageDays, List<UsageDay> usage, FeatureSets featureSets)
    {
        var first = Max(account.StartedOn, today.AddDays(1 - usageDays));
        var last = account.CanceledOn is { } c ? Min(c.AddDays(-1), today) : today;
        // Onboarding: a new account reaches its first core feature after a few days to a few weeks.
        var firstValue = account.StartedOn.AddDays(random.Next(2, 35));
        var recentFrom = today.AddDays(1 - RecentDays);
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var draw = day >= recentFrom ? random : older;
            var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var engagement = level * (weekend ? 0.25 : 1);
            if (fadeFrom is { } f && day >= f)
                engagement *= Math.Max(0, 1 - (double)(day.DayNumber - f.DayNumber) / Math.Max(1, fadeEnd.DayNumber - f.DayNumber));
            if (dip is { } d && day >= d.From && day < d.To) engagement *= d.Factor;
            if (draw.NextDouble() > engagement * 1.1) continue;
            var users = Math.Max(1, (int)Math.Round(plan.Seats * engagement * (0.3 + draw.NextDouble() * 0.5)));
            var sessions = users + draw.Next(0, users * 2 + 1);
            var features = new List<string>();
            foreach (var feature in CoreFeatures)
                if (day >= firstValue && draw.NextDouble() < 0.2 + engagement * 0.7) features.Add(feature);
            foreach (var feature in OtherFeatures)
                if (draw.NextDouble() < engagement * 0.3) features.Add(feature);
            usage.Add(new UsageDay(account.Id, day, users, sessions, sessions * draw.Next(4, 25), featureSets.Of(features)));
        }
    }

    private static void AddNps(Random random, Account account, double level, DateOnly? fadeFrom, DateOnly today, List<NpsAnswer> nps)
    {
        // Surveyed once a quarter from the second month on; about half the contacts answer.
        var end = account.CanceledOn ?? today;
        for (var day = account.StartedOn.AddDays(45); day < end; day = day.AddDays(91))
        {
            foreach (var contact in account.ContactEmails)
            {
                if (random.NextDouble() > 0.5) continue;
                var fading = fadeFrom is { } f && day >= f.AddDays(-20);
                var mean = fading ? 4.5 : 5.5 + level * 4;
                var score = Math.Clamp((int)Math.Round(mean + (random.NextDouble() - 0.5) * 4), 0, 10);
                var comments = score >= 9 ? PraiseComments : score >= 7 ? PassiveComments : DetractorComments;
                var comment = random.NextDouble() < 0.6 ? comments[random.Next(comments.Length)] : null;
                var at = new DateTimeOffset(day.AddDays(random.Next(0, 5)).ToDateTime(new TimeOnly(9 + random.Next(0, 9), random.Next(0, 60))), TimeSpan.Zero);
                if (DateOnly.FromDateTime(at.UtcDateTime) <= today) nps.Add(new NpsAnswer(account.Id, contact, score, comment, at));
            }
        }
    }

    private static int Pick(Random random, int[] weights)
    {
        var roll = random.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            if (roll < weights[i]) return i;
            roll -= weights[i];
        }
        return weights.Length - 1;
    }

    /// <summary>The one account whose name starts "Acme C", whatever the day: the README's `health acme c` finds it.</summary>
    public const string ShowcaseName = "Acme Capital";

    private static string UniqueName(Random random, HashSet<string> names, bool showcase)
    {
        var name = $"{NameStarts[random.Next(NameStarts.Length)]} {NameEnds[random.Next(NameEnds.Length)]}";
        if (showcase) name = ShowcaseName;
        else if (name.StartsWith("Acme C", StringComparison.Ordinal)) name = "Acme Holdings";
        for (var n = 2; !names.Add(name); n++) name = $"{name.Split(" #")[0]} #{n}";
        return name;
    }

    private static string Slug(string name) => new(name.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());

    private static string Contact(int i) => i switch { 1 => "ops", 2 => "admin", _ => $"lead{i}" };

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
