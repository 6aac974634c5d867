using SuccessBot.Core.Storage;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using SuccessBot.Cli;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Nudges;
using SuccessBot.Demo;
using SuccessBot.Import;
using SuccessBot.Storage;

namespace SuccessBot.Bench;

/// <summary>
/// The figures the issues ask for, measured and printed (never asserted in tests): CSV import rate into a fresh store,
/// in-process answer times over 100,000 accounts (median and p99 of 100 runs), and the daily checks over 100,000
/// accounts with 90 days of usage each (time and peak memory).
/// </summary>
public static class Benchmark
{
    public static readonly string[] Parts = ["import", "answers", "daily", "charts", "all", "slack", "ingest", "writes", "backtest", "stripe", "postgres"];

    public static int Run(TextWriter output, string part, int accounts)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        if (part is "import" or "all") ImportAndAnswers(output, today, accounts);
        if (part is "answers") Answers(output, Generated(output, today, accounts, usageDays: 16), runs: 100);
        if (part is "daily" or "all") Daily(output, today, accounts);
        if (part is "charts" or "all") ChartTimes(output, Generated(output, today, accounts, usageDays: 90), today, runs: 100);
        if (part is "backtest") BacktestBenchmark.Run(output, Generated(output, today, accounts, BacktestBenchmark.UsageDays), today);
        return 0;
    }

    /// <summary>
    /// One chart end to end over the generated book, as a question is answered: the metric (the command's handler, not the
    /// answer memo) and the PNG; then the managed heap after a full collection, against before, to show the memory is released.
    /// Each question is timed twice: the first answer on a book nothing was assessed on yet (cold), and then runs where one
    /// account's usage day is written before each answer, as in a serving host (health is kept per account's history, so a
    /// new version reassesses what changed); the write itself is not timed.
    /// </summary>
    private static void ChartTimes(TextWriter output, BookOfBusiness book, DateOnly today, int runs)
    {
        var team = new TeamSettings { Texts = Settings.Texts, CoreFeatures = DemoGenerator.CoreFeatures, Health = new Core.Metrics.HealthOptions { PlanSeats = DemoGenerator.PlanSeats } };
        var routes = ChatBot.StandardRoutes();
        var context = new AskContext(Asker.Administrator, today, book, team);
        var active = book.Accounts.Where(a => a.IsActiveOn(today)).ToArray();
        var account = active[0];
        var random = new Random(11);
        output.WriteLine();
        output.WriteLine($"Charts over {book.Accounts.Count:N0} accounts, the metric and an {SuccessBot.Charts.PngCharts.Width} x {SuccessBot.Charts.PngCharts.Height} PNG ({runs} runs each, one account's usage written before each; target p99 < 150 ms):");
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = new Stopwatch();
        foreach (var question in new[] { "churn trend", "nps trend", "nps trend by month", "retention trend", "health " + account.Id, "at-risk" })
        {
            var command = CommandLanguage.Parse(question, today);
            clock.Restart();
            var bytes = Render(routes.Route(command, context));
            var cold = clock.Elapsed.TotalMilliseconds;
            var times = new double[runs];
            for (var i = 0; i < runs; i++)
            {
                var written = active[random.Next(active.Length)];
                context = context with { Book = context.Book.Apply([new UsageDaysCounted([new UsageDay(written.Id, today, random.Next(1, 20), random.Next(1, 50), random.Next(10, 500), DemoGenerator.CoreFeatures)])]) };
                clock.Restart();
                bytes = Render(routes.Route(command, context));
                times[i] = clock.Elapsed.TotalMilliseconds;
            }
            Array.Sort(times);
            output.WriteLine($"  {(question.StartsWith("health ", StringComparison.Ordinal) ? "health ACCOUNT" : question),-20} first {cold,7:0.00} ms   then median {times[runs / 2],7:0.00} ms   p99 {times[(int)Math.Ceiling(runs * 0.99) - 1],7:0.00} ms   ({bytes / 1024.0:0.0} KB of PNG)");
        }
        context = context with { Book = BookOfBusiness.Empty };
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine($"  managed heap {before / 1024 / 1024:N0} MB before, {after / 1024 / 1024:N0} MB after the runs and a full collection ({(after - before) / 1024.0 / 1024:+0.0;-0.0} MB); process {Resident("VmRSS")}");

        // Every chart of the answer, as the channels draw them.
        static long Render(Reply reply) => reply.Charts.Sum(c => (long)SuccessBot.Charts.PngCharts.Render(c).Length);
    }

    // Not inlined: the generated lists must be garbage once the book is built, not kept alive by a caller's frame.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static BookOfBusiness Generated(TextWriter output, DateOnly today, int accounts, int usageDays)
    {
        var clock = Stopwatch.StartNew();
        var demo = DemoGenerator.Generate(seed: 7, today, accounts, usageDays);
        output.WriteLine($"Generated {demo.Accounts.Count:N0} accounts, {demo.MrrChanges.Count:N0} MRR changes over two years, {demo.Usage.Count:N0} usage rows ({usageDays} days), {demo.Nps.Count:N0} NPS answers in {clock.Elapsed.TotalSeconds:0.0} s.");
        return new BookOfBusiness(demo.Accounts, demo.MrrChanges, demo.Usage, demo.Nps);
    }

    private static void ImportAndAnswers(TextWriter output, DateOnly today, int accounts)
    {
        var folder = Directory.CreateTempSubdirectory("successbot-bench-");
        try
        {
            var clock = Stopwatch.StartNew();
            var book = DemoGenerator.Generate(seed: 7, today, accounts, usageDays: 16);
            output.WriteLine($"Generated {book.Accounts.Count:N0} accounts, {book.MrrChanges.Count:N0} MRR changes over two years, {book.Usage.Count:N0} usage rows, {book.Nps.Count:N0} NPS answers in {clock.Elapsed.TotalSeconds:0.0} s.");
            var files = WriteCsv(folder.FullName, book);
            using var store = new LiteDbStore(Path.Combine(folder.FullName, "bench.db"));
            output.WriteLine();
            output.WriteLine("Import (CSV read, checked, stored in one transaction; target >= 20,000 rows/s):");
            var seconds = Import(output, "accounts", book.Accounts.Count, () => Importers.ImportAccounts(store.Book, files.Accounts, today))
                + Import(output, "usage", book.Usage.Count, () => Importers.ImportUsage(store.Book, files.Usage))
                + Import(output, "nps", book.Nps.Count, () => Importers.ImportNps(store.Book, files.Nps, store, today));
            var rows = book.Accounts.Count + book.Usage.Count + book.Nps.Count;
            output.WriteLine($"  all three {rows,10:N0} rows in {seconds,6:0.00} s = {rows / seconds,9:N0} rows/s");
            // The generated MRR history (expansion and contraction over two years) has no CSV form; it is stored as is.
            store.Book.UpsertMrrHistory(book.MrrChanges);

            clock.Restart();
            var loaded = store.Book.LoadBook();
            output.WriteLine($"  loading the read model from the store: {clock.Elapsed.TotalSeconds:0.00} s");
            Answers(output, loaded, runs: 100);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void Answers(TextWriter output, BookOfBusiness book, int runs)
    {
        var clock = new Stopwatch();
        var bot = new ChatBot(new StaticBookSource(book), new TeamSettings { Texts = Settings.Texts, CoreFeatures = DemoGenerator.CoreFeatures }, TimeProvider.System);
        output.WriteLine();
        output.WriteLine($"Answers in-process over {book.Accounts.Count:N0} accounts ({runs} runs each, target p99 < 50 ms):");
        foreach (var question in new[] { "churn last month", "nps this quarter", "renewals next 30 days" })
        {
            // A host answers for days: measure it warm, after the runtime has compiled the hot paths.
            for (var i = 0; i < 30; i++) bot.Answer(new IncomingMessage(question, null));
            var times = new double[runs];
            for (var i = 0; i < runs; i++)
            {
                clock.Restart();
                bot.Answer(new IncomingMessage(question, null));
                times[i] = clock.Elapsed.TotalMilliseconds;
            }
            Array.Sort(times);
            output.WriteLine($"  {question,-24} median {times[runs / 2],7:0.00} ms   p99 {times[(int)Math.Ceiling(runs * 0.99) - 1],7:0.00} ms");
        }
    }

    private static void Daily(TextWriter output, DateOnly today, int accounts)
    {
        output.WriteLine();
        var book = Generated(output, today, accounts, usageDays: 90);
        var folder = Directory.CreateTempSubdirectory("successbot-bench-");
        try
        {
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            ResetPeakMemory();
            using var store = new LiteDbStore(Path.Combine(folder.FullName, "ledger.db"));
            var team = new TeamSettings { Texts = Settings.Texts, CoreFeatures = DemoGenerator.CoreFeatures, Managers = [DemoGenerator.Manager],
                Health = new Core.Metrics.HealthOptions { PlanSeats = DemoGenerator.PlanSeats } };
            var nudges = new NudgeService(new StaticBookSource(book), store.Ledger, store.Activity, store.Surveys, team, new CheckOptions(), TimeProvider.System, []);
            output.WriteLine($"Daily checks over {book.Accounts.Count:N0} accounts with 90 days of usage (read model {heap / 1024 / 1024:N0} MB managed, process {Resident("VmRSS")} before the run; target < 10 s, < 500 MB):");
            foreach (var run in new[] { "first run (empty ledger)", "the same day again" })
            {
                ResetPeakMemory();
                var clock = Stopwatch.StartNew();
                var summary = nudges.Check(CheckKind.All);
                output.WriteLine($"  {run,-26} {clock.Elapsed.TotalSeconds,6:0.00} s: {summary.Decided:N0} nudges due, {summary.Recorded:N0} recorded; peak memory {PeakMemory()}");
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // Linux keeps the process's peak resident memory in /proc/self/status (VmHWM); writing 5 to clear_refs resets it.
    internal static void ResetPeakMemory()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    internal static string PeakMemory() => Resident("VmHWM");

    internal static string Resident(string field)
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field + ":"));
            if (line is not null) return $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024:N0} MB resident";
        }
        catch (IOException) { }
        return $"{Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024:N0} MB working set (since start)";
    }

    internal static double Import(TextWriter output, string kind, int rows, Func<ImportReport> import)
    {
        var clock = Stopwatch.StartNew();
        import();
        var seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"  {kind,-9} {rows,10:N0} rows in {seconds,6:0.00} s = {rows / seconds,9:N0} rows/s");
        return seconds;
    }

    internal static (string Accounts, string Usage, string Nps) WriteCsv(string folder, DemoBook book)
    {
        var accounts = Path.Combine(folder, "accounts.csv");
        var usage = Path.Combine(folder, "usage.csv");
        var nps = Path.Combine(folder, "nps.csv");
        var c = CultureInfo.InvariantCulture;
        Write(accounts, "account_id,name,owner_email,mrr,started_on,plan,renewal_on,canceled_on,churn_reason,contact_emails,segment",
            book.Accounts.Select(a => string.Join(',', a.Id, a.Name, a.OwnerEmail, a.Mrr.ToString(c), Day(a.StartedOn), a.Plan, Day(a.RenewalOn), Day(a.CanceledOn), a.ChurnReason, string.Join(';', a.ContactEmails), a.Segment)));
        Write(usage, "account_id,date,active_users,sessions,minutes,features",
            book.Usage.Select(u => string.Join(',', u.AccountId, Day(u.Date), u.ActiveUsers, u.Sessions, u.Minutes, string.Join(';', u.Features))));
        Write(nps, "account_id,contact_email,score,comment,answered_at",
            book.Nps.Select(n => string.Join(',', n.AccountId, n.ContactEmail, n.Score, n.Comment is null ? "" : $"\"{n.Comment.Replace("\"", "\"\"")}\"", n.AnsweredAt.ToString("yyyy-MM-ddTHH:mm:ssZ", c))));
        return (accounts, usage, nps);
    }

    private static void Write(string path, string header, IEnumerable<string> lines)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        writer.WriteLine(header);
        foreach (var line in lines) writer.WriteLine(line);
    }

    private static string Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
}
