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
        var w = context.Reader;
        if (command is NotUnderstood problem)
            return Reply.Refusal(w["Refusal.NotUnderstoodTitle"], w.Say(problem.Problem), CommandLanguage.Suggestion(w, problem, context.Asker.Role));
        if (command is not (HelpCommand or StopSurveysCommand) && context.Asker.Role is Role.Customer)
            return Reply.Refusal(w["Refusal.SurveysOnlyTitle"], w["Refusal.SurveysOnly"]);
        if (command is not HelpCommand && context.Asker.Role is Role.Unknown)
            return Reply.Refusal(w["Refusal.WhoAreYouTitle"],
                context.Asker.Email is { } email ? w["Refusal.WhoIs", ("email", email)] : w["Refusal.WhoAreYou"], w["Refusal.WhoCounts"]);
        if (!_routes.TryGetValue(command.GetType(), out var route))
            return Reply.Refusal(w["Refusal.NotAvailableTitle"], w["Refusal.NotAvailable", ("command", command.GetType().Name)]);

        // A customer gets here for help and stop only, which show no figures: their accounts stay, as the language they read is theirs.
        var scoped = context.Asker.SeesWholeTeam || context.Asker.Role is Role.Customer ? context : context with { Book = context.Book.OwnedBy(context.Asker.Email!) };
        return route(command, scoped).CutIn(w);
    }
}
