using System.Globalization;
using System.Net.Sockets;
using LiteDB;
using Npgsql;
using SuccessBot.Core.Domain;
using SuccessBot.Core.Storage;

namespace SuccessBot.Storage.Postgres;

/// <summary>The database could not be reached or refused the connection: says which connection and why, in one line.</summary>
public sealed class StoreUnreachable(string message, Exception inner) : IOException(message, inner);

/// <summary>
/// The store of record on PostgreSQL, for more than one host on one database: the same ports as <see cref="LiteDbStore"/>,
/// one small store per port over it. It owns the connection pool, the transactions and the change feed; the schema is brought
/// to the current version (<see cref="Migrations"/>) the first time the store is used, which a host does at start.
/// </summary>
public sealed class PostgresStore : IStoreTransactions, IChangeFeed, IDisposable
{
    /// <summary>The channel every commit that changed the book notifies, with its new version: other hosts wake to read the feed.</summary>
    public const string ChangesChannel = "successbot_changes";

    // An import's change entries go in groups of this many per statement, so no single parameter grows past a few MB.
    private const int EntriesPerStatement = 50;

    private readonly NpgsqlDataSource _source;
    private readonly ThreadLocal<Session?> _session = new();
    private readonly Lock _readying = new();
    private volatile bool _ready;
    private string? _storeId;

    /// <summary>The connection and the changes published by the transaction open on this thread.</summary>
    private sealed record Session(NpgsqlConnection Connection, List<BookChange> Published);

    /// <summary>Where the store is, without its password: what a fault names.</summary>
    public string Describes { get; }

    public PostgresBookStore Book { get; }
    public PostgresNudgeLedger Ledger { get; }
    public PostgresAccountActivity Activity { get; }
    public PostgresSurveyStore Surveys { get; }
    public PostgresAuditLog Audit { get; }
    public PostgresHandledEvents SlackEvents { get; }
    public PostgresConversationReferences TeamsReferences { get; }
    public PostgresMemberLanguages MemberLanguages { get; }
    public PostgresContactLanguages ContactLanguages { get; }
    public PostgresIngestStore Ingest { get; }
    public PostgresSyncRecords Sync { get; }
    public PostgresUsageEvents UsageEvents { get; }
    public PostgresConversations Conversations { get; }

    /// <summary>Opens nothing yet: the first use connects and migrates (a host down at start retries that, see the host).</summary>
    /// <param name="deliveryLease">How long a delivery round holds the records it took (<see cref="PostgresNudgeLedger.DeliveryLease"/>).</param>
    public PostgresStore(string connectionString, TimeSpan? deliveryLease = null)
    {
        NpgsqlConnectionStringBuilder parsed;
        try { parsed = new NpgsqlConnectionStringBuilder(connectionString); }
        catch (ArgumentException bad) { throw new ArgumentException($"ConnectionStrings:SuccessBot is not an Npgsql connection string: {bad.Message}", bad); }
        Describes = $"PostgreSQL at {parsed.Host}:{parsed.Port}, database {parsed.Database ?? parsed.Username}, user {parsed.Username}";
        _source = NpgsqlDataSource.Create(parsed);
        Book = new PostgresBookStore(this);
        Ledger = new PostgresNudgeLedger(this, deliveryLease ?? PostgresNudgeLedger.DeliveryLease);
        Activity = new PostgresAccountActivity(this);
        Surveys = new PostgresSurveyStore(this);
        Audit = new PostgresAuditLog(this);
        SlackEvents = new PostgresHandledEvents(this);
        TeamsReferences = new PostgresConversationReferences(this);
        MemberLanguages = new PostgresMemberLanguages(this);
        ContactLanguages = new PostgresContactLanguages(this);
        Ingest = new PostgresIngestStore(this);
        Sync = new PostgresSyncRecords(this);
        UsageEvents = new PostgresUsageEvents(this);
        Conversations = new PostgresConversations(this);
    }

    /// <summary>Connects and applies the pending migrations once; throws <see cref="StoreUnreachable"/> when the database cannot be used.</summary>
    public void EnsureReady()
    {
        if (_ready) return;
        lock (_readying)
        {
            if (_ready) return;
            using (var connection = Open()) Migrations.Apply(connection);
            _ready = true;
        }
    }

    /// <summary>The applied and pending migrations, without applying any (the `migrate` verb's listing).</summary>
    public (IReadOnlyList<AppliedMigration> Applied, IReadOnlyList<Migration> Pending) MigrationState()
    {
        using var connection = Open();
        return (Migrations.Applied(connection), Migrations.Pending(connection));
    }

