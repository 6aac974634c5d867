using SuccessBot.Core.Storage;
using Microsoft.Extensions.Configuration.Memory;
using SuccessBot.Core;
using SuccessBot.Core.Chat;
using SuccessBot.Core.Nudges;
using SuccessBot.Core.Surveys;
using SuccessBot.Ingest;
using SuccessBot.LocalChat;
using SuccessBot.Scheduling;
using SuccessBot.Slack;
using SuccessBot.Storage;
using SuccessBot.Sync;
using SuccessBot.Teams;
using SuccessBot.Web;

namespace SuccessBot.Host;

/// <summary>The bot host: storage, the read model, the chat, and every channel whose settings are present.</summary>
public static class BotHost
{
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>The default `Logging:LogLevel`s; Quartz describes its own start-up at length, and WhatIsOn says what is scheduled.</summary>
    public static readonly IReadOnlyDictionary<string, string?> LogLevels = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        ["Logging:LogLevel:Quartz"] = "Warning",
    };

    /// <param name="overrides">Settings that win over appsettings.json and the environment (the demo's store and manager).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Below every other source, so Logging:LogLevel wins: ASP.NET's production levels, with SuccessBot's own lines and
        // every warning on the console and a line per request (ASP.NET Core, HttpClient) or of Quartz's start-up only when asked for.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LogLevels });
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 1024 * 1024;
            RequestErrors.Limits(k);
        });

        var config = builder.Configuration;
        builder.Services.AddSuccessBot(config, waitForTheStore: true);
        builder.Services.AddHostedService<ReadModelRefresher>();
        builder.Services.AddHostedService<AuditUpkeep>();
        builder.Services.AddHostedService<SavedBacktestFollower>();
        builder.Services.AddHostedService<WhatIsOn>();
        builder.AddSlack();
        builder.AddTeams();
        builder.AddIngest();
        // Without Slack or a real Teams tenant the local chat is the only place people can be reached.
        var onlyLocal = string.IsNullOrEmpty(config["Slack:BotToken"]) && string.IsNullOrEmpty(config["Teams:AppId"]);
        builder.AddLocalChat(reachesEveryone: onlyLocal);
        builder.Services.AddSuccessBotScheduler(config, Settings.Team(config).TimeZone);

        var app = builder.Build();
        app.UseRequestErrors();
        app.MapLocalChat();
        app.MapSlack();
        app.MapTeams();
        app.MapIngest();
        app.MapStripe();
        app.MapHealth();
        return app;
    }
}
