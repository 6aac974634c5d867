using System.Diagnostics;
using System.Globalization;
using System.Text;
using SuccessBot.Cli;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;
using SuccessBot.Demo;
using SuccessBot.Import;
using SuccessBot.Storage;

namespace SuccessBot.Bench;

/// <summary>
/// The figures of the core issue, measured and printed: CSV import rate into a fresh store, and the in-process
/// answer time of the managers' questions over 100,000 accounts (median and p99 of 100 runs).
/// </summary>
public static class Benchmark
{
    public static int Run(TextWriter output, int accounts = 100_000, bool answersOnly = false, int usageDays = 16, int runs = 100)
    {
        var folder = Directory.CreateTempSubdirectory("successbot-bench-");
        try
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var clock = Stopwatch.StartNew();
            var book = DemoGenerator.Generate(seed: 7, today, accounts, usageDays);
            output.WriteLine($"Generated {book.Accounts.Count:N0} accounts, {book.MrrChanges.Count:N0} MRR changes over two years, {book.Usage.Count:N0} usage rows, {book.Nps.Count:N0} NPS answers in {clock.Elapsed.TotalSeconds:0.0} s.");

            if (answersOnly)
            {
                Answers(output, new BookOfBusiness(book.Accounts, book.MrrChanges, book.Usage, book.Nps), runs);
                return 0;
            }
            var files = WriteCsv(folder.FullName, book);
            using var store = new LiteDbStore(Path.Combine(folder.FullName, "bench.db"));
            output.WriteLine();
            output.WriteLine("Import (CSV read, checked, stored in one transaction):");
            Import(output, "accounts", book.Accounts.Count, () => Importers.ImportAccounts(store, files.Accounts, today));
            Import(output, "usage", book.Usage.Count, () => Importers.ImportUsage(store, files.Usage));
            Import(output, "nps", book.Nps.Count, () => Importers.ImportNps(store, files.Nps));
            // The generated MRR history (expansion and contraction over two years) has no CSV form; it is stored as is.
            store.UpsertMrrHistory(book.MrrChanges);

            clock.Restart();
            var loaded = store.LoadBook();
            output.WriteLine($"  loading the read model from the store: {clock.Elapsed.TotalSeconds:0.00} s");

            Answers(output, loaded, runs);
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void Answers(TextWriter output, BookOfBusiness loaded, int runs)
    {
            var clock = new Stopwatch();
            var bot = new ChatBot(new StaticBookSource(loaded), new TeamSettings { CoreFeatures = DemoGenerator.CoreFeatures }, TimeProvider.System);
            output.WriteLine();
            output.WriteLine($"Answers in-process over {loaded.Accounts.Count:N0} accounts ({runs} runs each, target p99 < 50 ms):");
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

    private static void Import(TextWriter output, string kind, int rows, Func<ImportReport> import)
    {
        var clock = Stopwatch.StartNew();
        import();
        var seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"  {kind,-9} {rows,10:N0} rows in {seconds,6:0.00} s = {rows / seconds,9:N0} rows/s (target >= 20,000)");
    }

    private static (string Accounts, string Usage, string Nps) WriteCsv(string folder, DemoBook book)
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
