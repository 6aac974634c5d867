namespace SuccessBot.Slack;

/// <summary>
/// The `Slack:*` keys. The channel is on with a bot token and either a signing secret (HTTP at `/slack/events`) or an
/// app-level token (Socket Mode); without them it is off and says why.
/// </summary>
public sealed record SlackSettings(string? BotToken, string? SigningSecret, string? AppToken, Uri ApiBaseUrl)
{
    public const string DefaultApiBaseUrl = "https://slack.com/api/";

    public static SlackSettings From(IConfiguration config) => new(
        Value(config, "Slack:BotToken"), Value(config, "Slack:SigningSecret"), Value(config, "Slack:AppToken"),
        new Uri(Value(config, "Slack:ApiBaseUrl") is { } url ? url.TrimEnd('/') + "/" : DefaultApiBaseUrl));

    public bool IsOn => WhyOff is null;

    public bool UsesSocketMode => IsOn && AppToken is not null;

    /// <summary>Why the channel is off, in the words of the settings to fix; null when it is on.</summary>
    public string? WhyOff =>
        BotToken is null ? "Slack:BotToken is not set"
        : SigningSecret is null && AppToken is null ? "neither Slack:SigningSecret (HTTP) nor Slack:AppToken (Socket Mode) is set"
        : null;

    /// <summary>Why `POST /slack/events` cannot take requests; null when it can.</summary>
    public string? WhyNoHttpEndpoint => WhyOff ?? (SigningSecret is null ? "Slack:SigningSecret is not set (Socket Mode only)" : null);

    private static string? Value(IConfiguration config, string key) => config[key] is { Length: > 0 } v ? v.Trim() : null;
}
