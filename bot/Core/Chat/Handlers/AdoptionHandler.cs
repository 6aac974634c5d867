using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class AdoptionHandler : IChatCommandHandler<AdoptionCommand>
{
    public Reply Handle(AdoptionCommand command, AskContext context)
    {
        var a = ValueMetrics.Adoption(context.Book, command.Period, context.Team.CoreFeatures);
        var w = context.Reader;
        return new Reply(w["Adoption.Title", ("period", w.Span(command.Period)), ("scope", context.ScopeIn(w))])
        {
            Summary = w.Plural("Adoption.Summary", a.ActiveAccounts, ("rate", w.Percent(a.Rate)), ("adopted", a.Adopted), ("features", string.Join(", ", context.Team.CoreFeatures))),
            Facts = a.ByFeature.Select(f => new Fact(f.Feature,
                w["Adoption.Feature", ("share", w.Percent(Rates.Share(f.Accounts, a.ActiveAccounts))), ("accounts", f.Accounts), ("active", a.ActiveAccounts)])).ToArray(),
        };
    }
}
