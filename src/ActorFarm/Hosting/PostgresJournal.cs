using ActorFarm.Persistence;
using Npgsql;

namespace ActorFarm.Hosting;

/// <summary>
/// Checks a PostgreSQL journal database before Akka opens it, as <see cref="SqliteJournalCheck"/>
/// does for a file, but a database may be shared with other applications, so what is checked is
/// narrower: in the connection's current schema, either none of ActorFarm's tables exist (a fresh
/// journal: the metadata table is created), or <c>actorfarm_meta</c> exists with a format this
/// build reads, or Akka.Persistence.Sql's <c>journal</c> and <c>snapshot</c> tables exist with the
/// columns ActorFarm reads and only persistence ids ActorFarm writes (an earlier ActorFarm's
/// journal: stamped). Anything else named <c>journal</c> or <c>snapshot</c> is refused. Several
/// coordinators starting at once take turns on a transaction-scoped advisory lock.
/// </summary>
internal static class PostgresJournal
{
    /// <summary>The advisory lock key that serializes the check across coordinators ("AFmeta").</summary>
    public const long MetadataLockKey = 0x4146_6D65_7461;

    /// <exception cref="JournalRejectedException">The database holds tables ActorFarm cannot use as its journal.</exception>
    /// <exception cref="FarmStoreException">The database cannot be reached.</exception>
    public static async Task PrepareAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var location = Describe(connectionString);
        NpgsqlConnection connection;
        try
        {
            connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            throw new FarmStoreException($"the journal database {location} cannot be reached: {e.Message}", e);
        }
        await using (connection)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MetadataLockKey})", cancellationToken);
            var tables = await ColumnAsync(connection,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() " +
                $"AND table_name IN ('{JournalMetadata.Table}', 'journal', 'snapshot')", cancellationToken);
            if (tables.Contains(JournalMetadata.Table))
                await CheckMetadataAsync(connection, location, cancellationToken);
            else if (tables.Count > 0)
                await RecogniseEarlierJournalAsync(connection, location, tables, cancellationToken);
            else
                await WriteMetadataAsync(connection, JournalMetadata.ForNewJournal(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static async Task CheckMetadataAsync(NpgsqlConnection connection, string location, CancellationToken ct)
    {
        var rows = new Dictionary<string, string>();
        await using var command = new NpgsqlCommand($"SELECT key, value FROM {JournalMetadata.Table}", connection);
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows[reader.GetString(0)] = reader.GetString(1);
        if (JournalMetadata.Incompatibility(rows) is { } why)
            throw new JournalRejectedException(location, $"the journal database {location} cannot be used: {why}, or use another database");
    }

    private static async Task RecogniseEarlierJournalAsync(NpgsqlConnection connection, string location, HashSet<string> tables, CancellationToken ct)
    {
        const string elseUse = "; use another database (or schema) for the farm's journal";
        foreach (var table in JournalMetadata.JournalTables)
        {
            if (!tables.Contains(table))
                throw new JournalRejectedException(location,
                    $"the journal database {location} has a table '{tables.First()}' but no '{table}': it is not an ActorFarm journal{elseUse}");
        }
        var columns = await ColumnAsync(connection,
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'journal'", ct);
        var missing = JournalMetadata.JournalColumns.Where(c => !columns.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new JournalRejectedException(location,
                $"the journal database {location} has a table 'journal' that is not an Akka.Persistence journal (no column {string.Join(", ", missing)}){elseUse}");
        if ((await ColumnAsync(connection, JournalMetadata.ForeignPersistenceIdQuery, ct)).FirstOrDefault() is { } foreign)
            throw new JournalRejectedException(location,
                $"the journal database {location} holds the journal of another application (persistence id '{foreign}'){elseUse}");
        await WriteMetadataAsync(connection, JournalMetadata.ForStampedJournal(), ct);
    }

    private static async Task WriteMetadataAsync(NpgsqlConnection connection, IReadOnlyList<KeyValuePair<string, string>> rows, CancellationToken ct)
    {
        await ExecuteAsync(connection, JournalMetadata.CreateTableSql, ct);
        foreach (var (key, value) in rows)
        {
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO {JournalMetadata.Table} (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", connection);
            insert.Parameters.AddWithValue("key", key);
            insert.Parameters.AddWithValue("value", value);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task<HashSet<string>> ColumnAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            values.Add(reader.GetString(0));
        return values;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Host, port and database, never the credentials.</summary>
    internal static string Describe(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"'{builder.Database ?? builder.Username}' on {builder.Host}:{builder.Port}";
        }
        catch (ArgumentException)
        {
            return "(invalid connection string)";
        }
    }
}
