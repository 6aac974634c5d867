using LiteDB;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Surveys;
using static SuccessBot.Storage.Documents;

namespace SuccessBot.Storage.Postgres;

/// <summary>NPS surveys sent and answered, opt-outs, and clicks refused on someone else's survey.</summary>
public sealed class PostgresSurveyStore(PostgresStore store) : ISurveyStore
{
    public SurveyState? FindSurvey(string id) => Tables.Surveys.Find(store, id) is { } d ? ToSurveyState(d) : null;

    public void SaveSurvey(SurveyState s) => store.InTransaction(() =>
    {
        store.Publish(new SurveyRecorded(ToSurveySent(Write(s))));
        return 0;
    });

    public void SaveAnswered(SurveyState survey) => store.InTransaction(() =>
    {
        var answer = survey.Answer ?? throw new ArgumentException($"Survey {survey.Id} has no answer yet.", nameof(survey));
        var stored = Write(survey);
        var answerDoc = ToDoc(answer);
        store.With(c => Tables.Nps.Write(c, [answerDoc]));
        store.Publish(new SurveyAnswered(ToSurveySent(stored), ToNps(answerDoc)));
        return 0;
    });

    private BsonDocument Write(SurveyState s)
    {
        var doc = ToDoc(s);
        store.With(c => Tables.Surveys.Write(c, [doc]));
        return doc;
    }

    public void LogRefusedClick(string surveyId, string? clicker, DateTimeOffset at) =>
        store.Execute("INSERT INTO survey_refused_clicks (doc) VALUES ($1)", DocTable.Bytes(new BsonDocument
        {
            ["survey"] = surveyId, ["clicker"] = Nullable(clicker), ["at"] = at.UtcDateTime,
        }));

    /// <summary>The clicks refused so far, for tests that check a forwarded button was kept.</summary>
    public IReadOnlyList<(string SurveyId, string? Clicker)> RefusedSurveyClicks() =>
        store.Query("SELECT doc FROM survey_refused_clicks ORDER BY seq", r => DocTable.Doc(r.GetFieldValue<byte[]>(0)))
            .Select(d => (d["survey"].AsString, OrNull(d["clicker"]))).ToArray();

    public IReadOnlyDictionary<string, DateTimeOffset> LastSurveyed() =>
        store.Query("SELECT lower, max(created) FROM surveys GROUP BY lower", r => (Lower: r.GetString(0), At: new DateTimeOffset(r.GetDateTime(1), TimeSpan.Zero)))
            .ToDictionary(x => x.Lower, x => x.At);

    public IReadOnlySet<string> OptedOut() => store.Query("SELECT id FROM optouts", r => r.GetString(0)).ToHashSet();

    public IReadOnlySet<string> OptedOutAmong(IReadOnlyCollection<string> contacts) =>
        store.Query("SELECT id FROM optouts WHERE id = ANY($1)", r => r.GetString(0), (object)contacts.Select(c => c.Trim().ToLowerInvariant()).Distinct().ToArray()).ToHashSet();

    public void OptOut(string email, DateTimeOffset at) =>
        store.With(c => Tables.OptOuts.Write(c, [new BsonDocument { ["_id"] = email.Trim().ToLowerInvariant(), ["at"] = at.UtcDateTime }]));
}
