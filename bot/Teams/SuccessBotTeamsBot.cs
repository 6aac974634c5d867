using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using SuccessBot.Core.Audit;
using SuccessBot.Core.Chat;
using SuccessBot.Web;

namespace SuccessBot.Teams;

/// <summary>SuccessBot in Teams: commands through the same ChatBot as every channel, card clicks, and conversation references for nudges.</summary>
public sealed partial class SuccessBotTeamsBot(ChatBot bot, ConversationReferences references, TeamsChannel personalChats, TeamsSettings settings,
    OutsiderCache outsiders, TeamSettings team, ILogger<SuccessBotTeamsBot> log)
    : TeamsActivityHandler
{
    protected override async Task<TurnResponse> OnMessageActivityAsync(TurnContext turn)
    {
        if (turn.Activity.Value is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } value)
        {
            // Action.Submit arrives as a message whose value is the button's data with the inputs merged in.
            if (AdaptiveCards.ReadClick(value) is not { } click) return TurnResponse.Error(400, "This is not a click on a SuccessBot card.");
            return await ActAsync(click, turn, inPlace: false);
        }
        var email = await SenderEmailAsync(turn);
        var text = TextWithoutMention(turn.Activity);
        var reply = bot.Answer(new IncomingMessage(text, Asking(email)) { Channel = AuditChannels.Teams, Locale = turn.Activity.Locale });
        var answer = await ChannelPrivacy.PlaceAsync(reply, bot.Read(text).Share, IsPersonal(turn.Activity), () => HasOutsidersAsync(turn));
        if (answer.Visibility == Visibility.Conversation) await turn.SendAsync(answer.Reply);
        else await SendPrivatelyAsync(turn, answer, email);
        return TurnResponse.Ok;
    }

    /// <summary>The answer in the asker's one-to-one chat (created when there is none yet), and the core's notice where they asked.</summary>
    private async Task SendPrivatelyAsync(TurnContext turn, PlacedAnswer answer, string? email)
    {
        var asker = references.FindByUserId(turn.Activity.From!.Id!);
        var delivery = asker is null ? null : await personalChats.SendAsync(asker, answer.Reply, turn.Cancel);
        if (delivery is { Delivered: true })
        {
            if (answer.Notice is { } notice) await turn.SendAsync(notice);
            return;
        }
        log.LogWarning("Teams: an answer for {UserId} asked in {Conversation} could not go to a private chat ({Why}); it was not posted there.",
            turn.Activity.From!.Id, turn.Activity.Conversation!.Id, delivery?.Error ?? "no conversation reference");
        await turn.SendAsync(NotReachedPrivately(team.ReaderOfChat(turn.Activity.Locale, email)));
    }

    /// <summary>Said where they asked, in the asker's words: the activity's locale, else the language their chat last told, else the team's.</summary>
    private static Reply NotReachedPrivately(Core.Language.Reader w) =>
        new(w["Teams.NotReachedPrivately.Title"]) { Summary = w["Teams.NotReachedPrivately"] };

    private static bool IsPersonal(Activity activity) =>
        activity.Conversation?.ConversationType is null or "personal" && activity.Conversation?.IsGroup != true;

    /// <summary>
    /// A tenant other than the bot's, or a guest, an anonymous member or a member of another tenant in the roster (the
    /// team's, for a team channel; read at most every few minutes, see <see cref="OutsiderCache"/>); when the roster cannot
    /// be read the conversation is taken to have outsiders.
    /// </summary>
    private async Task<bool> HasOutsidersAsync(TurnContext turn)
    {
        var activity = turn.Activity;
        var tenant = activity.Conversation?.TenantId ?? TenantOf(activity);
        if (settings.TenantId is { } home && tenant != home) return true;
        var roster = RosterOf(activity);
        return await outsiders.HasOutsidersAsync(roster, async () =>
        {
            try
            {
                var members = await turn.Connector.GetMembersAsync(activity.ServiceUrl!, roster, turn.Cancel);
                return members.Any(m => m.UserRole is "guest" or "anonymous" || (tenant is not null && m.TenantId is { } t && t != tenant));
            }
            catch (ConnectorException e)
            {
                log.LogWarning("Teams: the members of {Conversation} could not be read ({Why}); the answer stays private.", roster, e.Message);
                return null;
            }
        });
    }

    /// <summary>Whose members decide who may see an answer: the team's for a team channel, else the conversation's (without a thread's message id).</summary>
    private static string RosterOf(Activity activity) => TeamOf(activity) ?? activity.Conversation!.Id!.Split(";messageid=")[0];

    protected override async Task<TurnResponse> OnAdaptiveCardActionExecuteAsync(JsonElement value, TurnContext turn)
    {
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.Object
            || !action.TryGetProperty("data", out var data) || AdaptiveCards.ReadClick(data) is not { } click
            || (action.TryGetProperty("verb", out var verb) && verb.StringOrNull() != click.ActionId))
            return TurnResponse.Error(400, "This is not a click on a SuccessBot card.");
        return await ActAsync(click, turn, inPlace: true);
    }

    protected override async Task OnMembersAddedAsync(IReadOnlyList<ChannelAccount> membersAdded, TurnContext turn)
    {
        // Whoever joined may be from outside: the roster is read again before the next answer is shared.
        outsiders.Forget(RosterOf(turn.Activity));
        var botId = turn.Activity.Recipient?.Id;
        foreach (var member in membersAdded.Where(m => m.Id is not null && m.Id != botId))
            await RememberAsync(turn, member);
        if (membersAdded.Any(m => m.Id == botId))
        {
            var email = await SenderEmailAsync(turn);
            await turn.SendAsync(Welcome(email, turn.Activity.Locale));
        }
    }

    protected override async Task OnInstallationUpdateAddAsync(TurnContext turn) => await SenderEmailAsync(turn);

    private async Task<TurnResponse> ActAsync(CardClick click, TurnContext turn, bool inPlace)
    {
        var from = turn.Activity.From!;
        var (known, email) = await IdentifyAsync(turn, from);
        var outcome = bot.Act(new ActionRequest(click.ActionId, click.Value, click.Inputs, Asking(email)) { Channel = AuditChannels.Teams, Locale = turn.Activity.Locale });
        if (outcome.Unknown) return TurnResponse.Error(400, outcome.Answer?.Summary ?? "SuccessBot never sent this button.");
        Remember(turn.Activity, from, known, email);
        if (inPlace)
        {
            if (outcome.UpdatedCard is not { } card) return TurnResponse.Message(outcome.Answer?.Summary ?? team.ReaderOfChat(turn.Activity.Locale, email)["Click.NothingChanged"]);
            if (outcome.Answer is { } done) await turn.SendAsync(done);
            return TurnResponse.Card(card);
        }
        if (outcome.UpdatedCard is { } updated && turn.Activity.ReplyToId is { Length: > 0 } clicked) await turn.UpdateAsync(clicked, updated);
        if (outcome.Answer is { } answer) await turn.SendAsync(answer);
        return TurnResponse.Ok;
    }

    /// <summary>An unknown email must not become null: null is the administrator at the command line.</summary>
    private static string Asking(string? email) => email ?? "";

    /// <summary>
    /// The sender's email (activities carry only ids): from the stored reference, else asked of the connector
    /// (TeamsInfo.GetMemberAsync); the reference is stored or refreshed either way.
    /// </summary>
    private async Task<string?> SenderEmailAsync(TurnContext turn) =>
        turn.Activity.From is { Id: not null } from ? await RememberAsync(turn, from) : null;

    private async Task<string?> RememberAsync(TurnContext turn, ChannelAccount user)
    {
        var (known, email) = await IdentifyAsync(turn, user);
        Remember(turn.Activity, user, known, email);
        return email;
    }

    private async Task<(ConversationReference? Known, string? Email)> IdentifyAsync(TurnContext turn, ChannelAccount user)
    {
        var known = references.FindByUserId(user.Id!);
        return (known, known?.Email ?? await AskEmailAsync(turn, user));
    }

    private void Remember(Activity activity, ChannelAccount user, ConversationReference? known, string? email)
    {
        var personal = IsPersonal(activity) && user.Id == activity.From?.Id;
        references.Save(new ConversationReference
        {
            ServiceUrl = activity.ServiceUrl!,
            ChannelId = activity.ChannelId ?? "msteams",
            UserId = user.Id!,
            AadObjectId = user.AadObjectId ?? known?.AadObjectId,
            Email = email,
            BotId = activity.Recipient!.Id!,
            BotName = activity.Recipient.Name,
            TenantId = activity.Conversation?.TenantId ?? TenantOf(activity) ?? known?.TenantId,
            ConversationId = personal ? activity.Conversation!.Id : known?.ConversationId,
            Locale = activity.Locale ?? known?.Locale,
            // The activity's zone is its sender's, not that of a member it announces.
            TimeZone = user.Id == activity.From?.Id && activity.LocalTimezone is { Length: > 0 } zone ? zone : known?.TimeZone,
        });
    }

    private async Task<string?> AskEmailAsync(TurnContext turn, ChannelAccount user)
    {
        try
        {
            var member = await turn.Connector.GetMemberAsync(turn.Activity.ServiceUrl!, turn.Activity.Conversation!.Id!, user.Id!, turn.Cancel);
            return member?.Email is { Length: > 0 } email ? email : member?.UserPrincipalName is { } upn && upn.Contains('@') ? upn : null;
        }
        catch (ConnectorException e) when (e.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden or null)
        {
            log.LogWarning("Teams: no email for user {UserId} ({Why}); they are answered as someone SuccessBot does not know.", user.Id, e.Message);
            return null;
        }
    }

    /// <summary>The help, introduced, in the words of whoever added the bot: the activity's locale, else the language their chat last told, else the team's.</summary>
    private Reply Welcome(string? email, string? locale)
    {
        var help = bot.Answer(new IncomingMessage("help", Asking(email)) { Locale = locale });
        var w = team.ReaderOfChat(locale, email);
        return help with { Title = w["Teams.Welcome.Title"], Summary = w["Teams.Welcome"] };
    }

    private static string? TenantOf(Activity activity) => ChannelDataId(activity, "tenant");

    private static string? TeamOf(Activity activity) => ChannelDataId(activity, "team");

    private static string? ChannelDataId(Activity activity, string field) =>
        activity.ChannelData is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty(field, out var value)
        && value.ValueKind == JsonValueKind.Object && value.TryGetProperty("id", out var id) ? id.StringOrNull() : null;

    /// <summary>The text with the bot's @mention taken out (botbuilder's RemoveRecipientMention), and any other mention tags.</summary>
    public static string TextWithoutMention(Activity activity)
    {
        var text = activity.Text ?? "";
        foreach (var entity in activity.Entities ?? [])
        {
            if (entity.ValueKind == JsonValueKind.Object && entity.TryGetProperty("type", out var type) && type.StringOrNull() == "mention"
                && entity.TryGetProperty("mentioned", out var mentioned) && mentioned.ValueKind == JsonValueKind.Object
                && mentioned.TryGetProperty("id", out var id) && id.StringOrNull() == activity.Recipient?.Id
                && entity.TryGetProperty("text", out var mention) && mention.StringOrNull() is { Length: > 0 } m)
                text = text.Replace(m, "", StringComparison.Ordinal);
        }
        return WebUtility.HtmlDecode(AtTag().Replace(text, "")).Trim();
    }

    [GeneratedRegex("<at>.*?</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex AtTag();
}
