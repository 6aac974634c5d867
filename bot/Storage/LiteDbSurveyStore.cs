using LiteDB;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Surveys;
using static SuccessBot.Storage.Documents;

namespace SuccessBot.Storage;

/// <summary>NPS surveys sent and answered, opt-outs, and clicks refused on someone else's survey.</summary>
public sealed class LiteDbSurveyStore(LiteDbStore store) : ISurveyStore
{
    public SurveyState? FindSurvey(string id) => store.Collection(Collections.Surveys).FindById(id) is { } d ? ToSurveyState(d) : null;

    public void SaveSurvey(SurveyState s) => store.InTransaction(() =>
    {
        store.Publish(new SurveyRecorded(ToSurveySent(Write(s))));
        return 0;
    });

    public void SaveAnswered(SurveyState survey) => store.InTransaction(() =>
    {
        var answer = survey.Answer ?? throw new ArgumentException($"Survey {survey.Id} has no answer yet.", nameof(survey));
        var stored = Write(survey);
        store.Collection(Collections.Nps).Upsert(ToDoc(answer));
        store.Publish(new SurveyAnswered(ToSurveySent(stored), ToNps(ToDoc(answer))));
        return 0;
    });

    private BsonDocument Write(SurveyState s)
    {
        var doc = ToDoc(s);
        store.Collection(Collections.Surveys).Upsert(doc);
        return doc;
    }

    public void LogRefusedClick(string surveyId, string? clicker, DateTimeOffset at) => store.Collection(Collections.RefusedClicks).Insert(new BsonDocument
    {
        ["survey"] = surveyId, ["clicker"] = Nullable(clicker), ["at"] = at.UtcDateTime,
    });

    /// <summary>The clicks refused so far, for tests that check a forwarded button was kept.</summary>
    public IReadOnlyList<(string SurveyId, string? Clicker)> RefusedSurveyClicks() =>
        store.Collection(Collections.RefusedClicks).FindAll().Select(d => (d["survey"].AsString, OrNull(d["clicker"]))).ToArray();

    public IReadOnlyDictionary<string, DateTimeOffset> LastSurveyed() =>
        store.Collection(Collections.Surveys).Query().Select("{ lower: $.lower, created: $.created }").ToEnumerable()
            .GroupBy(d => d["lower"].AsString).ToDictionary(g => g.Key, g => g.Max(d => At(d["created"])));

    public IReadOnlySet<string> OptedOut() => store.Collection(Collections.OptOuts).FindAll().Select(d => d["_id"].AsString).ToHashSet();

    public IReadOnlySet<string> OptedOutAmong(IReadOnlyCollection<string> contacts) =>
        contacts.Select(c => c.Trim().ToLowerInvariant()).Distinct().Where(c => store.Collection(Collections.OptOuts).FindById(c) is not null).ToHashSet();

    public void OptOut(string email, DateTimeOffset at) =>
        store.Collection(Collections.OptOuts).Upsert(new BsonDocument { ["_id"] = email.Trim().ToLowerInvariant(), ["at"] = at.UtcDateTime });
}
