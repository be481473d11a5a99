using ActorFarm.Persistence;
using Microsoft.Data.Sqlite;

namespace ActorFarm.Hosting;

/// <summary>
/// Tells an ActorFarm journal from whatever else may lie where it should be: an empty file, a
/// truncated or overwritten journal, another program's database, any other file. Each is refused
/// with one sentence naming the file and how to start over; a journal written by an ActorFarm
/// that predates <see cref="JournalMetadata"/> is recognised by its tables and persistence ids
/// and stamped. Runs before Akka opens the file, on connections of its own that are closed after.
/// </summary>
internal static class SqliteJournalCheck
{
    private const string StartOver = "; move it away or choose another --state-dir to start over";
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    public static void VerifyOrStamp(string path)
    {
        if (new FileInfo(path).Length == 0)
            throw Rejected(path, $"{path} is an empty file (0 bytes), not an ActorFarm journal{StartOver}");
        if (!HasSqliteHeader(path))
            throw Rejected(path, $"{path} is not an SQLite database, so not an ActorFarm journal{StartOver}");
        try
        {
            using var connection = Open(path, SqliteOpenMode.ReadWrite);
            var tables = Tables(connection);
            if (tables.Contains(JournalMetadata.Table))
                CheckMetadata(path, connection);
            else
                RecogniseEarlierJournal(path, connection, tables);
            UseWriteAheadLog(connection);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26) // SQLITE_CORRUPT, SQLITE_NOTADB
        {
            throw Rejected(path, $"{path} is damaged (SQLite: {Reason(e)}; truncated or overwritten?), so its journal cannot be read{StartOver}", e);
        }
    }

    internal static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        // Not pooled: the file must be closed when Akka opens it, or moved right after creation.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    internal static void WriteMetadata(SqliteConnection connection, IReadOnlyList<KeyValuePair<string, string>> rows)
    {
        using var transaction = connection.BeginTransaction();
        Execute(connection, JournalMetadata.CreateTableSql);
        foreach (var (key, value) in rows)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT OR REPLACE INTO {JournalMetadata.Table} (key, value) VALUES ($key, $value)";
            insert.Parameters.AddWithValue("$key", key);
            insert.Parameters.AddWithValue("$value", value);
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    internal static void UseWriteAheadLog(SqliteConnection connection) =>
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");

    private static void CheckMetadata(string path, SqliteConnection connection)
    {
        var rows = new Dictionary<string, string>();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT key, value FROM {JournalMetadata.Table}";
        using (var reader = command.ExecuteReader())
            while (reader.Read())
                rows[reader.GetString(0)] = reader.GetString(1);
        if (JournalMetadata.Incompatibility(rows) is { } why)
            throw Rejected(path, $"{path} cannot be used: {why}, or choose another --state-dir to start over");
    }

    /// <summary>
    /// No metadata: a journal of an earlier ActorFarm has Akka.Persistence.Sql's tables with the
    /// columns ActorFarm reads, and only persistence ids ActorFarm writes.
    /// </summary>
    private static void RecogniseEarlierJournal(string path, SqliteConnection connection, IReadOnlySet<string> tables)
    {
        var userTables = tables.Where(t => !t.StartsWith("sqlite_", StringComparison.Ordinal)).Order().ToList();
        if (userTables.Count == 0)
            throw Rejected(path, $"{path} is an empty SQLite database, not an ActorFarm journal{StartOver}");
        if (!JournalMetadata.JournalTables.All(tables.Contains))
            throw Rejected(path, $"{path} is an SQLite database of something else (tables: {string.Join(", ", userTables)}), not an ActorFarm journal{StartOver}");
        var columns = Column(connection, "SELECT name FROM pragma_table_info('journal')");
        var missing = JournalMetadata.JournalColumns.Where(c => !columns.Contains(c)).ToList();
        if (missing.Count > 0)
            throw Rejected(path, $"{path} has a table 'journal' that is not an Akka.Persistence journal (no column {string.Join(", ", missing)}), so it is not an ActorFarm journal{StartOver}");
        if (Column(connection, JournalMetadata.ForeignPersistenceIdQuery).FirstOrDefault() is { } foreign)
            throw Rejected(path, $"{path} is the journal of another application (persistence id '{foreign}'), not an ActorFarm journal{StartOver}");
        WriteMetadata(connection, JournalMetadata.ForStampedJournal());
    }

    private static HashSet<string> Tables(SqliteConnection connection) =>
        Column(connection, "SELECT name FROM sqlite_master WHERE type = 'table'");

    private static HashSet<string> Column(SqliteConnection connection, string sql)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
            values.Add(reader.GetString(0));
        return values;
    }

    private static bool HasSqliteHeader(string path)
    {
        var header = new byte[SqliteHeader.Length];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length && header.AsSpan().SequenceEqual(SqliteHeader);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Reason(SqliteException e) => e.SqliteErrorCode == 26 ? "file is not a database" : "database disk image is malformed";

    private static JournalRejectedException Rejected(string path, string message, Exception? inner = null) => new(path, message, inner);
}
