using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ActorFarm.Persistence;

/// <summary>
/// One writer per job on a shared PostgreSQL journal: a session-level advisory lock
/// (<c>pg_try_advisory_lock(key)</c>) on the job's key, held on a dedicated connection that stays
/// open for as long as the lock is held. PostgreSQL releases the lock when that session ends, so
/// a holder that dies (kill -9, lost node) frees the job once the server sees the connection gone.
/// The holder probes its connection every <c>probeInterval</c>: when the connection breaks, the
/// lock is gone (another cluster may take the job), <see cref="IsHeld"/> turns false and
/// <see cref="WhenLost"/> completes with the reason, so the holder stops writing.
/// Not thread-safe for concurrent acquire/release calls; the probe runs beside them safely.
/// </summary>
internal sealed class PostgresJobLock : IAsyncDisposable
{
    /// <summary>The advisory key space is shared with every application on the server: ours are hashed from this prefix and the job id.</summary>
    private const string KeyPrefix = "actorfarm-job/";

    private readonly string _connectionString;
    private readonly TimeSpan _probeInterval;
    private readonly SemaphoreSlim _connectionGate = new(1, 1);
    private NpgsqlConnection? _connection;
    private CancellationTokenSource? _probing;
    private TaskCompletionSource<string> _lost = NewLoss();

