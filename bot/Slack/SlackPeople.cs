using System.Text.Json;
using System.Text.Json.Nodes;
using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;

namespace SuccessBot.Slack;

/// <summary>A Slack user as SuccessBot answers them: by email, or not at all (<see cref="Refusal"/> says why, politely).</summary>
public sealed record SlackPerson(string UserId, string? Email, Reply? Refusal)
{
    /// <summary>Their Slack language, read with who they are.</summary>
    public string? Locale { get; init; }
}

/// <summary>Finds out who a Slack user is; only members of the installing workspace are answered, and a refusal is in their Slack language once it is known.</summary>
public sealed class SlackPeople(Func<SlackApi> api, TeamSettings team)
{
    public async Task<SlackPerson> IdentifyAsync(string? teamId, string userId, CancellationToken cancel)
    {
        try
        {
            return await LookUpAsync(teamId, userId, cancel);
        }
        catch (SlackApiException e)
        {
            return Refused(userId, null, "Slack.NotToldWho", ("method", e.Method), ("error", e.Error));
        }
    }

    private async Task<SlackPerson> LookUpAsync(string? teamId, string userId, CancellationToken cancel)
    {
        var slack = api();
        var (installed, _) = await slack.InstallationAsync(cancel);
        if (teamId is not null && teamId != installed) return Refused(userId, null, "Slack.OtherWorkspace");
        var user = await slack.UserAsync(userId, cancel);
        if (user is null || user.Deleted || user.IsBot) return Refused(userId, user?.Locale, "Slack.PeopleOnly");
        if (user.TeamId != installed) return Refused(userId, user.Locale, "Slack.Guest");
        if (user.Email is null) return Refused(userId, user.Locale, "Slack.NoEmail");
        return new SlackPerson(userId, user.Email, null) { Locale = user.Locale };
    }

    private SlackPerson Refused(string userId, string? locale, string why, params (string, object?)[] values)
    {
        var w = team.ReaderTold(locale);
        return new(userId, null, Reply.Refusal(w["Slack.NotAvailableTitle"], w[why, values], w["Slack.NotAvailableNote"])) { Locale = locale };
    }

    /// <summary>A person's words: their Slack language, else the one their chat last told, else the team's (also for someone not identified yet).</summary>
    public Core.Language.Reader WordsOf(SlackPerson? person) => team.ReaderOfChat(person?.Locale, person?.Email);
}

/// <summary>Answers a chat command as the asking Slack user may see it, placed by the core's privacy rule.</summary>
public sealed class SlackAnswers(SlackPeople people, ChatBot bot)
{
    /// <param name="personal">A direct message with the bot: nobody else reads it.</param>
    /// <param name="channelIsExternal">Asked only when the answer could be posted for the channel.</param>
    public Task<PlacedAnswer> AnswerAsync(string? teamId, string userId, string text, bool personal, Func<Task<bool>> channelIsExternal, CancellationToken cancel) =>
        AnswerAsync(people.IdentifyAsync(teamId, userId, cancel), text, personal, channelIsExternal);

    /// <param name="identifying">Who asks, being looked up (a slash command's ack is said in their words when they are known in time).</param>
    public async Task<PlacedAnswer> AnswerAsync(Task<SlackPerson> identifying, string text, bool personal, Func<Task<bool>> channelIsExternal)
    {
        var person = await identifying;
        if (person.Refusal is { } refusal) return ChannelPrivacy.Place(refusal, personal ? ConversationKind.Personal : ConversationKind.Team, share: false);
        var reply = bot.Answer(new IncomingMessage(text, person.Email) { Channel = AuditChannels.Slack, Locale = person.Locale });
        return await ChannelPrivacy.PlaceAsync(reply, bot.Read(text).Share, personal, channelIsExternal);
    }

    /// <summary>Whether a channel is shared outside; when Slack cannot say, it is treated as shared.</summary>
    public static async Task<bool> IsExternalAsync(SlackApi slack, string channel, CancellationToken cancel)
    {
        try { return await slack.IsExternallySharedAsync(channel, cancel); }
        catch (SlackApiException) { return true; }
    }
}

/// <summary>Where a click came from, carried through a modal's private_metadata to the submission.</summary>
public sealed record ClickOrigin(string ActionId, string Value, string? Channel, string? MessageTs, bool Ephemeral, string? ResponseUrl)
{
    public string Encode() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static ClickOrigin? Decode(string metadata)
    {
        try { return JsonSerializer.Deserialize<ClickOrigin>(metadata, JsonSerializerOptions.Web) is { ActionId: not null, Value: not null } origin ? origin : null; }
        catch (JsonException) { return null; }
    }
}

/// <summary>Acts on a click through the same handlers as every channel, then shows the result: the card replaced, a word to the clicker.</summary>
public sealed class SlackClicks(ChatBot bot, Func<SlackApi> api, SlackWork work)
{
    /// <summary>Null when SuccessBot never sent such a button.</summary>
    public ActionOutcome? Act(ClickOrigin origin, SlackPerson person, IReadOnlyDictionary<string, string> inputs)
    {
        var outcome = bot.Act(new ActionRequest(origin.ActionId, origin.Value, inputs, person.Email) { Channel = AuditChannels.Slack, Locale = person.Locale });
        return outcome.Unknown ? null : outcome;
    }

    public void Show(ClickOrigin origin, string userId, ActionOutcome outcome) => work.Start($"showing {origin.ActionId}", async cancel =>
    {
        var slack = api();
        if (outcome.UpdatedCard is { } card)
        {
            var message = BlockKit.Message(card);
            if (!origin.Ephemeral && origin.Channel is { } channel && origin.MessageTs is { } ts) await slack.UpdateAsync(channel, ts, message, cancel);
            else if (origin.ResponseUrl is { } url)
            {
                message["replace_original"] = true;
                await slack.RespondAsync(url, message, cancel);
            }
        }
        if (outcome.Answer is { } answer) await TellAsync(slack, origin, userId, answer, cancel);
    });

    public void Tell(ClickOrigin origin, string userId, Reply answer) => work.Start("answering a click", cancel => TellAsync(api(), origin, userId, answer, cancel));

    private static async Task TellAsync(SlackApi slack, ClickOrigin origin, string userId, Reply answer, CancellationToken cancel)
    {
        if (origin.Channel is { } channel) await slack.PostEphemeralAsync(channel, userId, BlockKit.Message(answer), cancel);
        else if (origin.ResponseUrl is { } url)
        {
            var message = BlockKit.Message(answer);
            message["response_type"] = "ephemeral";
            message["replace_original"] = false;
            await slack.RespondAsync(url, message, cancel);
        }
    }
}
