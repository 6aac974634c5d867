using System.Text.Json;
using Json.Schema;
using SuccessBot.Slack;

namespace SuccessBot.Tests.Slack;

/// <summary>The manifest against Slack's own manifest schema (a copy of github.com/slackapi/manifest-schema, kept beside this test).</summary>
public class SlackManifestTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "Slack", "slack-manifest.schema.1.0.0.json"),
        new BuildOptions { Dialect = Dialect.Draft07 });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_manifest_is_valid_for_Slacks_schema(bool socketMode)
    {
        var manifest = JsonDocument.Parse(SlackManifest.Build("https://bot.example.org/", socketMode).ToJsonString()).RootElement;

        var result = Schema.Evaluate(manifest, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join("; ", result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? []));
    }

    [Fact]
    public void The_schema_check_catches_a_manifest_Slack_would_refuse()
    {
        var manifest = SlackManifest.Build("https://bot.example.org/", socketMode: false);
        manifest["display_information"]!["name"] = new string('n', 36);

        Assert.False(Schema.Evaluate(JsonDocument.Parse(manifest.ToJsonString()).RootElement).IsValid);
    }

    [Fact]
    public void Socket_mode_needs_no_request_urls_and_http_mode_points_every_url_at_slack_events()
    {
        var socket = SlackManifest.Yaml("https://bot.example.org", socketMode: true);
        var http = SlackManifest.Yaml("https://bot.example.org", socketMode: false);

        Assert.DoesNotContain(socket.Split('\n'), line => line.TrimStart().StartsWith("url:") || line.Contains("request_url"));
        Assert.Contains("socket_mode_enabled: true", socket);
        Assert.Equal(SlackManifest.SlashCommands.Count + 2, http.Split('\n').Count(l => l.Contains("\"https://bot.example.org/slack/events\"")));
    }
}