    /// <param name="connectionString">The journal database; pooling is turned off for the lock's connection (a pooled session would keep the lock after close).</param>
    /// <param name="jobId">The job to lock.</param>
    /// <param name="probeInterval">How often the held connection is checked (default 2 s); a loss is seen within this plus the command timeout.</param>
    public PostgresJobLock(string connectionString, string jobId, TimeSpan? probeInterval = null)
    {
        JobId = jobId;
        Key = KeyFor(jobId);
        _probeInterval = probeInterval ?? TimeSpan.FromSeconds(2);
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ApplicationName = Truncate($"actorfarm {Environment.MachineName}:{Environment.ProcessId}", 63),
            // Seen by the server too: a half-open connection of a dead host is dropped sooner.
            TcpKeepAlive = true,
        }.ToString();
    }

    public string JobId { get; }

    /// <summary>The advisory lock key: the first 8 bytes of SHA-256 of <c>actorfarm-job/&lt;job id&gt;</c>, big-endian.</summary>
    public long Key { get; }

    /// <summary>True from a successful <see cref="TryAcquireAsync"/> until <see cref="ReleaseAsync"/> or a loss.</summary>
    public bool IsHeld { get; private set; }

    /// <summary>
    /// Completes with the reason when a held lock is lost (its connection broke or the server
    /// ended the session). Cancelled when the lock is released. A new task after each acquisition.
    /// </summary>
    public Task<string> WhenLost => _lost.Task;

    public static long KeyFor(string jobId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(KeyPrefix + jobId));
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    /// <summary>
    /// Takes the lock without waiting. True if this instance holds it now (also when it already
    /// did); false if another session holds it. Connection failures throw (<see cref="NpgsqlException"/>).
    /// </summary>
    public async Task<bool> TryAcquireAsync(CancellationToken cancellationToken = default)
    {
        await _connectionGate.WaitAsync(cancellationToken);
        try
        {
            if (IsHeld) return true;
            await CloseConnectionAsync();
            var connection = new NpgsqlConnection(_connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
                command.Parameters.AddWithValue("key", Key);
                if (await command.ExecuteScalarAsync(cancellationToken) is not true)
                {
                    await connection.DisposeAsync();
                    return false;
                }
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
            _connection = connection;
            _lost = NewLoss();
            IsHeld = true;
            _probing = new CancellationTokenSource();
            _ = ProbeAsync(connection, _probing.Token);
            return true;
        }
        finally
        {
            _connectionGate.Release();
        }
    }

    /// <summary>
    /// Who holds the job's lock now, as PostgreSQL sees it: the backend, its client's
    /// application name (<c>actorfarm host:pid</c> for another farm), address and start; null if nobody.
    /// </summary>
    public async Task<PostgresLockHolder?> FindHolderAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return await FindHolderAsync(connection, Key, cancellationToken);
    }

    /// <summary>Who holds the session advisory lock <paramref name="key"/> (exclusive or shared), over an open connection; null if nobody.</summary>
    internal static async Task<PostgresLockHolder?> FindHolderAsync(NpgsqlConnection connection, long key, CancellationToken cancellationToken)
    {
        // A bigint advisory key shows in pg_locks as classid (high 32 bits) and objid (low 32 bits), objsubid 1.
        await using var command = new NpgsqlCommand("""
            SELECT a.pid, a.application_name, host(a.client_addr), a.backend_start
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.classid::bigint = @high AND l.objid::bigint = @low
            LIMIT 1
            """, connection);
        command.Parameters.AddWithValue("high", (long)(uint)(key >> 32));
        command.Parameters.AddWithValue("low", (long)(uint)key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new PostgresLockHolder(
            reader.GetInt32(0),
            reader.IsDBNull(1) ? "" : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTime>(3));
    }

    /// <summary>Releases the lock and closes its connection (idempotent). <see cref="WhenLost"/> is cancelled.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        await _connectionGate.WaitAsync(cancellationToken);
        try
        {
            if (IsHeld && _connection is { } connection)
            {
                try
                {
                    await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                    command.Parameters.AddWithValue("key", Key);
                    await command.ExecuteScalarAsync(cancellationToken);
                }
                catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
                {
                    // Closing the session below releases it as well.
                }
            }
            IsHeld = false;
            _lost.TrySetCanceled();
            await CloseConnectionAsync();
        }
        finally
        {
            _connectionGate.Release();
        }
    }

    public async ValueTask DisposeAsync() => await ReleaseAsync();

    /// <summary>
    /// A session lock lives exactly as long as its connection: a probe that fails means the
    /// connection (and with it the lock) is gone, whatever PostgreSQL has noticed yet.
    /// </summary>
    private async Task ProbeAsync(NpgsqlConnection connection, CancellationToken stop)
    {
        var commandTimeout = Math.Max(1, (int)Math.Ceiling(Math.Max(_probeInterval.TotalSeconds, 5)));
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_probeInterval, stop);
                await _connectionGate.WaitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                if (stop.IsCancellationRequested) return;
                await using var command = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = commandTimeout };
                await command.ExecuteScalarAsync(stop);
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException or TimeoutException)
            {
                IsHeld = false;
                _lost.TrySetResult($"the connection holding the lock of job {JobId} broke: {e.Message}");
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                _connectionGate.Release();
            }
        }
    }

    private async Task CloseConnectionAsync()
    {
        _probing?.Cancel();
        _probing?.Dispose();
        _probing = null;
        if (_connection is { } connection)
        {
            _connection = null;
            try
            {
                await connection.DisposeAsync();
            }
            catch (Exception e) when (e is NpgsqlException or IOException)
            {
                // A broken connection may fail to close cleanly; the server ends the session anyway.
            }
        }
    }

    private static TaskCompletionSource<string> NewLoss() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <summary>The PostgreSQL session holding a job's lock.</summary>
/// <param name="BackendPid">The server process of the session (<c>pg_terminate_backend</c> takes it).</param>
/// <param name="ApplicationName">The client's application name; <c>actorfarm host:pid</c> for a farm.</param>
/// <param name="ClientAddress">The client's address, null over a Unix socket.</param>
/// <param name="Since">When the session started (UTC).</param>
internal sealed record PostgresLockHolder(int BackendPid, string ApplicationName, string? ClientAddress, DateTime? Since)
{
    public override string ToString() =>
        $"{(ApplicationName.Length > 0 ? ApplicationName : "a PostgreSQL session")} (backend pid {BackendPid}{(ClientAddress is null ? "" : ", from " + ClientAddress)})";
}
