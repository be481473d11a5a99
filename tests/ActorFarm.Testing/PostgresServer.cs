using Npgsql;

namespace ActorFarm.Testing;

/// <summary>
/// A real PostgreSQL server for the tests, started from Debian's binaries in a temporary data
/// directory on a free port on 127.0.0.1 (trust authentication, fsync off), stopped and deleted
/// at the end. .ci/run installs the package; on a machine without it the tests that need it are
/// skipped (<see cref="PostgresFactAttribute"/>) unless ACTORFARM_REQUIRE_POSTGRES=1.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string _dataDirectory = "";
    private string _socketDirectory = "";

    public int Port { get; private set; }

    /// <summary>Where Debian puts the server binaries (<c>/usr/lib/postgresql/&lt;version&gt;/bin</c>), or null.</summary>
    public static string? BinDirectory =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;

    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Pooling = false }.ToString();

    public async Task InitializeAsync()
    {
        var bin = BinDirectory ?? throw new InvalidOperationException(
            "PostgreSQL is not installed: apt-get install -y postgresql (or run .ci/run)");
        var id = Guid.NewGuid().ToString("N")[..8];
        _dataDirectory = Path.Combine(Path.GetTempPath(), $"actorfarm-pg-{id}");
        _socketDirectory = Path.Combine(Path.GetTempPath(), $"actorfarm-pgsock-{id}");
        Directory.CreateDirectory(_dataDirectory);
        Directory.CreateDirectory(_socketDirectory);
        await RunAsync("chown", "postgres:postgres", _dataDirectory, _socketDirectory);
        Port = FreePort.Next();
        // initdb and the server refuse to run as root: run them as the package's postgres user.
        await RunAsync("runuser", "-u", "postgres", "--", Path.Combine(bin, "initdb"), "-D", _dataDirectory,
            "-A", "trust", "-E", "UTF8", "--no-sync");
        await StartServerAsync();
    }

    private Task StartServerAsync() =>
        RunAsync("runuser", "-u", "postgres", "--", Path.Combine(BinDirectory!, "pg_ctl"), "-D", _dataDirectory, "-w",
            "-l", Path.Combine(_dataDirectory, "server.log"),
            "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories={_socketDirectory} -c fsync=off -c max_connections=200",
            "start");

    /// <summary>Stops the server as an administrator would for maintenance (connections are cut).</summary>
    public Task StopAsync() =>
        RunAsync("runuser", "-u", "postgres", "--", Path.Combine(BinDirectory!, "pg_ctl"), "-D", _dataDirectory, "-w", "-m", "fast", "stop");

    /// <summary>Starts the stopped server again, on the same port with the same data; returns once it accepts connections.</summary>
    public Task StartAgainAsync() => StartServerAsync();

    /// <summary>A fresh, empty database (one per test, so journals never mix).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "farm_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        if (BinDirectory is { } bin && Directory.Exists(_dataDirectory))
        {
            await RunAsync("runuser", "-u", "postgres", "--", Path.Combine(bin, "pg_ctl"), "-D", _dataDirectory, "-m", "immediate", "stop");
            Directory.Delete(_dataDirectory, recursive: true);
            Directory.Delete(_socketDirectory, recursive: true);
        }
    }

    // initdb and pg_ctl -w finish in seconds; the limit only turns a hang into a failure.
    private static Task RunAsync(string program, params string[] args) =>
        ChildProcess.RunCheckedAsync(program, args, TimeSpan.FromMinutes(5));
}

/// <summary>
/// A test that needs a real PostgreSQL server: skipped when Debian's postgresql package is not
/// installed, unless ACTORFARM_REQUIRE_POSTGRES=1 (CI sets it), in which case it runs and fails
/// with the reason.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.BinDirectory is null && Environment.GetEnvironmentVariable("ACTORFARM_REQUIRE_POSTGRES") != "1")
            Skip = "PostgreSQL is not installed (apt-get install -y postgresql, or run .ci/run)";
    }
}
