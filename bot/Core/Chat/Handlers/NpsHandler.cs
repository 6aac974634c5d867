using SuccessBot.Core.Metrics;

namespace SuccessBot.Core.Chat.Handlers;

public sealed class NpsHandler : IChatCommandHandler<NpsCommand>
{
    public Reply Handle(NpsCommand command, AskContext context)
    {
        var nps = NpsMetrics.Nps(context.Book, command.Period, context.Team.TimeZone);
        var c = nps.Current;
        var p = command.Period;
        return new Reply($"NPS · {p.Label} ({p.Range}) · {context.Scope}")
        {
            Summary = c.Responses == 0
                ? "No NPS answers in this period, so there is no score."
                : $"NPS {Score(c.Score)} from {Format.Count(c.Responses)} answers.",
            Facts =
            [
                new("Promoters (9-10)", $"{Format.Count(c.Promoters)} ({Format.Percent(Rates.Share(c.Promoters, c.Responses))})"),
                new("Passives (7-8)", $"{Format.Count(c.Passives)} ({Format.Percent(Rates.Share(c.Passives, c.Responses))})"),
                new("Detractors (0-6)", $"{Format.Count(c.Detractors)} ({Format.Percent(Rates.Share(c.Detractors, c.Responses))})"),
                new("Response rate", nps.SurveysSent == 0 ? "no surveys sent through SuccessBot in this period"
                    : $"{Format.Percent(nps.ResponseRate)} ({Format.Count(nps.SurveysAnswered)} of {Format.Count(nps.SurveysSent)} surveys sent answered)"),
                new("Change", nps.Change is { } change
                    ? $"{(change >= 0 ? "+" : "")}{change.ToString("0.0", Format.Culture)} points against {nps.PreviousPeriod.Label} (NPS {Score(nps.Previous.Score)}, {Format.Count(nps.Previous.Responses)} answers)"
                    : $"no answers in {nps.PreviousPeriod.Label} to compare with"),
            ],
            Sections =
            [
                .. nps.Split.Count == 0 ? Array.Empty<ReplySection>() : [Reply.Section($"By {nps.SplitBy}", nps.Split, g =>
                    $"{g.Group}: NPS {Score(g.Counts.Score)} ({Format.Count(g.Counts.Promoters)} promoters, {Format.Count(g.Counts.Passives)} passives, {Format.Count(g.Counts.Detractors)} detractors)")],
                .. nps.LatestComments.Count == 0 ? Array.Empty<ReplySection>() : [Reply.Section("Latest comments, detractors first", nps.LatestComments, a =>
                    $"{a.Score} from {context.Book.Find(a.AccountId)?.Name ?? a.AccountId} ({a.ContactEmail}): \"{Format.Quote(a.Comment!, 200)}\"")],
            ],
        };
    }

    private static string Score(double score) => (score > 0 ? "+" : "") + score.ToString("0.#", Format.Culture);
}
