using Npgsql;
using SuccessBot.Core.Storage;

namespace SuccessBot.Storage.Postgres;

/// <summary>The usage-event rollup's checkpointed state, in columns: days, users, visitor links, events kept aside and the log position.</summary>
public sealed class PostgresIngestStore(PostgresStore store) : IIngestStore
{
    private const string DayColumns = "account, day, users, sessions, features, events, minutes, base_users, base_sessions, base_minutes";
    private const string AsideColumns = "id, user_key, anon, account, context_account, call, received, ts, feature, minutes, session, json";

    public IngestPosition? Checkpointed() =>
        store.Query("SELECT file, \"offset\" FROM ingest_checkpoint WHERE id = 'log'", r => new IngestPosition(r.GetString(0), r.GetInt64(1))).Cast<IngestPosition?>().FirstOrDefault();

    public IEnumerable<IngestDay> DaysFrom(DateOnly day) => store.Query($"SELECT {DayColumns} FROM ingest_days WHERE day >= $1", ReadDay, day);

    public IngestDay? Day(string accountId, DateOnly day) => store.Query($"SELECT {DayColumns} FROM ingest_days WHERE id = $1", ReadDay, DayKey(accountId, day)).FirstOrDefault();

    private static IngestDay ReadDay(NpgsqlDataReader r) => new(r.GetString(0), r.GetFieldValue<DateOnly>(1), r.GetFieldValue<byte[]>(2), r.GetFieldValue<byte[]>(3),
        r.GetFieldValue<string[]>(4), r.GetInt32(5), r.GetDouble(6), r.GetInt32(7), r.GetInt32(8), r.GetDouble(9));

    public IngestUser? User(string key) => Users("id = $1", key).FirstOrDefault();

    public IEnumerable<IngestUser> AliasesOf(string userKey) => Users("alias = $1", userKey);

    private List<IngestUser> Users(string where, string value) => store.Query($"SELECT id, account, email, traits, alias FROM ingest_users WHERE {where}",
        r => new IngestUser(r.GetString(0), Text(r, 1), Text(r, 2), Text(r, 3), Text(r, 4)), value);

    private static string? Text(NpgsqlDataReader r, int column) => r.IsDBNull(column) ? null : r.GetString(column);

    public VisitorLink? Visitor(string anonymousId) =>
        store.Query("SELECT id, user_key FROM ingest_anonymous WHERE id = $1", r => new VisitorLink(r.GetString(0), r.GetString(1)), anonymousId).FirstOrDefault();

    public AsideEvent? Aside(string messageId) => AsideWhere("id", messageId).FirstOrDefault();

    public IEnumerable<AsideEvent> AsideWhere(AsideKey key, string value) => AsideWhere(key switch
    {
        AsideKey.User => "user_key", AsideKey.Anonymous => "anon", _ => "account",
    }, value);

    private List<AsideEvent> AsideWhere(string column, string value) => store.Query($"SELECT {AsideColumns} FROM ingest_aside WHERE {column} = $1",
        r => new AsideEvent(r.GetString(0), Text(r, 1), Text(r, 2), Text(r, 3), Text(r, 4), r.GetString(5), Moment(r, 6), Moment(r, 7),
            Text(r, 8), r.GetDouble(9), Text(r, 10), r.GetString(11)), value);

    private static DateTimeOffset Moment(NpgsqlDataReader r, int column) => new(r.GetDateTime(column), TimeSpan.Zero);

    public IReadOnlyCollection<string> AccountsWaitedFor() =>
        store.Query("SELECT DISTINCT account FROM ingest_aside WHERE account IS NOT NULL", r => r.GetString(0)).ToHashSet(StringComparer.Ordinal);

    public void Store(IngestCheckpoint c) => store.InTransaction(() => store.With(connection => Write(connection, c)));

    /// <summary>Writes a checkpoint in the caller's transaction (the store's own, or the copy of `migrate --from-litedb`).</summary>
    internal static int Write(NpgsqlConnection connection, IngestCheckpoint c)
    {
        foreach (var d in c.Days)
            PostgresStore.Run(connection, $"""
                INSERT INTO ingest_days (id, {DayColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                ON CONFLICT (id) DO UPDATE SET users = excluded.users, sessions = excluded.sessions, features = excluded.features, events = excluded.events,
                    minutes = excluded.minutes, base_users = excluded.base_users, base_sessions = excluded.base_sessions, base_minutes = excluded.base_minutes
                """, DayKey(d.AccountId, d.Day), d.AccountId, d.Day, d.Users, d.Sessions, d.Features.ToArray(), d.Events, d.Minutes, d.BaseUsers, d.BaseSessions, d.BaseMinutes);
        foreach (var (key, user) in c.Users)
            if (user is null) PostgresStore.Run(connection, "DELETE FROM ingest_users WHERE id = $1", key);
            else PostgresStore.Run(connection, """
                INSERT INTO ingest_users (id, account, email, traits, alias) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (id) DO UPDATE SET account = excluded.account, email = excluded.email, traits = excluded.traits, alias = excluded.alias
                """, user.Key, user.Account, user.Email, user.Traits, user.Alias);
        foreach (var (id, link) in c.Visitors)
            if (link is null) PostgresStore.Run(connection, "DELETE FROM ingest_anonymous WHERE id = $1", id);
            else PostgresStore.Run(connection, "INSERT INTO ingest_anonymous (id, user_key) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET user_key = excluded.user_key",
                link.AnonymousId, link.UserId);
        foreach (var (id, e) in c.Aside)
            if (e is null) PostgresStore.Run(connection, "DELETE FROM ingest_aside WHERE id = $1", id);
            else PostgresStore.Run(connection, $"""
                INSERT INTO ingest_aside ({AsideColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                ON CONFLICT (id) DO UPDATE SET user_key = excluded.user_key, anon = excluded.anon, account = excluded.account, context_account = excluded.context_account,
                    call = excluded.call, received = excluded.received, ts = excluded.ts, feature = excluded.feature, minutes = excluded.minutes, session = excluded.session, json = excluded.json
                """, e.MessageId, e.User, e.Anonymous, e.Account, e.ContextAccount, e.Call, e.ReceivedAt.UtcDateTime, e.Timestamp.UtcDateTime, e.Feature, e.Minutes, e.Session, e.Json);
        if (c.DropDaysBefore is { } day) PostgresStore.Run(connection, "DELETE FROM ingest_days WHERE day < $1", day);
        if (c.DropAsideReceivedBefore is { } at) PostgresStore.Run(connection, "DELETE FROM ingest_aside WHERE received < $1", at.UtcDateTime);
        return PostgresStore.Run(connection, """
            INSERT INTO ingest_checkpoint (id, file, "offset") VALUES ('log', $1, $2) ON CONFLICT (id) DO UPDATE SET file = excluded.file, "offset" = excluded."offset"
            """, c.Position.File ?? "", c.Position.Offset);
    }

    private static string DayKey(string accountId, DateOnly day) => $"{accountId}|{day:yyyy-MM-dd}";
}
