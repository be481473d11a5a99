using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorFarm.Testing;

/// <summary>
/// Reads which task indices a (killed) farm had journaled, straight from its journal (SQLite file
/// or PostgreSQL database), the way an operator would check after a crash. Used to prove that
/// journaled tasks never run again.
/// </summary>
public static class JournalPeek
{
    private const string Query = "SELECT message FROM journal WHERE manifest IN ('task-results.v1', 'task-results.v2')";

    public static HashSet<long> RecordedIndices(string sqliteDatabasePath)
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = sqliteDatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var db = new SqliteConnection(connection.ToString());
        db.Open();
        return Read(db);
    }

    public static HashSet<long> RecordedIndicesInPostgres(string connectionString)
    {
        using var db = new NpgsqlConnection(connectionString);
        db.Open();
        return Read(db);
    }

    /// <summary>Every journaled final result as (index, outcome), e.g. (3, "failed").</summary>
    public static List<(long Index, string Outcome)> RecordedOutcomes(string sqliteDatabasePath)
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = sqliteDatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var db = new SqliteConnection(connection.ToString());
        db.Open();
        var outcomes = new List<(long, string)>();
        using var command = db.CreateCommand();
        command.CommandText = Query;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            using var doc = JsonDocument.Parse((byte[])reader[0]);
            foreach (var result in doc.RootElement.GetProperty("results").EnumerateArray())
                outcomes.Add(result.ValueKind == JsonValueKind.Array
                    ? (result[0].GetInt64(), result[2].GetString()!)
                    : (result.GetProperty("index").GetInt64(), result.GetProperty("outcome").GetString()!));
        }
        return outcomes;
    }

    private static HashSet<long> Read(DbConnection db)
    {
        var indices = new HashSet<long>();
        using var command = db.CreateCommand();
        command.CommandText = Query;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            using var doc = JsonDocument.Parse((byte[])reader[0]);
            // v2 rows are arrays with the index first; v1 rows were objects.
            foreach (var result in doc.RootElement.GetProperty("results").EnumerateArray())
                indices.Add(result.ValueKind == JsonValueKind.Array ? result[0].GetInt64() : result.GetProperty("index").GetInt64());
        }
        return indices;
    }
}
