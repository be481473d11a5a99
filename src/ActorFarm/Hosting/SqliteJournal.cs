using ActorFarm.Persistence;
using Microsoft.Data.Sqlite;

namespace ActorFarm.Hosting;

/// <summary>The embedded journal's file in the state directory.</summary>
public static class SqliteJournal
{
    public const string FileName = "journal.db";

    public static string DatabasePath(string stateDirectory) => Path.Combine(Path.GetFullPath(stateDirectory), FileName);

    public static string ConnectionString(string stateDirectory) =>
        new SqliteConnectionStringBuilder { DataSource = DatabasePath(stateDirectory), Pooling = true }.ToString();

    /// <summary>
    /// Makes the state directory's journal ready for Akka: creates a new journal (with its
    /// metadata, in write-ahead-log mode), or checks that the file already there is an ActorFarm
    /// journal (<see cref="SqliteJournalCheck"/>). Must run before Akka opens the file, which would
    /// otherwise create its tables in an empty or foreign file and run every task again. Call it
    /// while holding the <see cref="StateDirectoryLock"/>.
    /// </summary>
    /// <exception cref="JournalRejectedException">The file is not an ActorFarm journal this build can use.</exception>
    public static void Prepare(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = DatabasePath(stateDirectory);
        if (File.Exists(path))
            SqliteJournalCheck.VerifyOrStamp(path);
        else
            Create(path);
    }

    /// <summary>
    /// Builds the new journal beside its final name and moves it in place, so that a process
    /// killed while creating it never leaves an empty or half-written journal.db behind.
    /// Write-ahead logging is several times faster for the journal's many small transactions and
    /// is a property of the file, not of the connection string, so it is set here.
    /// </summary>
    private static void Create(string path)
    {
        var wal = path + "-wal";
        if (File.Exists(wal) && new FileInfo(wal).Length > 0)
            throw new JournalRejectedException(path,
                $"{path} is missing but its write-ahead log {wal} is still there (the journal was removed only in part); " +
                $"put {FileName} back, or move {wal} away to start over");
        var building = path + ".new";
        DeleteDatabase(building);
        using (var connection = SqliteJournalCheck.Open(building, SqliteOpenMode.ReadWriteCreate))
        {
            SqliteJournalCheck.WriteMetadata(connection, JournalMetadata.ForNewJournal());
            SqliteJournalCheck.UseWriteAheadLog(connection);
        }
        File.Move(building, path);
    }

    private static void DeleteDatabase(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
            File.Delete(file);
    }
}
