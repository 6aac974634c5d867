using System.Diagnostics;
using Npgsql;

namespace SuccessBot.Tests.Builders;

/// <summary>
/// A real throwaway PostgreSQL for the tests: the server SUCCESSBOT_POSTGRES names (a connection string to a superuser), else
/// one started once per test run from Debian's package (initdb into a temporary folder, pg_ctl on a free loopback port, run as
/// the postgres user when the tests run as root, stopped and deleted when the run ends). Each test asks for a database of its
/// own. Without PostgreSQL the tests are skipped with the reason; under CI (SUCCESSBOT_REQUIRE_POSTGRES=1) they fail instead.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<(PostgresServer? Server, string? Missing)> Shared = new(Start);
    private const string Password = "throwaway-test-password";
    private readonly string _admin;

    private PostgresServer(string admin) => _admin = admin;

    /// <summary>The server, or a skip (a failure under CI) that says why there is none.</summary>
    public static PostgresServer Require()
    {
        var (server, missing) = Shared.Value;
        if (server is not null) return server;
        if (Environment.GetEnvironmentVariable("SUCCESSBOT_REQUIRE_POSTGRES") == "1") Assert.Fail(missing);
        Skip.If(true, missing);
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>A new empty database of its own, as an Npgsql connection string.</summary>
    public string CreateDatabase()
    {
        var name = "t" + Guid.NewGuid().ToString("N");
        Create(name);
        return new NpgsqlConnectionStringBuilder(_admin) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>The same database with a wrong password: what a typo in the settings looks like.</summary>
    public static string WithWrongPassword(string connection) => new NpgsqlConnectionStringBuilder(connection) { Password = "wrong" }.ConnectionString;

    /// <summary>A database of that name that is not there (yet).</summary>
    public string Missing(string name) => new NpgsqlConnectionStringBuilder(_admin) { Database = name }.ConnectionString;

    /// <summary>Creates the database a host was told about before it existed.</summary>
    public void Create(string name) => Admin($"CREATE DATABASE {name}");

    /// <summary>Drops a database under the hosts using it, as an operator's mistake or a lost server would.</summary>
    public void Drop(string name) => Admin($"DROP DATABASE {name} WITH (FORCE)");

    /// <summary>A number the database answers (a count, a sum) to <paramref name="sql"/> with $1.. for <paramref name="args"/>.</summary>
    public static long Count(string connection, string sql, params object[] args)
    {
        using var db = new NpgsqlConnection(connection);
        db.Open();
        using var query = new NpgsqlCommand(sql, db);
        foreach (var arg in args) query.Parameters.Add(new NpgsqlParameter { Value = arg });
        return Convert.ToInt64(query.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Admin(string sql)
    {
        using var connection = new NpgsqlConnection(_admin);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static (PostgresServer?, string?) Start()
    {
        if (Environment.GetEnvironmentVariable("SUCCESSBOT_POSTGRES") is { Length: > 0 } given) return (new PostgresServer(given), null);
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).Order().LastOrDefault()
            : null;
        if (bin is null) return (null, "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); install it with `apt-get install postgresql` (.ci/run does), or set SUCCESSBOT_POSTGRES to a server's connection string.");
        var root = Environment.UserName == "root";
        // A run ended hard leaves its stopped server's folder: the next run clears those that no server runs in (only its own
        // kind: a benchmark's folder, or one another run is still making, is not this sweep's).
        foreach (var left in Directory.GetDirectories(Path.GetTempPath(), "successbot-pgtest-*")
            .Where(f => !File.Exists(Path.Combine(f, "data", "postmaster.pid")) && Directory.GetLastWriteTimeUtc(f) < DateTime.UtcNow.AddHours(-1)))
            try { Directory.Delete(left, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        var folder = Path.Combine(Path.GetTempPath(), "successbot-pgtest-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        if (root) Run("chown", $"postgres {folder}", asPostgres: false);
        var data = Path.Combine(folder, "data");
        // Logins over TCP need the password, so that a wrong one is refused as on a real server.
        var passwordFile = Path.Combine(folder, "password");
        File.WriteAllText(passwordFile, Password);
        if (root) Run("chown", $"postgres {passwordFile}", asPostgres: false);
        Run(Path.Combine(bin, "initdb"), $"-D {data} -U postgres --pwfile={passwordFile} --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale", root);
        var port = Ports.Free();
        // Durability is not what these tests check: without fsync a test database is made in milliseconds.
        Run(Path.Combine(bin, "pg_ctl"), $"-D {data} -l {folder}/server.log -w -o \"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start", root);
        // The test host may be ended before ProcessExit has stopped the server (a whole suite's run left one each time): a
        // watchdog of its own session stops it, and deletes the folder, once this process is gone.
        var stop = $"{Path.Combine(bin, "pg_ctl")} -D {data} -m immediate -w stop";
        var watchdog = $"exec >/dev/null 2>&1 </dev/null; while kill -0 {Environment.ProcessId}; do sleep 1; done; "
            + $"if [ -f {data}/postmaster.pid ]; then {(root ? $"runuser -u postgres -- {stop}" : stop)}; fi; rm -rf {folder}";
        using (Process.Start(new ProcessStartInfo("setsid", ["sh", "-c", watchdog]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true })) { }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Run(Path.Combine(bin, "pg_ctl"), $"-D {data} -m immediate -w stop", root);
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        };
        return (new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Password={Password};Database=postgres"), null);
    }

    private static void Run(string file, string arguments, bool asPostgres)
    {
        var start = asPostgres ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}") : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {errors} {output.Result}");
    }
}
