using System.Text.Json.Nodes;
using SuccessBot.Core.Chat;

namespace SuccessBot.Slack.Handlers;

/// <summary>
/// One slash command of the chat language (`/churn last month` is `churn last month`; `/successbot` takes any command).
/// The answer goes back within Slack's 3 seconds, or an ack does and the answer follows through response_url.
/// </summary>
public sealed class ChatSlashCommand(string verb, SlackAnswers answers, SlackPeople people, Func<SlackApi> api, SlackWork work, SlackCharts charts) : ISlashCommandHandler
{
    /// <summary>Leaves a second of Slack's three for the network.</summary>
    public static readonly TimeSpan AnswerBudget = TimeSpan.FromSeconds(2);

    public async Task<SlackAck> HandleAsync(SlashCommand command, CancellationToken cancel)
    {
        var text = $"{verb} {command.Text}".Trim();
        if (text.Length == 0) text = "help";
        var slack = api();
        // Answering goes on when the ack has left: it is not tied to the request.
        var identifying = people.IdentifyAsync(command.TeamId, command.UserId, CancellationToken.None);
        var answering = answers.AnswerAsync(identifying, text, personal: false, () => SlackAnswers.IsExternalAsync(slack, command.ChannelId, CancellationToken.None));
        if (await Task.WhenAny(answering, Task.Delay(AnswerBudget, cancel)) == answering || command.ResponseUrl is not { } responseUrl)
        {
            var answer = await answering;
            ShareCharts(command, answer);
            return SlackAck.Ok(Response(answer));
        }
        work.Start($"answering {command.Command} through response_url", async c =>
        {
            var answer = await answering;
            await slack.RespondAsync(responseUrl, Response(answer), c);
            ShareCharts(command, answer);
        });
        // Slash commands carry no locale: the ack is in the asker's words once Slack has said who they are, else the team's.
        var w = people.WordsOf(identifying.IsCompletedSuccessfully ? identifying.Result : null);
        return SlackAck.Ok(new JsonObject { ["response_type"] = "ephemeral", ["text"] = w["Slack.WorkingOnIt"] });
    }

    /// <summary>After the answer: its charts into the channel when it was posted there, else into the asker's direct message.</summary>
    private void ShareCharts(SlashCommand command, PlacedAnswer answer)
    {
        if (answer.Reply.Charts.Count == 0) return;
        work.Start($"sharing the charts of {command.Command}", c => answer.Visibility == Visibility.Conversation
            ? charts.ShareAsync(command.ChannelId, answer.Reply, c)
            : charts.ShareWithAsync(command.UserId, answer.Reply, c));
    }

    /// <summary>An ephemeral answer shows in place to the asker alone, so no notice is needed beside it.</summary>
    private static JsonObject Response(PlacedAnswer answer)
    {
        var conversation = answer.Visibility == Visibility.Conversation;
        var message = BlockKit.Message(conversation ? answer.Reply : SlackCharts.ForEphemeral(answer.Reply));
        message["response_type"] = conversation ? "in_channel" : "ephemeral";
        return message;
    }
}
