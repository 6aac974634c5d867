using System.CommandLine;
using SuccessBot.Core.Chat;
using SuccessBot.Host;
using SuccessBot.Ingest;
using SuccessBot.Storage;
using SuccessBot.Storage.Postgres;

namespace SuccessBot.Cli;

/// <summary>
/// `migrate [--from-litedb FILE]`: the PostgreSQL schema's versions, applied and pending, then applies the pending ones (the
/// host also does at start); with --from-litedb, copies a LiteDB store and its log of usage events into the empty database,
/// counts the events the old host had logged but not checkpointed, and prints the counts.
/// </summary>
public static class MigrateVerb
{
    public static Command Build()
    {
        var from = new Option<string?>("--from-litedb") { Description = "A LiteDB store (a successbot.db file) to copy into the database, which must be empty.", HelpName = "FILE" };
        var migrate = new Command("migrate", "Brings the PostgreSQL database (Storage:Provider postgres, ConnectionStrings:SuccessBot) to the current schema, saying what was applied and what was pending.") { from };
        migrate.SetAction(parse =>
        {
            var config = Settings.Load();
            if (Settings.StorageProvider(config) != "postgres")
            {
                Console.Error.WriteLine("migrate: Storage:Provider is litedb, whose file needs no migrations; set Storage:Provider to postgres and ConnectionStrings:SuccessBot to migrate a PostgreSQL database.");
                return Verbs.UsageError;
            }
            var file = parse.GetValue(from);
            if (file is not null && !File.Exists(file))
            {
                Console.Error.WriteLine($"migrate: there is no LiteDB store at {TerminalText.Escape(Path.GetFullPath(file))}.");
                return Verbs.Failure;
            }
            using var store = new PostgresStore(Settings.PostgresConnection(config));
            try
            {
                Console.WriteLine($"Database: {store.Describes}");
                var (applied, pending) = store.MigrationState();
                Console.WriteLine(applied.Count == 0 ? "Applied: none" : "Applied: " + string.Join(", ", applied.Select(a => $"{a.Version:0000} {a.Name} ({a.AppliedAt:yyyy-MM-dd HH:mm} UTC)")));
                Console.WriteLine(pending.Count == 0 ? "Pending: none" : "Pending: " + string.Join(", ", pending.Select(m => $"{m.Version:0000} {m.Name}")));
                var now = store.Migrate();
                Console.WriteLine(now.Count == 0 ? $"The schema is up to date (version {Migrations.All[^1].Version})." : $"Applied now: {string.Join(", ", now.Select(m => $"{m.Version:0000} {m.Name}"))}.");
                if (file is null) return 0;
                using var source = new LiteDbStore(file);
                // The rules the old host starts by: a log that may be another store's is not taken as this one's.
                var folder = EventLogFolder.For(new StoreFiles(Path.GetFullPath(file)), source.StoreId);
                if (folder.Note is { } note) Console.Error.WriteLine($"migrate: {note}.");
                if (folder.Refusal is { } refusal)
                {
                    Console.Error.WriteLine($"migrate: nothing was copied: {refusal}.");
                    return Verbs.Failure;
                }
                using var log = new EventLog(folder.Path);
                var copied = LiteDbCopy.Copy(source, store, log.Events(source.Ingest.Checkpointed()));
                foreach (var count in copied.Counts)
                    Console.WriteLine($"  {count.Table}: {count.InDatabase} of {count.InFile}");
                Console.WriteLine($"Copied {Path.GetFullPath(file)} into the database; hosts on it load the book from it at their next start.");
                return copied.EventsNotCounted == 0 ? 0 : CountIn(config, copied.EventsNotCounted);
            }
            catch (DatabaseNotEmpty full)
            {
                Console.Error.WriteLine($"migrate: {full.Message}");
                return Verbs.Failure;
            }
        });
        return migrate;
    }

    /// <summary>Counts, as the host that leads would, the events the old host logged after its last checkpoint; the usage they make is in the database when migrate ends.</summary>
    private static int CountIn(IConfiguration config, long notCounted)
    {
        using var services = Composition.ForCommandLine(config);
        var ports = services.GetRequiredService<StorePorts>();
        using var lead = ports.SharedUsage!.TryLead();
        if (lead is null)
        {
            Console.WriteLine($"  usage events the old host had not counted: {notCounted}, left to the host that leads the counting on the database.");
            return 0;
        }
        using var rollup = new UsageRollup(ports.Ingest, ports.Book, ports.ContactLanguages, ports.Transactions, new SharedEventLog(ports.SharedUsage), IngestSettings.From(config),
            services.GetRequiredService<TeamSettings>(), services.GetRequiredService<IBookSource>(), services.GetRequiredService<TimeProvider>());
        var counted = rollup.CountIn(lead);
        Console.WriteLine($"  usage events the old host had not counted: {counted} of {notCounted}, counted now");
        if (counted == notCounted) return 0;
        Console.Error.WriteLine($"migrate: the copy has {notCounted} usage events the old host had not counted, but {counted} were counted now; the host that leads the counting counts on from the checkpoint.");
        return Verbs.Failure;
    }
}
