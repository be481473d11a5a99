using System.Text;
using Npgsql;

namespace ActorFarm.Persistence;

/// <summary>
/// The right to write one job in a PostgreSQL journal: a session advisory lock held on a
/// connection of its own for as long as the job entity lives. Two farms (two SLURM allocations of
/// one manifest, two clusters pointed at one database) then never run the same job at once: the
/// second is refused at once and told who holds it. PostgreSQL drops the lock when the holder's
/// connection ends, so a farm that dies (kill -9, a lost node) frees its jobs for the next one.
/// On SQLite the state directory's own lock plays this part (one process per journal).
/// </summary>
/// <remarks>
/// The lock is advisory: it guards starting a job, not each write. A write that slips past it
/// (the lock lost while the database restarted, another farm taking it meanwhile) still fails on
/// the journal's unique sequence numbers, and the entity halts the job then.
/// </remarks>
public sealed class PostgresJobLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private PostgresJobLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>The lock, or null with the holder's description when another session holds it.</summary>
    public static async Task<(PostgresJobLock? Lock, string? Holder)> TryAcquireAsync(string connectionString, string persistenceId,
        CancellationToken cancellationToken = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // One connection per held lock: a pooled connection would go back to the pool (and
            // its lock with it) when closed, or be shared by another job's lock.
            Pooling = false,
            ApplicationName = $"actorfarm {Environment.MachineName} pid {Environment.ProcessId}",
            // A farm whose machine vanishes without closing its socket must not hold its jobs
            // forever: keepalives let the server notice and drop the session.
            KeepAlive = 10,
        };
        var key = KeyOf(persistenceId);
        var connection = new NpgsqlConnection(builder.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = key } } };
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
                return (new PostgresJobLock(connection, key), null);
            var holder = await DescribeHolderAsync(connection, key, cancellationToken);
            await connection.DisposeAsync();
            return (null, holder);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether the lock is still held: its connection answers (a database restart ends it).</summary>
    public async Task<bool> IsHeldAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted " +
                "AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1", _connection)
            {
                Parameters = { new() { Value = HighWord(_key) }, new() { Value = LowWord(_key) } },
            };
            return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>The 64-bit key of a persistence id (FNV-1a): stable across processes and versions.</summary>
    public static long KeyOf(string persistenceId)
    {
        const ulong offset = 14695981039346656037, prime = 1099511628211;
        var hash = offset;
        foreach (var b in Encoding.UTF8.GetBytes("actorfarm:" + persistenceId))
        {
            hash ^= b;
            hash *= prime;
        }
        return unchecked((long)hash);
    }

    // pg_locks shows a bigint advisory key as two 32-bit halves (classid, objid) with objsubid 1.
    private static long HighWord(long key) => (long)((ulong)key >> 32);

    private static long LowWord(long key) => key & 0xFFFFFFFF;

    private static async Task<string> DescribeHolderAsync(NpgsqlConnection connection, long key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT a.application_name, host(a.client_addr), a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid " +
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 1 LIMIT 1", connection)
        {
            Parameters = { new() { Value = HighWord(key) }, new() { Value = LowWord(key) } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return "another farm";
        var name = reader.IsDBNull(0) || reader.GetString(0).Length == 0 ? "another farm" : reader.GetString(0);
        var address = reader.IsDBNull(1) ? "" : $" at {reader.GetString(1)}";
        var since = reader.IsDBNull(2) ? "" : $" since {reader.GetDateTime(2):yyyy-MM-dd HH:mm:ss} UTC";
        return name + address + since;
    }
}
