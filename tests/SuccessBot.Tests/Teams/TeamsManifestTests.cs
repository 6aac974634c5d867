using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;
using SuccessBot.Core.Chat;
using SuccessBot.Teams;
using SuccessBot.Tests.Import;

namespace SuccessBot.Tests.Teams;

public class TeamsManifestTests
{
    private static readonly string Folder = Path.Combine(RepoRoot.Path, "manifests", "teams");

    private static async Task<ICollection<NJsonSchema.Validation.ValidationError>> SchemaErrors(string manifest)
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Teams", "teams-manifest.v1.29.schema.json"));
        return schema.Validate(manifest);
    }

    [Fact]
    public async Task The_manifest_is_valid_against_the_Teams_v1_29_schema_it_names()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Folder, "manifest.json"));
        using var manifest = JsonDocument.Parse(text);

        Assert.Empty(await SchemaErrors(text));
        // The schema does reject a broken manifest: the check above is not vacuous.
        Assert.NotEmpty(await SchemaErrors(text.Replace("\"botId\": \"00000000", "\"botId\": \"not-a-guid-00000000")));
        Assert.Equal("https://developer.microsoft.com/en-us/json-schemas/teams/v1.29/MicrosoftTeams.schema.json", manifest.RootElement.GetProperty("$schema").GetString());
        var bot = manifest.RootElement.GetProperty("bots")[0];
        Assert.Equal(["personal", "team"], bot.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task The_command_lists_are_the_chat_language_and_the_package_built_for_a_url_is_valid_too()
    {
        var template = await File.ReadAllTextAsync(Path.Combine(Folder, "manifest.json"));
        using var manifest = JsonDocument.Parse(template);
        var lists = manifest.RootElement.GetProperty("bots")[0].GetProperty("commandLists");

        Assert.True(JsonNode.DeepEquals(TeamsManifest.CommandLists(["personal", "team"]), JsonNode.Parse(lists.GetRawText())), "manifest.json's commandLists differ from the chat language");
        Assert.All(lists.EnumerateArray(), l => Assert.Equal(CommandLanguage.Commands.Where(c => !c.IsTrend && !c.ManagersOnly).Select(c => c.Verb), l.GetProperty("commands").EnumerateArray().Select(c => c.GetProperty("title").GetString())));

        var built = TeamsManifest.Build(template, new Uri("https://bot.contoso.com/"), "6f1c2a4e-0b7d-4c55-9a0e-3d2b1f8e7c60");
        Assert.Empty(await SchemaErrors(built.ToJsonString()));
        Assert.Equal("6f1c2a4e-0b7d-4c55-9a0e-3d2b1f8e7c60", built["bots"]![0]!["botId"]!.GetValue<string>());
        Assert.Equal("bot.contoso.com", built["validDomains"]![0]!.GetValue<string>());
        Assert.Equal("https://bot.contoso.com/privacy", built["developer"]!["privacyUrl"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("color.png", 192)]
    [InlineData("outline.png", 32)]
    public void The_icons_are_PNGs_of_the_size_Teams_asks_for(string file, int size)
    {
        var png = Png.Read(Path.Combine(Folder, file));

        Assert.Equal((size, size), (png.Width, png.Height));
    }

    [Fact]
    public void The_outline_icon_is_white_on_a_transparent_background()
    {
        var png = Png.Read(Path.Combine(Folder, "outline.png"));

        Assert.Equal(0, png.Alpha(0, 0));
        Assert.Contains(Enumerable.Range(0, 32 * 32), i => png.Alpha(i % 32, i / 32) == 255);
        Assert.All(Enumerable.Range(0, 32 * 32).Where(i => png.Alpha(i % 32, i / 32) > 0), i => Assert.Equal((255, 255, 255), png.Rgb(i % 32, i / 32)));
    }

    [Fact]
    public void The_manifest_verb_writes_the_zip_to_upload()
    {
        using var folder = new TempFolder();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder.Path };
        foreach (var a in new[] { typeof(TeamsManifest).Assembly.Location, "manifest", "teams", "--base-url", "https://bot.contoso.com" }) start.ArgumentList.Add(a);
        start.Environment["Teams__AppId"] = "6f1c2a4e-0b7d-4c55-9a0e-3d2b1f8e7c60";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));

        Assert.True(process.ExitCode == 0, output);
        using var zip = ZipFile.OpenRead(Path.Combine(folder.Path, "successbot-teams.zip"));
        Assert.Equal(TeamsManifest.Files.Order(), zip.Entries.Select(e => e.FullName).Order());
        using var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open());
        Assert.Equal("6f1c2a4e-0b7d-4c55-9a0e-3d2b1f8e7c60", manifest.RootElement.GetProperty("id").GetString());
    }

    /// <summary>Just enough of a PNG reader for 8-bit RGBA icons: size, and pixels after undoing the row filters.</summary>
    private sealed record Png(int Width, int Height, byte[] Pixels)
    {
        public int Alpha(int x, int y) => Pixels[(y * Width + x) * 4 + 3];

        public (int, int, int) Rgb(int x, int y) => (Pixels[(y * Width + x) * 4], Pixels[(y * Width + x) * 4 + 1], Pixels[(y * Width + x) * 4 + 2]);

        public static Png Read(string path)
        {
            var bytes = File.ReadAllBytes(path);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], bytes[..8]);
            int width = 0, height = 0;
            using var idat = new MemoryStream();
            for (var at = 8; at < bytes.Length;)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
                var type = System.Text.Encoding.ASCII.GetString(bytes, at + 4, 4);
                var data = bytes.AsSpan(at + 8, length);
                if (type == "IHDR")
                {
                    (width, height) = (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]));
                    Assert.Equal((8, 6), (data[8], data[9]));
                }
                if (type == "IDAT") idat.Write(data);
                at += 12 + length;
            }
            idat.Position = 0;
            using var inflated = new MemoryStream();
            using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(inflated);
            return new Png(width, height, Unfilter(inflated.ToArray(), width, height));
        }

        private static byte[] Unfilter(byte[] raw, int width, int height)
        {
            var stride = width * 4;
            var pixels = new byte[stride * height];
            for (var y = 0; y < height; y++)
            {
                var filter = raw[y * (stride + 1)];
                for (var i = 0; i < stride; i++)
                {
                    int a = i >= 4 ? pixels[y * stride + i - 4] : 0, b = y > 0 ? pixels[(y - 1) * stride + i] : 0, c = i >= 4 && y > 0 ? pixels[(y - 1) * stride + i - 4] : 0;
                    var x = raw[y * (stride + 1) + 1 + i];
                    pixels[y * stride + i] = (byte)(filter switch { 0 => x, 1 => x + a, 2 => x + b, 3 => x + (a + b) / 2, _ => x + Paeth(a, b, c) });
                }
            }
            return pixels;
        }

        private static int Paeth(int a, int b, int c)
        {
            var p = a + b - c;
            int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }
}
