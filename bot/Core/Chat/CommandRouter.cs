namespace SuccessBot.Core.Chat;

/// <summary>Answers one command; one small class per command.</summary>
public interface IChatCommandHandler<in TCommand> where TCommand : ChatCommand
{
    Reply Handle(TCommand command, AskContext context);
}

/// <summary>What a customer typed that is no command for them; null when it means nothing here either.</summary>
public interface ICustomerWordsHandler
{
    Reply? Handle(string words, AskContext context);
}

/// <summary>The routing table: each command type goes to its handler, after the asker's rights are applied.</summary>
public sealed class CommandRouter
{
    private readonly Dictionary<Type, Func<ChatCommand, AskContext, Reply>> _routes = [];
    private ICustomerWordsHandler? _customerWords;

    /// <summary>The command types this table routes.</summary>
    public IReadOnlyCollection<Type> Commands => _routes.Keys;

    public CommandRouter On<TCommand>(IChatCommandHandler<TCommand> handler) where TCommand : ChatCommand
    {
        _routes[typeof(TCommand)] = (command, context) => handler.Handle((TCommand)command, context);
        return this;
    }

    /// <summary>A customer's words that are not `help` or `stop` go here first (the reason for a survey score just given).</summary>
    public CommandRouter OnCustomerWords(ICustomerWordsHandler handler)
    {
        _customerWords = handler;
        return this;
    }

    public Reply Route(ChatCommand command, AskContext context)
    {
        if (context.Asker.Role is Role.Customer && command is not (HelpCommand or StopSurveysCommand) && context.Words is { } words
            && _customerWords?.Handle(words, context) is { } kept)
            return kept;
        if (command is NotUnderstood problem)
            return Reply.Refusal("Not understood", problem.Problem, CommandLanguage.Suggestion(problem, context.Asker.Role));
        if (command is not (HelpCommand or StopSurveysCommand) && context.Asker.Role is Role.Customer)
            return Reply.Refusal("Only survey answers here", "This chat is for your feedback surveys; account figures are for the customer success team.");
        if (command is not HelpCommand && context.Asker.Role is Role.Unknown)
            return Reply.Refusal("Who are you?",
                $"I don't know {(context.Asker.Email is { } email ? email : "you")} as a member of the customer success team, so I can't share account figures.",
                "A manager is listed in `Team:Managers`; a CSM is the owner of at least one account.");
        if (!_routes.TryGetValue(command.GetType(), out var route))
            return Reply.Refusal("Not available", $"`{command.GetType().Name}` has no handler.");

        var scoped = context.Asker.SeesWholeTeam ? context : context with { Book = context.Book.OwnedBy(context.Asker.Email!) };
        return route(command, scoped);
    }
}
