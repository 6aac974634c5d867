using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class AdoptionHandler : IChatCommandHandler<AdoptionCommand>
{
    public Reply Handle(AdoptionCommand command, AskContext context)
    {
        var a = ValueMetrics.Adoption(context.Book, command.Period, context.Team.CoreFeatures);
        var p = command.Period;
        return new Reply($"Adoption · {p.Label} ({p.Range}) · {context.Scope}")
        {
            Summary = $"{Format.Percent(a.Rate)} adoption: {Format.Count(a.Adopted)} of {Format.Count(a.ActiveAccounts)} active accounts used every core feature ({string.Join(", ", context.Team.CoreFeatures)}).",
            Facts = a.ByFeature.Select(f => new Fact(f.Feature, $"{Format.Percent(Rates.Share(f.Accounts, a.ActiveAccounts))} ({Format.Count(f.Accounts)} / {Format.Count(a.ActiveAccounts)})")).ToArray(),
        };
    }
}
