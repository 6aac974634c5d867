using System.CommandLine;
using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using SuccessBot.Core.Chat;

namespace SuccessBot.Teams;

/// <summary>The Teams app package: manifests/teams/manifest.json (embedded) for a public URL and bot id, with its two icons, zipped for upload.</summary>
public static class TeamsManifest
{
    public const string PlaceholderBaseUrl = "https://successbot.example.com";
    public const string PlaceholderAppId = "00000000-0000-0000-0000-000000000000";
    public static readonly string[] Files = ["manifest.json", "color.png", "outline.png"];

    /// <summary>The manifest for this deployment: the bot's app id, the developer pages and valid domain on the public URL, the commands of the chat language.</summary>
    public static JsonObject Build(string template, Uri baseUrl, string appId)
    {
        var root = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var manifest = JsonNode.Parse(template.Replace(PlaceholderBaseUrl, root, StringComparison.Ordinal))!.AsObject();
        manifest["id"] = appId;
        manifest["validDomains"] = new JsonArray(baseUrl.Authority);
        var bot = manifest["bots"]![0]!.AsObject();
        bot["botId"] = appId;
        bot["commandLists"] = CommandLists(bot["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        return manifest;
    }

    /// <summary>One list per scope (Teams shows the list of the scope the user is in), each command with its example.</summary>
    public static JsonArray CommandLists(IEnumerable<string> scopes)
    {
        var lists = new JsonArray();
        foreach (var scope in scopes)
        {
            var commands = new JsonArray();
            // Teams shows a menu to everyone and holds at most 12 commands: a trend is its figure's command with `trend` (churn's
            // description says so), and managers' commands are left to `help`.
            foreach (var command in CommandLanguage.Commands.Where(c => !c.IsTrend && !c.ManagersOnly))
                commands.Add(new JsonObject { ["title"] = command.Verb, ["description"] = $"{Capital(command.Description)}. Example: {command.Example}" });
            lists.Add(new JsonObject { ["scopes"] = new JsonArray(scope), ["commands"] = commands });
        }
        return lists;
    }

    public static void WritePackage(Stream zip, Uri baseUrl, string appId)
    {
        using var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var file in Files)
        {
            using var entry = archive.CreateEntry(file).Open();
            if (file == "manifest.json")
            {
                using var writer = new Utf8JsonWriter(entry, new JsonWriterOptions { Indented = true });
                Build(Template(), baseUrl, appId).WriteTo(writer);
            }
            else Resource(file).CopyTo(entry);
        }
    }

    public static string Template()
    {
        using var reader = new StreamReader(Resource("manifest.json"));
        return reader.ReadToEnd();
    }

    /// <summary>`manifest teams --app-id ID --base-url URL [--out FILE]`.</summary>
    public static Command Verb()
    {
        var baseUrl = new Option<string>("--base-url") { Description = "The public https URL where Teams reaches this host (the bot's messaging endpoint is URL/api/messages).", Required = true };
        var appIdOption = new Option<string?>("--app-id") { Description = "The bot's Microsoft App ID (a GUID), as in Azure Bot Service; default Teams:AppId." };
        var output = new Option<string>("--out") { Description = "The zip to write.", DefaultValueFactory = _ => "successbot-teams.zip" };
        var verb = new Command("teams", "Writes the Teams app package (manifest.json, color.png, outline.png) to upload in Teams or the admin center.") { appIdOption, baseUrl, output };
        verb.SetAction(parse =>
        {
            var given = parse.GetValue(baseUrl)!;
            // The Bot Framework connector calls messaging endpoints over https only.
            if (!Uri.TryCreate(given, UriKind.Absolute, out var url) || url.Scheme != "https")
            {
                Console.Error.WriteLine($"manifest teams: --base-url \"{Cli.TerminalText.Escape(given)}\" is not an https URL (e.g. {PlaceholderBaseUrl}); Teams reaches bots over https only.");
                return Cli.Verbs.UsageError;
            }
            var appId = parse.GetValue(appIdOption) ?? TeamsSettings.From(Settings.Load()).AppId;
            if (string.IsNullOrWhiteSpace(appId))
            {
                Console.Error.WriteLine("manifest teams: the manifest names the bot by its Microsoft App ID: give --app-id ID, or set Teams:AppId in appsettings.json (Teams__AppId).");
                return Cli.Verbs.UsageError;
            }
            if (!Guid.TryParse(appId, out _))
            {
                Console.Error.WriteLine($"manifest teams: the app id \"{Cli.TerminalText.Escape(appId)}\" is not a Microsoft App ID (a GUID such as 6f1c2a4e-0b7d-4c55-9a0e-3d2b1f8e7c60).");
                return Cli.Verbs.UsageError;
            }
            var path = Path.GetFullPath(parse.GetValue(output)!);
            try
            {
                using var zip = File.Create(path);
                WritePackage(zip, url, appId);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"manifest teams: cannot write {path} ({e.Message}).");
                return Cli.Verbs.Failure;
            }
            Console.WriteLine($"Wrote {path} for bot {appId} at {url.GetLeftPart(UriPartial.Path).TrimEnd('/')}{TeamsEndpoints.Path}.");
            return 0;
        });
        return verb;
    }

    private static Stream Resource(string file) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream("SuccessBot.Teams.Package." + file)
        ?? throw new InvalidOperationException($"manifests/teams/{file} is not embedded in the build.");

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
