using SuccessBot.Core.Time;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class HelpHandler : IChatCommandHandler<HelpCommand>
{
    public Reply Handle(HelpCommand command, AskContext context)
    {
        // A customer contact sees what a customer can do here, and nothing of the team's commands.
        if (context.Asker.Role is Role.Customer)
            return new Reply("What you can do here")
            {
                Summary = "SuccessBot asks you now and then how likely you are to recommend us: answer with one click, then say why if you like.",
                Sections =
                [
                    new ReplySection("Commands", ["a score on a survey card: your answer, 0 to 10", "`stop`: no more surveys", "`help`: this list"]),
                ],
            };

        var managers = context.Asker.SeesWholeTeam;
        return new Reply("SuccessBot commands")
        {
            Summary = "Ask in your own words in any channel (`what was churn in october?`, `show me at risk accounts`), or with a slash in Slack (`/churn last month`). Add `share` to post the answer for everyone.",
            Sections =
            [
                new ReplySection("Commands", CommandLanguage.Commands.Where(c => c.Audience == Audience.Team && (managers || !c.ManagersOnly))
                    .Select(c => $"`{c.Usage}`: {c.Description}. Example: `{c.Example}`").ToArray()),
                new ReplySection("Periods", [PeriodParser.Examples]),
                new ReplySection("Breakdowns (churn, retention, nps, renewals, at-risk)",
                [
                    "`by segment`, `by plan`" + (managers ? ", `by owner`" : "") + ": one line per group, e.g. `nps last quarter by segment`",
                    "`for SEGMENT`, `for PLAN`" + (managers ? ", `for EMAIL`" : "") + ": only those accounts, e.g. `churn this year for enterprise`",
                ]),
            ],
            Note = managers ? null : "Figures are over your own accounts.",
        };
    }
}
