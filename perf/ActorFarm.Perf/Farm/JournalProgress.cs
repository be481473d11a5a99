using Microsoft.Data.Sqlite;

namespace ActorFarm.Perf.Farm;

/// <summary>
/// Follows a farm's SQLite journal from outside, read-only, while the farm writes it (WAL lets a
/// reader in beside the writer): how many task results are journaled, and when the first new
/// one appears. Only rows added since the last look are read, so polling stays cheap.
/// </summary>
public sealed class JournalProgress(string databasePath)
{

    private long _lastOrdering;

    public long ResultsJournaled { get; private set; }

    public long Events { get; private set; }

    /// <summary>Reads the rows added since the last call; returns how many result events they held.</summary>
    public int Poll()
    {
        if (!File.Exists(databasePath)) return 0;
        var connection = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        };
        using var db = new SqliteConnection(connection.ToString());
        try
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = """
                SELECT ordering, json_array_length(CAST(message AS TEXT), '$.results')
                FROM journal WHERE manifest IN ('task-results.v1', 'task-results.v2') AND ordering > $after ORDER BY ordering
                """;
            command.Parameters.AddWithValue("$after", _lastOrdering);
            using var reader = command.ExecuteReader();
            var events = 0;
            while (reader.Read())
            {
                _lastOrdering = reader.GetInt64(0);
                ResultsJournaled += reader.GetInt64(1);
                events++;
            }
            Events += events;
            return events;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 1 or 5 or 6)
        {
            // No journal table yet (1), or the writer holds a lock for a moment (5, 6): look again later.
            return 0;
        }
    }
}
