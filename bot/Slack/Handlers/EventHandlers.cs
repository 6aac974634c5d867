using System.Text.Json;
using System.Text.RegularExpressions;
using SuccessBot.Core.Chat;
using static SuccessBot.Slack.SlackApi;

namespace SuccessBot.Slack.Handlers;

/// <summary>`@SuccessBot churn last month` in a channel: the answer is shown to the asker only, unless they share it.</summary>
public sealed partial class AppMentionHandler(SlackAnswers answers, Func<SlackApi> api, SlackCharts charts) : ISlackEventHandler
{
    public async Task HandleAsync(SlackEvent slackEvent, CancellationToken cancel)
    {
        var e = slackEvent.Event;
        if (Text(e, "user") is not { } user || Text(e, "channel") is not { } channel) return;
        var text = Mention().Replace(Text(e, "text") ?? "", " ").Trim();
        var slack = api();
        var answer = await answers.AnswerAsync(slackEvent.TeamId, user, text, personal: false, () => Task.FromResult(slackEvent.ExternallyShared), cancel);
        // Ephemeral is Slack's way to the asker alone, shown in place: the core's notice is not needed beside it.
        if (answer.Visibility == Visibility.Conversation)
        {
            var thread = Text(e, "thread_ts") ?? Text(e, "ts");
            await slack.PostMessageAsync(channel, BlockKit.Message(answer.Reply), cancel, threadTs: thread);
            await charts.ShareAsync(channel, answer.Reply, cancel, thread);
            return;
        }
        await slack.PostEphemeralAsync(channel, user, BlockKit.Message(SlackCharts.ForEphemeral(answer.Reply)), cancel);
        await charts.ShareWithAsync(user, answer.Reply, cancel);
    }

    [GeneratedRegex(@"<@[A-Z0-9]+(\|[^>]*)?>")]
    private static partial Regex Mention();
}

/// <summary>A direct message to the bot: answered in the same conversation, which only the asker sees.</summary>
public sealed class DirectMessageHandler(SlackAnswers answers, Func<SlackApi> api, SlackCharts charts) : ISlackEventHandler
{
    public async Task HandleAsync(SlackEvent slackEvent, CancellationToken cancel)
    {
        var e = slackEvent.Event;
        // Edits, joins and the bot's own messages are messages too; only what a person typed is a question.
        if (Text(e, "channel_type") != "im" || Text(e, "subtype") is not null || Text(e, "bot_id") is not null) return;
        if (Text(e, "user") is not { } user || Text(e, "channel") is not { } channel) return;
        var answer = await answers.AnswerAsync(slackEvent.TeamId, user, Text(e, "text") ?? "", personal: true, () => Task.FromResult(false), cancel);
        await api().PostMessageAsync(channel, BlockKit.Message(answer.Reply), cancel);
        await charts.ShareAsync(channel, answer.Reply, cancel);
    }
}

/// <summary>The Home tab: who you are to SuccessBot, what needs attention among the accounts you see, and every command; in your Slack language.</summary>
public sealed class AppHomeHandler(SlackPeople people, ChatBot bot, TeamSettings team, Func<SlackApi> api) : ISlackEventHandler
{
    private static readonly string[] Questions = ["at-risk", "renewals next 30 days"];

    public async Task HandleAsync(SlackEvent slackEvent, CancellationToken cancel)
    {
        var e = slackEvent.Event;
        if (Text(e, "tab") is "messages" || Text(e, "user") is not { } user) return;
        var person = await people.IdentifyAsync(slackEvent.TeamId, user, cancel);
        await api().PublishHomeAsync(user, BlockKit.Home(Home(person)), cancel);
    }

    private IEnumerable<Reply> Home(SlackPerson person)
    {
        if (person.Refusal is { } refusal)
        {
            yield return refusal;
            yield break;
        }
        var w = team.ReaderTold(person.Locale);
        yield return new Reply("SuccessBot") { Summary = w["Home.SignedIn", ("email", person.Email)] };
        foreach (var question in Questions)
            if (bot.Answer(new IncomingMessage(question, person.Email) { Locale = person.Locale }) is { IsRefusal: false } answer) yield return answer;
        yield return bot.Answer(new IncomingMessage("help", person.Email) { Locale = person.Locale });
    }
}

/// <summary>Reads what Slack's Socket Mode sends as a slash command's payload into the fields of its form post.</summary>
public static class SlashCommandFields
{
    public static IReadOnlyDictionary<string, string> From(JsonElement payload) =>
        payload.ValueKind != JsonValueKind.Object ? new Dictionary<string, string>()
        : payload.EnumerateObject().Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.True or JsonValueKind.False)
            .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
}
