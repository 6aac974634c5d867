using SuccessBot.Charts;
using SuccessBot.Core.Chat;

namespace SuccessBot.Slack;

/// <summary>
/// An answer's charts in Slack: PNGs uploaded into the conversation with the external upload flow, introduced by the
/// answer's text. A message only the asker sees (ephemeral) cannot carry files, so their charts go to the asker's direct
/// message with SuccessBot, and the answer says so.
/// </summary>
public sealed class SlackCharts(Func<SlackApi> api, ILogger<SlackCharts> log)
{
    public const string InYourMessages = "The chart is in your direct messages with SuccessBot: an answer only you see cannot carry pictures.";

    /// <summary>The answer to show only to the asker: saying where its charts went, when it has any, in the asker's words.</summary>
    public static Reply ForEphemeral(Reply reply)
    {
        if (reply.Charts.Count == 0) return reply;
        var where = reply.Words is { } w ? w["Slack.ChartInYourMessages"] : InYourMessages;
        return reply with { Note = reply.Note is { } note ? $"{note} {where}" : where };
    }

    /// <summary>Uploads the reply's charts into <paramref name="channel"/> (in the thread of <paramref name="threadTs"/>); a failure is logged, the answer stands.</summary>
    public async Task ShareAsync(string channel, Reply reply, CancellationToken cancel, string? threadTs = null)
    {
        if (reply.Charts.Count == 0) return;
        try
        {
            var files = reply.Charts.Select((chart, i) => new SlackFile(FileName(chart, i), PngCharts.Render(chart), "image/png", chart.Title, chart.Description)).ToArray();
            await api().UploadFilesAsync(channel, files, BlockKit.Fallback(reply), cancel, threadTs);
        }
        catch (SlackApiException e)
        {
            log.LogWarning("Slack: the chart of \"{Title}\" could not be shared in {Channel} ({Method}: {Error}); the answer was sent without it.", reply.Title, channel, e.Method, e.Error);
        }
    }

    /// <summary>Uploads the reply's charts into the user's direct message with the bot.</summary>
    public async Task ShareWithAsync(string userId, Reply reply, CancellationToken cancel)
    {
        if (reply.Charts.Count == 0) return;
        string channel;
        try
        {
            channel = await api().OpenConversationAsync(userId, cancel);
        }
        catch (SlackApiException e)
        {
            log.LogWarning("Slack: no direct message with {User} for the chart of \"{Title}\" ({Method}: {Error}).", userId, reply.Title, e.Method, e.Error);
            return;
        }
        await ShareAsync(channel, reply, cancel);
    }

    /// <summary>"monthly-churn.png": the chart's title as a file name.</summary>
    public static string FileName(Chart chart, int index)
    {
        var words = new string(chart.Title.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : ' ').ToArray())
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var name = string.Join('-', words.Take(8));
        return (name.Length == 0 ? $"chart-{index + 1}" : name) + ".png";
    }
}
