using System.Reflection;
using Npgsql;

namespace SuccessBot.Storage.Postgres;

/// <summary>One version of the schema: its number, its name and the SQL that brings the previous version to it.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>A migration the database has, and when it was applied.</summary>
public sealed record AppliedMigration(int Version, string Name, DateTimeOffset AppliedAt);

/// <summary>
/// The schema's versions, kept in the repository as SQL files (Postgres/Migrations/NNNN_name.sql, embedded), applied in order,
/// all pending ones in one transaction, each recorded in schema_migrations. An advisory lock held by that transaction makes a
/// second host starting at the same moment wait and then find nothing left to do.
/// </summary>
public static class Migrations
{
    // Any fixed number: every SuccessBot host asks for the same lock before it touches the schema.
    private const long SchemaLock = 0x5375_6363_6573_73;
    private const string Prefix = "SuccessBot.Storage.Postgres.Migrations.";

    public static IReadOnlyList<Migration> All { get; } = Read();

    private static Migration[] Read()
    {
        var assembly = typeof(Migrations).Assembly;
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[Prefix.Length..^".sql".Length];
                var cut = file.IndexOf('_');
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return new Migration(int.Parse(file[..cut], System.Globalization.CultureInfo.InvariantCulture), file[(cut + 1)..], reader.ReadToEnd());
            })
            .OrderBy(m => m.Version).ToArray();
    }

    /// <summary>What the database has applied; empty when it has no schema yet.</summary>
    public static IReadOnlyList<AppliedMigration> Applied(NpgsqlConnection connection)
    {
        using var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", connection);
        if (!(bool)exists.ExecuteScalar()!) return [];
        using var read = new NpgsqlCommand("SELECT version, name, applied_at FROM schema_migrations ORDER BY version", connection);
        using var rows = read.ExecuteReader();
        var applied = new List<AppliedMigration>();
        while (rows.Read()) applied.Add(new AppliedMigration(rows.GetInt32(0), rows.GetString(1), new DateTimeOffset(rows.GetDateTime(2), TimeSpan.Zero)));
        return applied;
    }

    /// <summary>The migrations the database does not have yet, in order.</summary>
    public static IReadOnlyList<Migration> Pending(NpgsqlConnection connection)
    {
        var applied = Applied(connection).Select(a => a.Version).ToHashSet();
        return All.Where(m => !applied.Contains(m.Version)).ToArray();
    }

    /// <summary>Applies every pending migration in one transaction, under the schema lock; returns those it applied.</summary>
    public static IReadOnlyList<Migration> Apply(NpgsqlConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        using (var lockSchema = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection) { Parameters = { new() { Value = SchemaLock } } })
            lockSchema.ExecuteNonQuery();
        using (var table = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", connection))
            table.ExecuteNonQuery();
        var pending = Pending(connection);
        foreach (var migration in pending)
        {
            using (var apply = new NpgsqlCommand(migration.Sql, connection)) apply.ExecuteNonQuery();
            using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", connection)
            {
                Parameters = { new() { Value = migration.Version }, new() { Value = migration.Name } },
            };
            record.ExecuteNonQuery();
        }
        transaction.Commit();
        return pending;
    }
}
