namespace SuccessBot.Core.Chat.Handlers;

public sealed class HelpHandler : IChatCommandHandler<HelpCommand>
{
    public Reply Handle(HelpCommand command, AskContext context)
    {
        var w = context.Reader;
        // A customer contact sees what a customer can do here, and nothing of the team's commands.
        if (context.Asker.Role is Role.Customer)
            return new Reply(w["Help.CustomerTitle"])
            {
                Summary = w["Help.CustomerSummary"],
                Sections = [new ReplySection(w["Help.Commands"], [w["Help.CustomerScore"], w["Help.CustomerStop"], w["Help.CustomerHelp"]])],
            };

        var managers = context.Asker.SeesWholeTeam;
        return new Reply(w["Help.Title"])
        {
            Summary = w["Help.Summary"],
            Sections =
            [
                new ReplySection(w["Help.Commands"], CommandLanguage.Commands.Where(c => c.Audience == Audience.Team && (managers || !c.ManagersOnly))
                    .Select(c => w["Help.Line", ("usage", c.Usage), ("description", w[DescriptionKey(c)]), ("example", c.Example)]).ToArray()),
                new ReplySection(w["Help.Periods"], [w["Help.PeriodExamples"]]),
                new ReplySection(w["Help.Breakdowns"], [w[managers ? "Help.ByManager" : "Help.ByCsm"], w[managers ? "Help.ForManager" : "Help.ForCsm"]]),
            ],
            Note = managers ? null : w["Help.OwnAccounts"],
        };
    }

    /// <summary>The message that says what a command does ("Help.churn-trend"); its English is the command's <see cref="CommandSpec.Description"/>, which the app manifests show.</summary>
    public static string DescriptionKey(CommandSpec command) => "Help." + command.Verb.Replace(' ', '-');
}
