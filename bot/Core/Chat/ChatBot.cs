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
public sealed record IncomingMessage(string Text, string? SenderEmail)
{
    /// <summary>Where it came from (slack, teams, local, cli), for the audit log of what it makes happen.</summary>
    public string Channel { get; init; } = Audit.AuditChannels.Cli;

    /// <summary>The sender's language as their chat tells it, if it does.</summary>
    public string? Locale { get; init; }
}

/// <summary>Reads a message, finds out who asks and answers with the figures they may see.</summary>
public sealed class ChatBot(IBookSource books, TeamSettings team, TimeProvider clock, CommandRouter router, ActionRouter actions,
    Storage.IStoreTransactions? transactions = null)
{
    // The commands of StandardRoutes only read the book: their answers are kept per book version (see AnswerMemo).
    private static readonly IReadOnlySet<Type> ReadOnlyCommands = StandardRoutes().Commands.ToHashSet();
    private readonly AnswerMemo _memo = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Text, DateOnly Today), ChatCommand> _read = new();
    private const int MaxReadKept = 10_000;

    public ChatBot(IBookSource books, TeamSettings team, TimeProvider clock) : this(books, team, clock, StandardRoutes(), new ActionRouter()) { }

    /// <summary>Every chat command and the handler that answers it.</summary>
    public static CommandRouter StandardRoutes() => new CommandRouter()
        .On(new ChurnHandler())
        .On(new ChurnTrendHandler())
        .On(new RetentionHandler())
        .On(new RetentionTrendHandler())
        .On(new NpsHandler())
        .On(new NpsTrendHandler())
        .On(new HealthHandler())
        .On(new RenewalsHandler())
        .On(new AtRiskHandler())
        .On(new ClvHandler())
        .On(new AdoptionHandler())
        .On(new TimeToValueHandler())
        .On(new HelpHandler());

    /// <summary>
    /// What a question or click gets while the book loads, in the words of its chat's language, else the language the
    /// person's chat last told, else the team's (who asks is not known before the book is).
    /// </summary>
    private Reply StartingUp(string? locale, string? email)
    {
        var w = team.ReaderOfChat(locale, email);
        return new Reply(w["StartingUp.Title"]) { Summary = w["StartingUp.Summary"] };
    }

    public Reply Answer(IncomingMessage message)
    {
        if (!books.IsReady) return StartingUp(message.Locale, message.SenderEmail);
        var book = books.Current;
        var today = team.Today(clock.GetUtcNow());
        var asker = message.SenderEmail is null ? Asker.Administrator : Asker.Identify(message.SenderEmail, team, book);
        var command = Read(message.Text, today);
        if (asker.Role is Role.Csm or Role.Manager) RememberLanguage(asker.Email, message.Locale);
        // A customer's words may be the reason for a score just given: never answered from the memo.
        if (asker.Role == Role.Customer || !ReadOnlyCommands.Contains(command.GetType()))
        {
            // These may write (a customer's score, a survey's answer): with the store down, nothing is, and the asker is told to try again.
            var context = new AskContext(asker, today, book, team) { Channel = message.Channel, Words = message.Text, Locale = message.Locale };
            try { return router.Route(command, context); }
            catch (Exception e) when (transactions?.IsStoreFault(e) == true) { return Reply.TryAgainSoon(context.Reader); }
        }
        var language = Language.Languages.First(message.Locale, team.Language).Name;
        return _memo.Answer(book, new AnswerMemo.Question(asker.Email?.ToLowerInvariant(), asker.Role, command, today, language),
            () => router.Route(command, new AskContext(asker, today, book, team) { Channel = message.Channel, Locale = language }));
    }

    /// <summary>Keeps the member's language; with the store down it is kept when their next message tells it, and the answer is given all the same.</summary>
    private void RememberLanguage(string? email, string? locale)
    {
        try { team.Members.Remember(email, locale); }
        catch (Exception e) when (transactions?.IsStoreFault(e) == true) { }
    }

    /// <summary>What a message asks for, as read today; the same words the same day read the same, so they are read once.</summary>
    public ChatCommand Read(string text) => Read(text, team.Today(clock.GetUtcNow()));

    private ChatCommand Read(string text, DateOnly today)
    {
        if (text.Length > 200) return CommandLanguage.Parse(text, today);
        if (_read.TryGetValue((text, today), out var known)) return known;
        if (_read.Count >= MaxReadKept) _read.Clear();
        return _read[(text, today)] = CommandLanguage.Parse(text, today);
    }

    /// <summary>Acts on a button click, as the person who clicked.</summary>
    public ActionOutcome Act(ActionRequest request)
    {
        if (!books.IsReady)
        {
            var wait = StartingUp(request.Locale, request.ClickerEmail);
            return ActionOutcome.Refused(wait.Title, wait.Summary!);
        }
        var book = books.Current;
        var now = clock.GetUtcNow();
        var asker = request.ClickerEmail is null ? Asker.Administrator : Asker.Identify(request.ClickerEmail, team, book);
        if (asker.Role is Role.Csm or Role.Manager) RememberLanguage(asker.Email, request.Locale);
        var context = new ActionContext(asker, team.Today(now), now, book, team);
        // A click's writes in one transaction: all or none, and one turn of the store's lock instead of one per write.
        ActionOutcome outcome;
        try { outcome = transactions is null ? actions.Route(request, context) : transactions.InOne(() => actions.Route(request, context)); }
        catch (Exception e) when (transactions?.IsStoreFault(e) == true)
        {
            return new ActionOutcome(null, Reply.TryAgainSoon(asker.Email is { } email ? team.ReaderOfMember(email) : team.ReaderTold(request.Locale)));
        }
        // What the click wrote (a snooze, a touchpoint, a churn mark) shows in the next answer, whatever the channel; if the store
        // went away just after the commit, the read model's poll brings it when the store is back.
        try { if (!outcome.Unknown) books.Refresh(); }
        catch (Exception e) when (transactions?.IsStoreFault(e) == true) { }
        // A card a click changes or opens is read back from the ledger.
        return outcome with { UpdatedCard = outcome.UpdatedCard is { } card ? team.InItsWords(card) : null, Answer = outcome.Answer is { } answer ? team.InItsWords(answer) : null };
    }
}

/// <summary>
/// Answers to read-only questions, kept with the book version they were computed from: a version never changes, so the
/// same question on it has the same answer, and the next version (after any write) starts empty. Bounded per version.
/// </summary>
internal sealed class AnswerMemo
{
    public sealed record Question(string? Asker, Role Role, ChatCommand Command, DateOnly Today, string Language);

    private const int MaxPerVersion = 2_000;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<BookOfBusiness, System.Collections.Concurrent.ConcurrentDictionary<Question, Reply>> _byVersion = new();

    public Reply Answer(BookOfBusiness version, Question question, Func<Reply> compute)
    {
        var answers = _byVersion.GetValue(version, _ => new());
        if (answers.TryGetValue(question, out var known)) return known;
        var reply = compute();
        if (answers.Count < MaxPerVersion) answers.TryAdd(question, reply);
        return reply;
    }
}
