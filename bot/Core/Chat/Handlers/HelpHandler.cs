using SuccessBot.Core.Time;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class HelpHandler : IChatCommandHandler<HelpCommand>
{
    public Reply Handle(HelpCommand command, AskContext context) => new("SuccessBot commands")
    {
        Summary = "Ask in any channel, or with a slash in Slack (`/churn last month`). Add `share` to post the answer for everyone.",
        Sections =
        [
            new ReplySection("Commands", CommandLanguage.Commands.Select(c => $"`{c.Usage}`: {c.Description}. Example: `{c.Example}`").ToArray()),
            new ReplySection("Periods", [PeriodParser.Examples]),
        ],
    };
}
