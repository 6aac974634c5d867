using SuccessBot.Core;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Storage;
using SuccessBot.Core.Surveys;
using SuccessBot.Storage;

namespace SuccessBot.Host;

/// <summary>The one composition root: the services the host and every command-line verb share, registered in one place.</summary>
public static class Composition
{
    /// <summary>The store and its ports, the read model, the routing tables, the chat bot, nudges and surveys.</summary>
    public static IServiceCollection AddSuccessBot(this IServiceCollection services, IConfiguration config)
    {
        var team = Settings.Team(config);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(team);
        services.AddSingleton(Settings.Checks(config));
        services.AddSingleton(Settings.Nps(config));
        AddStore(services, Settings.StoragePath(config));
        services.AddSingleton<BookReadModel>();
        services.AddSingleton<IBookSource>(s => s.GetRequiredService<BookReadModel>());
        services.AddSingleton<SurveyService>();
        services.AddSingleton<Core.Backtest.BacktestMemory>();
        services.AddSingleton<NudgeService>();
        services.AddSingleton<Routes>();
        services.AddSingleton(s => s.GetRequiredService<Routes>().Buttons());
        services.AddSingleton(s => new ChatBot(s.GetRequiredService<IBookSource>(), team, s.GetRequiredService<TimeProvider>(),
            s.GetRequiredService<Routes>().Commands(), s.GetRequiredService<ActionRouter>(), s.GetRequiredService<IStoreTransactions>()));
        return services;
    }

    /// <summary>The LiteDB file and one small store per port over it.</summary>
    private static void AddStore(IServiceCollection services, string path)
    {
        services.AddSingleton(new StoreFiles(Path.GetFullPath(path)));
        services.AddSingleton(s => new LiteDbStore(s.GetRequiredService<StoreFiles>().Store, s.GetRequiredService<ILogger<LiteDbStore>>()));
        services.AddSingleton<IStoreTransactions>(s => s.GetRequiredService<LiteDbStore>());
        services.AddSingleton<IChangeFeed>(s => s.GetRequiredService<LiteDbStore>());
        services.AddSingleton<IBookStore>(s => s.GetRequiredService<LiteDbStore>().Book);
        services.AddSingleton<INudgeLedger>(s => s.GetRequiredService<LiteDbStore>().Ledger);
        services.AddSingleton<IAccountActivity>(s => s.GetRequiredService<LiteDbStore>().Activity);
        services.AddSingleton<ISurveyStore>(s => s.GetRequiredService<LiteDbStore>().Surveys);
        services.AddSingleton<Core.Audit.IAuditLog>(s => s.GetRequiredService<LiteDbStore>().Audit);
        services.AddSingleton<IHandledEvents>(s => s.GetRequiredService<LiteDbStore>().SlackEvents);
        services.AddSingleton<IConversationReferenceStore>(s => s.GetRequiredService<LiteDbStore>().TeamsReferences);
        services.AddSingleton<IIngestStore>(s => s.GetRequiredService<LiteDbStore>().Ingest);
    }

    /// <summary>
    /// The same services for a command-line verb, without a host or channels; the book is ready (from the snapshot and the
    /// change log when they serve the store). Warnings go to standard error, so what a verb prints stays its own.
    /// </summary>
    public static ServiceProvider ForCommandLine(IConfiguration config)
    {
        var services = new ServiceCollection()
            .AddLogging(log => log.AddConfiguration(config.GetSection("Logging")).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning))
            .AddSuccessBot(config)
            .BuildServiceProvider();
        services.GetRequiredService<BookReadModel>().Load();
        return services;
    }
}
