using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using SuccessBot.Core.Chat;

namespace SuccessBot.Slack;

/// <summary>A slash command: `/atrisk` asks the chat command `at-risk`; `/successbot` (no verb) asks any.</summary>
public sealed record SlackSlashCommand(string Name, string Verb, string Description, string UsageHint);

/// <summary>The Slack app manifest (manifests/slack/manifest.yml): paste it at api.slack.com/apps to create the app.</summary>
public static class SlackManifest
{
    public const string SampleBaseUrl = "https://successbot.example.com";
    public const string RepositoryPath = "manifests/slack/manifest.yml";

    public static readonly IReadOnlyList<SlackSlashCommand> SlashCommands =
    [
        // `nps send` rides on /nps, and customers type `stop` in the DM: neither needs a slash command of its own.
        .. CommandLanguage.Commands.Where(c => c.Verb is not ("help" or "stop") && !c.Verb.Contains(' ')).Select(c =>
            new SlackSlashCommand("/" + c.Verb.Replace("-", ""), c.Verb, Capitalised(c.Description), (c.Usage[c.Verb.Length..].Trim() + " [share]").Trim())),
        new("/successbot", "", "Any SuccessBot command; `help` lists them", "help | churn last month | health ACME"),
    ];

    /// <summary>The scopes of the Web API methods and events the bot uses, and no others.</summary>
    public static readonly string[] BotScopes =
    [
        "app_mentions:read", // app_mention events
        "channels:read", "groups:read", "im:read", "mpim:read", // conversations.info: is a channel shared with another organisation
        "chat:write", // chat.postMessage, chat.update, chat.postEphemeral
        "commands", // slash commands
        "files:write", // files.getUploadURLExternal, files.completeUploadExternal: an answer's charts
        "im:history", // message.im events
        "im:write", // conversations.open for direct messages
        "users:read", "users:read.email", // users.info, users.lookupByEmail
    ];

    public static readonly string[] BotEvents = ["app_home_opened", "app_mention", "message.im"];

    public static JsonObject Build(string baseUrl, bool socketMode)
    {
        var url = baseUrl.TrimEnd('/') + SlackEndpoints.Path;
        var commands = new JsonArray(SlashCommands.Select(c =>
        {
            var command = new JsonObject { ["command"] = c.Name };
            if (!socketMode) command["url"] = url;
            command["description"] = c.Description;
            command["usage_hint"] = c.UsageHint;
            command["should_escape"] = false;
            return (JsonNode)command;
        }).ToArray());
        var events = new JsonObject();
        if (!socketMode) events["request_url"] = url;
        events["bot_events"] = new JsonArray(BotEvents.Select(e => (JsonNode)e).ToArray());
        var interactivity = new JsonObject { ["is_enabled"] = true };
        if (!socketMode) interactivity["request_url"] = url;
        return new JsonObject
        {
            ["display_information"] = new JsonObject
            {
                ["name"] = "SuccessBot",
                ["description"] = "Churn, NPS, renewals and at-risk accounts in Slack, with nudges your CSMs can act on.",
                ["background_color"] = "#1d4ed8",
            },
            ["features"] = new JsonObject
            {
                ["app_home"] = new JsonObject { ["home_tab_enabled"] = true, ["messages_tab_enabled"] = true, ["messages_tab_read_only_enabled"] = false },
                ["bot_user"] = new JsonObject { ["display_name"] = "SuccessBot", ["always_online"] = true },
                ["slash_commands"] = commands,
            },
            ["oauth_config"] = new JsonObject { ["scopes"] = new JsonObject { ["bot"] = new JsonArray(BotScopes.Select(s => (JsonNode)s).ToArray()) } },
            ["settings"] = new JsonObject
            {
                ["event_subscriptions"] = events,
                ["interactivity"] = interactivity,
                ["org_deploy_enabled"] = false,
                ["socket_mode_enabled"] = socketMode,
                ["token_rotation_enabled"] = false,
            },
        };
    }

    public static string Yaml(string baseUrl, bool socketMode)
    {
        var yaml = new StringBuilder("# The SuccessBot Slack app. Written by `dotnet run --project bot -- manifest slack --base-url URL`.\n");
        WriteObject(yaml, Build(baseUrl, socketMode), 0, firstPrefix: null);
        return yaml.ToString();
    }

    /// <summary>`manifest slack --base-url URL [--socket-mode] [--out FILE]`.</summary>
    public static Command Verb()
    {
        var baseUrl = new Option<string>("--base-url") { Description = "The bot's public https URL (Slack posts to URL/slack/events).", Required = true };
        var socketMode = new Option<bool>("--socket-mode") { Description = "Socket Mode (Slack:AppToken) instead of a public URL: no request URLs." };
        var output = new Option<string?>("--out") { Description = "Write the manifest to this file instead of printing it." };
        var slack = new Command("slack", "The Slack app manifest (YAML): paste it into \"Create an app → From a manifest\".") { baseUrl, socketMode, output };
        slack.SetAction(parse =>
        {
            var url = parse.GetValue(baseUrl)!;
            var socket = parse.GetValue(socketMode);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                Console.Error.WriteLine($"manifest slack: --base-url \"{Cli.TerminalText.Escape(url)}\" is not an https URL (e.g. {SampleBaseUrl}).");
                return Cli.Verbs.UsageError;
            }
            // Slack posts events, commands and clicks to https request URLs only; Socket Mode has none.
            if (uri.Scheme == "http" && !socket)
            {
                Console.Error.WriteLine($"manifest slack: --base-url \"{Cli.TerminalText.Escape(url)}\" is http, and Slack only sends to https URLs: give the https address of this host (a TLS proxy in front of it), or use --socket-mode, which needs no public URL.");
                return Cli.Verbs.UsageError;
            }
            var yaml = Yaml(url, socket);
            if (parse.GetValue(output) is not { } file)
            {
                Console.Write(yaml);
                return 0;
            }
            try
            {
                File.WriteAllText(file, yaml);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"manifest slack: cannot write {Path.GetFullPath(file)} ({e.Message}).");
                return Cli.Verbs.Failure;
            }
            Console.WriteLine($"Wrote {Path.GetFullPath(file)}.");
            return 0;
        });
        return slack;
    }

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    // A small YAML writer: objects, arrays and scalars, strings double-quoted in JSON's escapes (which YAML reads as is).
    private static void WriteObject(StringBuilder yaml, JsonObject node, int indent, string? firstPrefix)
    {
        var first = true;
        foreach (var (key, value) in node)
        {
            var prefix = first && firstPrefix is not null ? firstPrefix : new string(' ', indent);
            first = false;
            switch (value)
            {
                case JsonObject child:
                    yaml.Append(prefix).Append(key).Append(":\n");
                    WriteObject(yaml, child, indent + 2, null);
                    break;
                case JsonArray items:
                    yaml.Append(prefix).Append(key).Append(":\n");
                    foreach (var item in items)
                    {
                        var dash = new string(' ', indent + 2) + "- ";
                        if (item is JsonObject o) WriteObject(yaml, o, indent + 4, dash);
                        else yaml.Append(dash).Append(Scalar(item)).Append('\n');
                    }
                    break;
                default:
                    yaml.Append(prefix).Append(key).Append(": ").Append(Scalar(value)).Append('\n');
                    break;
            }
        }
    }

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Scalar(JsonNode? value) => value is null ? "null" : value.ToJsonString(Readable);
}
