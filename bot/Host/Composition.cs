using SuccessBot.Core;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Storage;
using SuccessBot.Core.Surveys;
using SuccessBot.Storage;
using SuccessBot.Storage.Postgres;
using SuccessBot.Sync;

namespace SuccessBot.Host;

/// <summary>Which store the host is on and where (the file, or the database without its password), for /healthz and the start line.</summary>
public sealed record StoreDescription(string Provider, string Where);

/// <summary>The core's storage ports, as one provider's stores implement them.</summary>
public sealed record StorePorts(IStoreTransactions Transactions, IChangeFeed Feed, IBookStore Book, INudgeLedger Ledger, IAccountActivity Activity,
    ISurveyStore Surveys, Core.Audit.IAuditLog Audit, IHandledEvents SlackEvents, IConversationReferenceStore TeamsReferences, IMemberLanguageStore MemberLanguages,
    IContactLanguageStore ContactLanguages, IIngestStore Ingest, ISyncRecords Sync, ISharedUsageLog? SharedUsage, ISharedConversations? SharedConversations)
{
    /// <summary>One host on the file: its usage events go to its own log beside it, and the local chat's conversations stay in its memory.</summary>
    public static StorePorts Of(LiteDbStore s) => new(s, s, s.Book, s.Ledger, s.Activity, s.Surveys, s.Audit, s.SlackEvents, s.TeamsReferences, s.MemberLanguages, s.ContactLanguages, s.Ingest, s.Sync,
        null, null);

    public static StorePorts Of(PostgresStore s) => new(s, s, s.Book, s.Ledger, s.Activity, s.Surveys, s.Audit, s.SlackEvents, s.TeamsReferences, s.MemberLanguages, s.ContactLanguages, s.Ingest,
        s.Sync, s.UsageEvents, s.Conversations);
}

/// <summary>The one composition root: the services the host and every command-line verb share, registered in one place.</summary>
public static class Composition
{
    /// <summary>The store and its ports, the read model, the routing tables, the chat bot, nudges and surveys.</summary>
    public static IServiceCollection AddSuccessBot(this IServiceCollection services, IConfiguration config, bool waitForTheStore = false)
    {
        var team = Settings.Team(config);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(team);
        services.AddSingleton(Settings.Checks(config));
        services.AddSingleton(Settings.Nps(config));
        AddStore(services, config, waitForTheStore, team);
        services.AddSingleton(DailyUsage.From(config));
        services.AddSingleton<BookReadModel>();
        services.AddSingleton<IBookSource>(s => s.GetRequiredService<BookReadModel>());
        services.AddSingleton<SurveyService>();
        services.AddSyncs(config);
        services.AddSingleton<Core.Backtest.BacktestMemory>();
        services.AddSingleton(new BacktestLimits(Settings.WholeNumber(config, "Backtest:MaxAccountsInChat", Core.Chat.Handlers.HealthAccuracyHandler.MaxAccounts)));
        services.AddSingleton<NudgeService>();
        services.AddSingleton<Routes>();
        services.AddSingleton(s => s.GetRequiredService<Routes>().Buttons());
        services.AddSingleton(s => new ChatBot(s.GetRequiredService<IBookSource>(), team, s.GetRequiredService<TimeProvider>(),
            s.GetRequiredService<Routes>().Commands(), s.GetRequiredService<ActionRouter>(), s.GetRequiredService<IStoreTransactions>()));
        return services;
    }

