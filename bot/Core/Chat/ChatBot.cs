using SuccessBot.Core.Chat.Handlers;
using SuccessBot.Core.Domain;

namespace SuccessBot.Core.Chat;

/// <summary>Where the current book of business comes from (a read model kept by the host).</summary>
public interface IBookSource
{
    BookOfBusiness Current { get; }

    /// <summary>False while the book is still being loaded at start: nothing is answered from half a book.</summary>
    bool IsReady => true;

    /// <summary>Completes when the book is ready (scheduled checks wait for it).</summary>
    Task WhenReady => Task.CompletedTask;

    /// <summary>Applies what a write has just changed; true when there was something new.</summary>
    bool Refresh() => false;
}

/// <summary>A message as every channel hands it over: the text and who sent it (null email: the administrator at the command line).</summary>
public sealed record IncomingMessage(string Text, string? SenderEmail);

/// <summary>Reads a message, finds out who asks and answers with the figures they may see.</summary>
public sealed class ChatBot(IBookSource books, TeamSettings team, TimeProvider clock, CommandRouter router, ActionRouter actions)
{
    public ChatBot(IBookSource books, TeamSettings team, TimeProvider clock) : this(books, team, clock, StandardRoutes(), new ActionRouter()) { }

    /// <summary>Every chat command and the handler that answers it.</summary>
    public static CommandRouter StandardRoutes() => new CommandRouter()
        .On(new ChurnHandler())
        .On(new RetentionHandler())
        .On(new NpsHandler())
        .On(new HealthHandler())
        .On(new RenewalsHandler())
        .On(new AtRiskHandler())
        .On(new ClvHandler())
        .On(new AdoptionHandler())
        .On(new TimeToValueHandler())
        .On(new HelpHandler());

    public static Reply StartingUp { get; } = new("Starting up") { Summary = "SuccessBot is starting up: ask again in a few seconds." };

    public Reply Answer(IncomingMessage message)
    {
        if (!books.IsReady) return StartingUp;
        var book = books.Current;
        var today = team.Today(clock.GetUtcNow());
        var asker = message.SenderEmail is null ? Asker.Administrator : Asker.Identify(message.SenderEmail, team, book);
        var command = CommandLanguage.Parse(message.Text, today);
        return router.Route(command, new AskContext(asker, today, book, team));
    }

    /// <summary>Acts on a button click, as the person who clicked.</summary>
    public ActionOutcome Act(ActionRequest request)
    {
        if (!books.IsReady) return ActionOutcome.Refused(StartingUp.Title, StartingUp.Summary!);
        var book = books.Current;
        var now = clock.GetUtcNow();
        var asker = request.ClickerEmail is null ? Asker.Administrator : Asker.Identify(request.ClickerEmail, team, book);
        var outcome = actions.Route(request, new ActionContext(asker, team.Today(now), now, book, team));
        // What the click wrote (a snooze, a touchpoint, a churn mark) shows in the next answer, whatever the channel.
        if (!outcome.Unknown) books.Refresh();
        return outcome;
    }
}