    /// <summary>Applies the pending migrations now and says which.</summary>
    public IReadOnlyList<Migration> Migrate()
    {
        lock (_readying)
        {
            using var connection = Open();
            var applied = Migrations.Apply(connection);
            _ready = true;
            return applied;
        }
    }

    /// <summary>A connection of the caller's own, outside any transaction (a session lock lives as long as it does).</summary>
    internal NpgsqlConnection OpenOwn()
    {
        EnsureReady();
        return Open();
    }

    private NpgsqlConnection Open()
    {
        try { return _source.OpenConnection(); }
        catch (Exception e) when (IsStoreFault(e)) { throw new StoreUnreachable($"{Describes}: {Reason(e)}", e); }
    }

    /// <summary>What went wrong, in the words of the server or the socket, without the stack.</summary>
    private static string Reason(Exception e) => e switch
    {
        PostgresException p => $"{p.MessageText} ({p.SqlState})",
        { InnerException: SocketException s } => $"{e.Message} ({s.Message})",
        { InnerException: { } inner } => $"{e.Message} ({inner.Message})",
        _ => e.Message,
    };

    public T InOne<T>(Func<T> work) => InTransaction(work);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction; store methods called inside it on this thread join it. The book changes
    /// it published are appended to the change table in the same transaction, numbered on from the version, which the writer
    /// holds locked until it commits: entries are numbered in commit order with no gaps, and a reader never sees 9 before 8.
    /// </summary>
    public T InTransaction<T>(Func<T> work)
    {
        if (_session.Value is not null) return work();
        try
        {
            EnsureReady();
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            _session.Value = new Session(connection, []);
            var result = work();
            AppendToLog(connection, _session.Value.Published);
            transaction.Commit();
            return result;
        }
        catch (Exception e) when (DropsIdleConnections(e)) { throw; }
        finally
        {
            _session.Value = null;
        }
    }

    /// <summary>
    /// A fault may have broken every idle connection of the pool (a server restarted, a network cut): they are dropped, so that the
    /// first requests once the database is back get new ones instead of failing one by one on the old. Never catches.
    /// </summary>
    private bool DropsIdleConnections(Exception e)
    {
        if (IsStoreFault(e)) _source.Clear();
        return false;
    }

    internal void Publish(BookChange change) =>
        (_session.Value ?? throw new InvalidOperationException("A book change is published inside a transaction.")).Published.Add(change);

    private static void AppendToLog(NpgsqlConnection connection, List<BookChange> changes)
    {
        if (changes.Count == 0) return;
        var version = long.Parse((string)RunScalar(connection, "SELECT value FROM meta WHERE key = 'version' FOR UPDATE")!, CultureInfo.InvariantCulture);
        var entries = changes.SelectMany(ChangeLog.Entries).Select(entry => (Seq: ++version, Entry: BsonSerializer.Serialize(entry))).ToArray();
        foreach (var group in entries.Chunk(EntriesPerStatement))
            Run(connection, "INSERT INTO changes (seq, at, entry) SELECT s, now(), e FROM unnest($1::bigint[], $2::bytea[]) AS u(s, e)",
                group.Select(e => e.Seq).ToArray(), group.Select(e => e.Entry).ToArray());
        var text = version.ToString(CultureInfo.InvariantCulture);
        Run(connection, "UPDATE meta SET value = $1 WHERE key = 'version'", text);
        Run(connection, $"SELECT pg_notify('{ChangesChannel}', $1)", text);
    }

    public string StoreId => _storeId ??= Scalar<string>("SELECT value FROM meta WHERE key = 'store'")!;

    public long DataVersion => long.Parse(Scalar<string>("SELECT value FROM meta WHERE key = 'version'")!, CultureInfo.InvariantCulture);

    public IReadOnlyList<(long Version, BookChange Change)>? ChangesAfter(long version)
    {
        var current = DataVersion;
        if (current == version) return [];
        var entries = Query("SELECT seq, entry FROM changes WHERE seq > $1 AND seq <= $2 ORDER BY seq", r => (Seq: r.GetInt64(0), Entry: r.GetFieldValue<byte[]>(1)), version, current);
        if (entries.Count == 0 || entries[0].Seq != version + 1) return null;
        var changes = new List<(long, BookChange)>(entries.Count);
        foreach (var (seq, bytes) in entries)
        {
            if (seq != version + 1 + changes.Count) return null;
            BsonDocument entry;
            try { entry = BsonSerializer.Deserialize(bytes); }
            catch (Exception e) { throw new ChangeNotApplicable($"Change log entry {seq} cannot be read ({e.GetType().Name}: {e.Message})."); }
            entry["_id"] = seq;
            changes.Add((seq, ChangeLog.Read(entry)));
        }
        return changes;
    }

