using Microsoft.Data.Sqlite;

namespace ActorFarm.Hosting;

/// <summary>The embedded journal's file in the state directory.</summary>
public static class SqliteJournal
{
    public static string DatabasePath(string stateDirectory) => Path.Combine(Path.GetFullPath(stateDirectory), "journal.db");

    public static string ConnectionString(string stateDirectory) =>
        new SqliteConnectionStringBuilder { DataSource = DatabasePath(stateDirectory), Pooling = true }.ToString();

    /// <summary>
    /// Creates the state directory and switches the database to write-ahead logging, which is
    /// several times faster for the journal's many small transactions. WAL is a property of the
    /// file, not of the connection string, so it is set here once before Akka opens the file.
    /// </summary>
    public static void Prepare(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        using var connection = new SqliteConnection(ConnectionString(stateDirectory));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
        command.ExecuteNonQuery();
    }
}
