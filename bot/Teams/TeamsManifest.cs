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
            foreach (var command in CommandLanguage.Commands)
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

    /// <summary>`manifest teams --base-url URL [--out FILE]`.</summary>
    public static Command Verb()
    {
        var baseUrl = new Option<string>("--base-url") { Description = "The public https URL where Teams reaches this host (the bot's messaging endpoint is URL/api/messages).", Required = true };
        var output = new Option<string>("--out") { Description = "The zip to write.", DefaultValueFactory = _ => "successbot-teams.zip" };
        var verb = new Command("teams", "Writes the Teams app package (manifest.json, color.png, outline.png) to upload in Teams or the admin center.") { baseUrl, output };
        verb.SetAction(parse =>
        {
            if (!Uri.TryCreate(parse.GetValue(baseUrl), UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
            {
                Console.Error.WriteLine($"--base-url \"{parse.GetValue(baseUrl)}\" is not an absolute http(s) URL, e.g. https://successbot.example.com.");
                return 2;
            }
            var appId = TeamsSettings.From(Settings.Load()).AppId;
            if (appId is null || !Guid.TryParse(appId, out _))
            {
                Console.Error.WriteLine("Teams:AppId must be the bot's Microsoft App ID (a GUID) in appsettings.json or Teams__AppId: the manifest names the bot by it.");
                return 1;
            }
            var path = Path.GetFullPath(parse.GetValue(output)!);
            using (var zip = File.Create(path)) WritePackage(zip, url, appId);
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
