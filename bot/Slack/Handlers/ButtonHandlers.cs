using System.Text.Json.Nodes;

namespace SuccessBot.Slack.Handlers;

/// <summary>A click on a button SuccessBot sent: its questions are asked in a modal first, otherwise it acts at once.</summary>
public sealed class ButtonClickHandler(SlackPeople people, SlackClicks clicks, Func<SlackApi> api) : IBlockActionHandler
{
    public async Task<SlackAck> HandleAsync(BlockAction click, CancellationToken cancel)
    {
        if (ButtonValue.Decode(click.Value) is not { } button) return SlackAck.Bad("SuccessBot never sent a button with this value.");
        var origin = new ClickOrigin(click.ActionId, button.Value, click.Channel, click.MessageTs, click.Ephemeral, click.ResponseUrl);
        var person = await people.IdentifyAsync(click.TeamId, click.UserId, cancel);
        if (person.Refusal is { } refusal)
        {
            clicks.Tell(origin, click.UserId, refusal);
            return SlackAck.Ok();
        }
        if (button.Inputs.Count > 0)
        {
            // views.open takes the trigger_id for 3 seconds only: the modal opens before the ack.
            if (click.TriggerId is not { } trigger) return SlackAck.Bad("A button that asks questions needs the click's trigger_id.");
            await api().OpenViewAsync(trigger, BlockKit.Modal(click.Label ?? "SuccessBot", button.Inputs, origin.Encode(), button.Submit, button.Cancel), cancel);
            return SlackAck.Ok();
        }
        if (clicks.Act(origin, person, new Dictionary<string, string>()) is not { } outcome) return SlackAck.Bad("SuccessBot never sent this button.");
        clicks.Show(origin, click.UserId, outcome);
        return SlackAck.Ok();
    }
}

/// <summary>The answers of the modal a button opened: acts as the click would have, or shows what is missing in the modal.</summary>
public sealed class ButtonInputsHandler(SlackPeople people, SlackClicks clicks) : IViewSubmissionHandler
{
    public async Task<SlackAck> HandleAsync(ViewSubmission submission, CancellationToken cancel)
    {
        if (ClickOrigin.Decode(submission.PrivateMetadata) is not { } origin) return SlackAck.Bad("SuccessBot never opened this modal.");
        var firstBlock = submission.Values.Keys.FirstOrDefault() ?? "";
        var person = await people.IdentifyAsync(submission.TeamId, submission.UserId, cancel);
        if (person.Refusal is { } refusal) return Errors(firstBlock, refusal.Summary ?? refusal.Title);
        var inputs = submission.Values.Where(v => !string.IsNullOrWhiteSpace(v.Value)).ToDictionary(v => v.Key, v => v.Value!, StringComparer.Ordinal);
        if (clicks.Act(origin, person, inputs) is not { } outcome) return SlackAck.Bad("SuccessBot never sent this button.");
        // Nothing was done (a missing choice, not their nudge): say so in the modal, which stays open.
        if (outcome.UpdatedCard is null && outcome.Answer is { IsRefusal: true } problem) return Errors(firstBlock, problem.Summary ?? problem.Title);
        clicks.Show(origin, submission.UserId, outcome);
        return SlackAck.Ok();
    }

    private static SlackAck Errors(string blockId, string message) =>
        SlackAck.Ok(new JsonObject { ["response_action"] = "errors", ["errors"] = new JsonObject { [blockId] = BlockKit.Cut(message, 150) } });
}
