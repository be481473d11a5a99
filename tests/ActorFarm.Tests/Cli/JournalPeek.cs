using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ActorFarm.Tests.Cli;

/// <summary>
/// Reads which task indices a (killed) farm had journaled, straight from its SQLite file, the way
/// an operator would check after a crash. Used to prove that journaled tasks never run again.
/// </summary>
public static class JournalPeek
{
    public static HashSet<long> RecordedIndices(string databasePath)
    {
        var indices = new HashSet<long>();
        var connection = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var db = new SqliteConnection(connection.ToString());
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT message FROM journal WHERE manifest = 'task-results.v1'";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            using var doc = JsonDocument.Parse((byte[])reader[0]);
            foreach (var result in doc.RootElement.GetProperty("results").EnumerateArray())
                indices.Add(result.GetProperty("index").GetInt64());
        }
        return indices;
    }
}