    /// <summary>
    /// The store `Storage:Provider` names (the LiteDB file, or the PostgreSQL database) and one small store per port over it; the
    /// core sees the ports only. The host waits for an unreachable database at start (<paramref name="waitForTheStore"/>).
    /// </summary>
    private static void AddStore(IServiceCollection services, IConfiguration config, bool waitForTheStore, TeamSettings team)
    {
        services.AddSingleton(new StoreFiles(Path.GetFullPath(Settings.StoragePath(config))));
        if (Settings.StorageProvider(config) == "postgres")
        {
            var connection = Settings.PostgresConnection(config);
            services.AddSingleton(s =>
            {
                // The database holds the rows; the folder of Storage:Path keeps this host's snapshot and usage-event log.
                Directory.CreateDirectory(Path.GetDirectoryName(s.GetRequiredService<StoreFiles>().Store)!);
                var store = new PostgresStore(connection, DeliveryLease(config));
                if (waitForTheStore) WaitUntilReachable(store, s.GetRequiredService<ILoggerFactory>().CreateLogger("SuccessBot.Storage"), s.GetRequiredService<IConfiguration>());
                return store;
            });
            services.AddSingleton(s => KeepingLanguagesOf(team, StorePorts.Of(s.GetRequiredService<PostgresStore>())));
            services.AddSingleton(s => new StoreDescription("postgres", s.GetRequiredService<PostgresStore>().Describes));
            services.AddSingleton(s => new ChangeNotifications(s.GetRequiredService<PostgresStore>().FollowNotificationsAsync));
            services.AddHostedService<ChangeWakeup>();
        }
        else
        {
            services.AddSingleton(s => new LiteDbStore(s.GetRequiredService<StoreFiles>().Store, s.GetRequiredService<ILogger<LiteDbStore>>()));
            services.AddSingleton(s => KeepingLanguagesOf(team, StorePorts.Of(s.GetRequiredService<LiteDbStore>())));
            services.AddSingleton(s => new StoreDescription("litedb", s.GetRequiredService<StoreFiles>().Store));
        }
        services.AddSingleton(s => s.GetRequiredService<StorePorts>().Transactions);
        services.AddSingleton(s => s.GetRequiredService<StorePorts>().Feed);
        services.AddSingleton(s => s.GetRequiredService<StorePorts>().Book);
        services.AddSingleton(s => s.GetRequiredService<StorePorts>().Ledger);
        services.AddSingleton(s => s.GetRequiredService<StorePorts>().Activity);
        services.AddSingleton(s => s.GetRequiredService<StorePorts>().Surveys);
        services.AddSingleton(s => s.GetRequiredService<StorePorts>().Audit);
        services.AddSingleton(s => s.GetRequiredService<StorePorts>().SlackEvents);
        services.AddSingleton(s => s.GetRequiredService<StorePorts>().TeamsReferences);
        services.AddSingleton(s => s.GetRequiredService<StorePorts>().MemberLanguages);
        services.AddSingleton(s => s.GetRequiredService<StorePorts>().ContactLanguages);
        services.AddSingleton(s => s.GetRequiredService<StorePorts>().Ingest);
        services.AddSingleton(s => s.GetRequiredService<StorePorts>().Sync);
    }

    /// <summary>
    /// The members' languages their chats told before a restart, read once the store is open, and kept in it from then on;
    /// the contacts' languages Segment gave, read from it.
    /// </summary>
    private static StorePorts KeepingLanguagesOf(TeamSettings team, StorePorts ports)
    {
        team.Members.KeepIn(ports.MemberLanguages);
        team.Contacts.ReadFrom(ports.ContactLanguages, ports.Transactions);
        return ports;
    }

    /// <summary>`Storage:DeliveryLeaseSeconds`: how long a host's delivery round holds the cards it took before another host may send them.</summary>
    private static TimeSpan DeliveryLease(IConfiguration config)
    {
        var seconds = Settings.Number(config, "Storage:DeliveryLeaseSeconds", PostgresNudgeLedger.DeliveryLease.TotalSeconds);
        // A lease shorter than a Slack call would let a second host send a card the first is still sending.
        return seconds >= 1 ? TimeSpan.FromSeconds(seconds) : throw new InvalidSettingException($"Storage:DeliveryLeaseSeconds: {seconds} is less than 1 second.");
    }

    /// <summary>
    /// Connects and migrates, and while the database cannot be reached says so in one line (which connection, why) and tries
    /// again after a wait that doubles up to `Storage:RetryMaxSeconds` (30): a host started before its database comes up.
    /// </summary>
    private static void WaitUntilReachable(PostgresStore store, ILogger log, IConfiguration config)
    {
        var longest = TimeSpan.FromSeconds(Settings.Number(config, "Storage:RetryMaxSeconds", 30.0));
        var wait = TimeSpan.FromSeconds(1) < longest ? TimeSpan.FromSeconds(1) : longest;
        while (true)
        {
            try
            {
                store.EnsureReady();
                return;
            }
            catch (StoreUnreachable down)
            {
                log.LogError("Store: {Problem}; trying again in {Seconds:0.#} s.", down.Message, wait.TotalSeconds);
            }
            Thread.Sleep(wait);
            wait = wait * 2 < longest ? wait * 2 : longest;
        }
    }

    /// <summary>
    /// The same services for a command-line verb, without a host or channels; the book is ready (from the snapshot and the
    /// change log when they serve the store). Warnings go to standard error, so what a verb prints stays its own.
    /// </summary>
    /// <param name="loadBook">False for a verb that only writes or reads the store (import, audit).</param>
    public static ServiceProvider ForCommandLine(IConfiguration config, bool loadBook = true)
    {
        var services = new ServiceCollection()
            .AddLogging(log => log.AddConfiguration(config.GetSection("Logging")).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning))
            .AddSuccessBot(config)
            .BuildServiceProvider();
        if (loadBook) services.GetRequiredService<BookReadModel>().Load();
        return services;
    }
}