    public int TrimChanges(long version, DateTimeOffset before) => Execute("DELETE FROM changes WHERE seq <= $1 AND at < $2", version, before.UtcDateTime);

    public TimeSpan? AgeOf(long version) =>
        Scalar<double?>("SELECT extract(epoch FROM now() - at)::float8 FROM changes WHERE seq = $1", version) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    public bool CanRead()
    {
        try { _ = DataVersion; return true; }
        catch (Exception e) when (IsStoreFault(e)) { return false; }
    }

    /// <summary>
    /// The database failing rather than a bug: unreachable, shutting down, out of connections, refusing the login or the
    /// database, or a transaction that lost a conflict; a constraint broken or bad SQL is a bug and is not caught.
    /// </summary>
    public bool IsStoreFault(Exception e) => e switch
    {
        StoreUnreachable or TimeoutException or SocketException => true,
        PostgresException p => p.IsTransient || p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("53", StringComparison.Ordinal)
            || p.SqlState.StartsWith("57", StringComparison.Ordinal) || p.SqlState.StartsWith("28", StringComparison.Ordinal) || p.SqlState == "3D000",
        NpgsqlException => true,
        _ => false,
    };

    internal T With<T>(Func<NpgsqlConnection, T> work)
    {
        if (_session.Value is { } session) return work(session.Connection);
        try
        {
            EnsureReady();
            using var connection = Open();
            return work(connection);
        }
        catch (Exception e) when (DropsIdleConnections(e)) { throw; }
    }

    /// <remarks>An array given alone must be cast to object, or C# spreads it as the arguments.</remarks>
    internal static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object?[] args)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        return command;
    }

    internal static int Run(NpgsqlConnection connection, string sql, params object?[] args)
    {
        using var command = Command(connection, sql, args);
        return command.ExecuteNonQuery();
    }

    internal static object? RunScalar(NpgsqlConnection connection, string sql, params object?[] args)
    {
        using var command = Command(connection, sql, args);
        return command.ExecuteScalar();
    }

    /// <summary>The same with its own time limit (bulk statements over a whole book).</summary>
    internal static object? RunScalarWithin(NpgsqlConnection connection, TimeSpan limit, string sql, params object?[] args)
    {
        using var command = Command(connection, sql, args);
        command.CommandTimeout = (int)Math.Ceiling(limit.TotalSeconds);
        return command.ExecuteScalar();
    }

    internal int Execute(string sql, params object?[] args) => With(c => Run(c, sql, args));

    internal T? Scalar<T>(string sql, params object?[] args) => With(c => RunScalar(c, sql, args) is T value ? value : default);

    internal List<T> Query<T>(string sql, Func<NpgsqlDataReader, T> read, params object?[] args) => With(c =>
    {
        using var command = Command(c, sql, args);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    });

    /// <summary>Rows read as they come on a connection of their own (a large book's usage), never held as one list.</summary>
    internal IEnumerable<T> Stream<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        EnsureReady();
        using var connection = Open();
        using var command = Command(connection, sql);
        using var reader = command.ExecuteReader();
        while (reader.Read()) yield return read(reader);
    }

    /// <summary>
    /// Listens for the commits of every host on the database (LISTEN on <see cref="ChangesChannel"/>) and calls
    /// <paramref name="changed"/> for each, and once when listening begins (for what was committed before); a lost
    /// connection is reported to <paramref name="lost"/> and listened on again a second later, until <paramref name="stop"/>.
    /// </summary>
    public Task FollowNotificationsAsync(Action changed, Action<Exception> lost, CancellationToken stop) => ListenAsync(ChangesChannel, _ => changed(), lost, stop);

    /// <summary>Calls <paramref name="notified"/> with each notification's payload on <paramref name="channel"/>, and with "" when listening begins (see <see cref="FollowNotificationsAsync"/>).</summary>
    internal async Task ListenAsync(string channel, Action<string> notified, Action<Exception> lost, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                EnsureReady();
                await using var connection = await _source.OpenConnectionAsync(stop);
                connection.Notification += (_, e) => notified(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection)) await listen.ExecuteNonQueryAsync(stop);
                notified("");
                while (true) await connection.WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsStoreFault(e))
            {
                lost(e);
                try { await Task.Delay(TimeSpan.FromSeconds(1), stop); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    public void Dispose()
    {
        _source.Dispose();
        _session.Dispose();
    }
}
