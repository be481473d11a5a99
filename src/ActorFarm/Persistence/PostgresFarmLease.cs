using Npgsql;

namespace ActorFarm.Persistence;

/// <summary>
/// One farm at a time on a PostgreSQL journal. A farm (one cluster: its Lighthouse, coordinators
/// and workers) shares more than its jobs with the journal: the job directory and Cluster
/// Sharding's remembered entities live under fixed persistence ids, and two clusters writing them
/// at once break each other's sequence numbers (seen here: the first farm's shard coordinator
/// stalled). So the journal names its owner: a row in <c>actorfarm_owner</c> with the farm's
/// identity (its seed nodes), and every coordinator of the owning farm holds a shared advisory lock
/// on that identity for as long as it runs. A coordinator of another farm is refused while any
/// such session lives; once the owner's coordinators are gone (ended, killed: PostgreSQL drops
/// their sessions), the next farm takes the journal over, with every job it holds.
/// </summary>
internal sealed class PostgresFarmLease : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    private PostgresFarmLease(NpgsqlConnection connection) => _connection = connection;

    /// <summary>
    /// A farm is known by its seed nodes: every member of one cluster is started with the same,
    /// in whatever order, so they are sorted. Null when there are none (the caller names the farm
    /// another way: a standalone farm of one by its host, a service by its member's address).
    /// </summary>
    public static string? IdentityFromSeeds(IEnumerable<string> seeds)
    {
        var sorted = seeds.Order(StringComparer.Ordinal).ToList();
        return sorted.Count > 0 ? string.Join(",", sorted) : null;
    }

    /// <summary>Joins (or takes over) the journal for <paramref name="farm"/>; throws <see cref="JournalInUseException"/> when another live farm owns it.</summary>
    public static async Task<PostgresFarmLease> JoinAsync(string connectionString, string farm, CancellationToken cancellationToken = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ApplicationName = $"actorfarm {Environment.MachineName} pid {Environment.ProcessId}",
            KeepAlive = 10,
        };
        var connection = new NpgsqlConnection(builder.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await ClaimAsync(connection, farm, cancellationToken);
                    return new PostgresFarmLease(connection);
                }
                catch (PostgresException e) when (attempt < 3 && e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure)
                {
                    // Two coordinators created the table or the row at the same moment: look again.
                }
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task ClaimAsync(NpgsqlConnection connection, string farm, CancellationToken cancellationToken)
    {
        await Execute(connection, "CREATE TABLE IF NOT EXISTS actorfarm_owner (id integer PRIMARY KEY, farm text NOT NULL, since timestamptz NOT NULL)", cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, "INSERT INTO actorfarm_owner VALUES (1, $1, now()) ON CONFLICT (id) DO NOTHING", cancellationToken, farm);
        string owner;
        await using (var select = new NpgsqlCommand("SELECT farm FROM actorfarm_owner WHERE id = 1 FOR UPDATE", connection, transaction))
            owner = (string)(await select.ExecuteScalarAsync(cancellationToken))!;
        if (owner != farm)
        {
            if (await LiveHolderAsync(connection, owner, cancellationToken) is { } holder)
                throw new JournalInUseException(owner, holder);
            await Execute(connection, "UPDATE actorfarm_owner SET farm = $1, since = now() WHERE id = 1", cancellationToken, farm);
        }
        // Taken inside the transaction that checked the owner: a farm that looks next sees it.
        await Execute(connection, "SELECT pg_advisory_lock_shared($1)", cancellationToken, KeyOf(farm));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A session that holds the farm's lock, described for the message; null when none lives.</summary>
    private static async Task<string?> LiveHolderAsync(NpgsqlConnection connection, string farm, CancellationToken cancellationToken) =>
        (await PostgresJobLock.FindHolderAsync(connection, KeyOf(farm), cancellationToken))?.ToString();

    private static long KeyOf(string farm) => PostgresJobLock.KeyFor("farm:" + farm);

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

/// <summary>Another farm, still running, owns the PostgreSQL journal.</summary>
internal sealed class JournalInUseException(string owner, string holder)
    : Exception($"the journal is in use by another farm (seeds {owner}; {holder}): stop that farm first, or give this one another database")
{
    public string Owner { get; } = owner;

    public string Holder { get; } = holder;
}
