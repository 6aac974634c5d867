using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using SuccessBot.Core.Chat;
using SuccessBot.Slack.Handlers;

namespace SuccessBot.Slack;

/// <summary>Registers the Slack channel in the host when its settings are there.</summary>
public static class SlackSetup
{
    /// <summary>Call before the local chat's channel: nudges go to the first channel that reaches the person.</summary>
    public static void AddSlack(this WebApplicationBuilder builder)
    {
        var settings = SlackSettings.From(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(settings);
        if (!settings.IsOn) return;
        services.AddSingleton<SlackLookups>();
        services.AddHttpClient<SlackApi>(http =>
            {
                http.BaseAddress = settings.ApiBaseUrl;
                http.Timeout = TimeSpan.FromSeconds(30);
            })
            .AddResilienceHandler("slack-rate-limits", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                // Only a 429 says for certain that nothing was done; after a timeout or a 5xx a retry could post twice.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests),
                ShouldRetryAfterHeader = true,
                MaxRetryAttempts = 3,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(20),
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
            }));
        services.AddSingleton<Func<SlackApi>>(s => () => s.GetRequiredService<SlackApi>());
        services.AddSingleton<SlackWork>();
        services.AddSingleton<SlackEventLog>();
        services.AddSingleton<SlackPeople>();
        services.AddSingleton<SlackAnswers>();
        services.AddSingleton<SlackClicks>();
        services.AddSingleton<SlackCharts>();
        services.AddSingleton(Routes);
        services.AddSingleton<SlackDispatcher>();
        services.AddSingleton<Core.Nudges.IChatChannel, SlackChannel>();
        if (settings.UsesSocketMode) services.AddHostedService<SocketModeConnection>();
    }

    /// <summary>Every slash command, event, button and modal SuccessBot answers in Slack.</summary>
    public static SlackRoutes Routes(IServiceProvider s)
    {
        var api = s.GetRequiredService<Func<SlackApi>>();
        var answers = s.GetRequiredService<SlackAnswers>();
        var people = s.GetRequiredService<SlackPeople>();
        var clicks = s.GetRequiredService<SlackClicks>();
        var charts = s.GetRequiredService<SlackCharts>();
        var routes = new SlackRoutes();
        foreach (var command in SlackManifest.SlashCommands)
            routes.Command(command.Name, new ChatSlashCommand(command.Verb, answers, people, api, s.GetRequiredService<SlackWork>(), charts));
        routes.Event("app_mention", new AppMentionHandler(answers, api, charts))
            .Event("message", new DirectMessageHandler(answers, api, charts))
            .Event("app_home_opened", new AppHomeHandler(people, s.GetRequiredService<ChatBot>(), s.GetRequiredService<TeamSettings>(), api));
        var click = new ButtonClickHandler(people, clicks, api);
        foreach (var actionId in s.GetRequiredService<ActionRouter>().ActionIds) routes.Action(actionId, click);
        routes.View(BlockKit.InputsModal, new ButtonInputsHandler(people, clicks));
        return routes;
    }

    /// <summary>The start-up line: on (and how Slack reaches the bot) or off and why.</summary>
    public static string Status(SlackSettings settings) =>
        settings.WhyOff is { } why ? $"off ({why})"
        : settings.UsesSocketMode ? $"on (Socket Mode{(settings.SigningSecret is null ? "" : $", and HTTP at {SlackEndpoints.Path}")})"
        : $"on (HTTP at {SlackEndpoints.Path})";
}
