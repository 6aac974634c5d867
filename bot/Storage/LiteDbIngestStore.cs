using LiteDB;
using SuccessBot.Core.Storage;
using static SuccessBot.Storage.Documents;

namespace SuccessBot.Storage;

/// <summary>The usage-event rollup's checkpointed state: days, users, visitor links, events kept aside and the log position.</summary>
public sealed class LiteDbIngestStore : IIngestStore
{
    private readonly LiteDbStore _store;

    public LiteDbIngestStore(LiteDbStore store)
    {
        _store = store;
        // Days are loaded and trimmed by date, aliases found by the user they point to; events kept aside are found again by who or which account they belong to.
        Days.EnsureIndex("day");
        Users.EnsureIndex("alias");
        foreach (var field in new[] { "user", "anon", "account", "at" }) Aside_.EnsureIndex(field);
    }

    private ILiteCollection<BsonDocument> Days => _store.Collection(Collections.IngestDays);
    private ILiteCollection<BsonDocument> Users => _store.Collection(Collections.IngestUsers);
    private ILiteCollection<BsonDocument> Visitors => _store.Collection(Collections.IngestAnonymous);
    private ILiteCollection<BsonDocument> Aside_ => _store.Collection(Collections.IngestAside);

    public IngestPosition? Checkpointed() =>
        _store.Collection(Collections.IngestCheckpoint).FindById("log") is { } c ? new IngestPosition(c["file"].AsString, c["offset"].AsInt64) : null;

    public IEnumerable<IngestDay> DaysFrom(DateOnly day) => Days.Find(Query.GTE("day", FromDay(day))).Select(ToDay);

    public IngestDay? Day(string accountId, DateOnly day) => Days.FindById(DayFirstKeys.Of(accountId, day)) is { } d ? ToDay(d) : null;

    public IngestUser? User(string key) => Users.FindById(key) is { } d ? ToUser(d) : null;

    public IEnumerable<IngestUser> AliasesOf(string userKey) => Users.Find(Query.EQ("alias", userKey)).Select(ToUser);

    public VisitorLink? Visitor(string anonymousId) => Visitors.FindById(anonymousId) is { } d ? ToVisitor(d) : null;

    public AsideEvent? Aside(string messageId) => Aside_.FindById(messageId) is { } d ? ToAside(d) : null;

    public IEnumerable<AsideEvent> AsideWhere(AsideKey key, string value) => Aside_.Find(Query.EQ(key switch
    {
        AsideKey.User => "user", AsideKey.Anonymous => "anon", _ => "account",
    }, value)).Select(ToAside);

    public IReadOnlyCollection<string> AccountsWaitedFor() =>
        Aside_.Query().Where("$.account != null").Select("$.account").ToEnumerable().Select(d => d["account"].AsString).ToHashSet(StringComparer.Ordinal);

    /// <summary>Everything the checkpoints wrote, as one checkpoint: what `migrate --from-litedb` writes to the database.</summary>
    public IngestCheckpoint Whole() => new(Days.FindAll().Select(ToDay).ToArray(),
        Users.FindAll().Select(ToUser).ToDictionary(u => u.Key, IngestUser? (u) => u, StringComparer.Ordinal),
        Visitors.FindAll().Select(ToVisitor).ToDictionary(v => v.AnonymousId, VisitorLink? (v) => v, StringComparer.Ordinal),
        Aside_.FindAll().Select(ToAside).ToDictionary(a => a.MessageId, AsideEvent? (a) => a, StringComparer.Ordinal),
        Checkpointed() ?? default, null, null);

    public void Store(IngestCheckpoint c) => _store.InTransaction(() =>
    {
        if (c.Days.Count > 0) Days.Upsert(c.Days.Select(ToDoc));
        Write(Users, c.Users, ToDoc);
        Write(Visitors, c.Visitors, v => new BsonDocument { ["_id"] = v.AnonymousId, ["user"] = v.UserId });
        Write(Aside_, c.Aside, ToDoc);
        if (c.DropDaysBefore is { } day) Days.DeleteMany(Query.LT("day", FromDay(day)));
        if (c.DropAsideReceivedBefore is { } at) Aside_.DeleteMany(Query.LT("at", at.UtcDateTime));
        _store.Collection(Collections.IngestCheckpoint).Upsert(new BsonDocument { ["_id"] = "log", ["file"] = c.Position.File ?? "", ["offset"] = c.Position.Offset });
        return 0;
    });

    private static void Write<T>(ILiteCollection<BsonDocument> collection, IReadOnlyDictionary<string, T?> writes, Func<T, BsonDocument> toDoc) where T : class
    {
        foreach (var (id, value) in writes)
        {
            if (value is null) collection.Delete(id);
            else collection.Upsert(toDoc(value));
        }
    }

    private static VisitorLink ToVisitor(BsonDocument d) => new(d["_id"].AsString, d["user"].AsString);

    private static BsonDocument ToDoc(IngestDay d) => new()
    {
        ["_id"] = DayFirstKeys.Of(d.AccountId, d.Day), ["account"] = d.AccountId, ["day"] = FromDay(d.Day),
        ["users"] = d.Users, ["sessions"] = d.Sessions, ["features"] = new BsonArray(d.Features.Select(f => new BsonValue(f))),
        ["events"] = d.Events, ["minutes"] = d.Minutes, ["baseUsers"] = d.BaseUsers, ["baseSessions"] = d.BaseSessions, ["baseMinutes"] = d.BaseMinutes,
    };

    private static IngestDay ToDay(BsonDocument d) => new(d["account"].AsString, Documents.ToDay(d["day"]), d["users"].AsBinary, d["sessions"].AsBinary,
        d["features"].AsArray.Select(f => f.AsString).ToArray(), d["events"].AsInt32, d["minutes"].AsDouble,
        d["baseUsers"].AsInt32, d["baseSessions"].AsInt32, d["baseMinutes"].AsDouble);

    private static BsonDocument ToDoc(IngestUser u)
    {
        var doc = new BsonDocument { ["_id"] = u.Key, ["account"] = Nullable(u.Account) };
        if (u.Email is not null) doc["email"] = u.Email;
        if (u.Traits is not null) doc["traits"] = u.Traits;
        if (u.Alias is not null) doc["alias"] = u.Alias;
        return doc;
    }

    private static IngestUser ToUser(BsonDocument d) => new(d["_id"].AsString, Text(d, "account"), Text(d, "email"), Text(d, "traits"), Text(d, "alias"));

    private static string? Text(BsonDocument d, string field) => d.TryGetValue(field, out var v) && v.IsString ? v.AsString : null;

    private static BsonDocument ToDoc(AsideEvent e) => new()
    {
        ["_id"] = e.MessageId, ["user"] = Nullable(e.User), ["anon"] = Nullable(e.Anonymous), ["account"] = Nullable(e.Account),
        ["contextAccount"] = Nullable(e.ContextAccount), ["call"] = e.Call, ["at"] = e.ReceivedAt.UtcDateTime, ["ts"] = e.Timestamp.UtcDateTime,
        ["feature"] = Nullable(e.Feature), ["minutes"] = e.Minutes, ["session"] = Nullable(e.Session), ["json"] = e.Json,
    };

    private static AsideEvent ToAside(BsonDocument d) => new(d["_id"].AsString, OrNull(d["user"]), OrNull(d["anon"]), OrNull(d["account"]),
        OrNull(d["contextAccount"]), d["call"].AsString, At(d["at"]), At(d["ts"]), OrNull(d["feature"]), d["minutes"].AsDouble, OrNull(d["session"]), d["json"].AsString);
}
