using ActorFarm.Persistence;
using Microsoft.Data.Sqlite;

namespace ActorFarm.Hosting;

/// <summary>The embedded journal's file in the state directory.</summary>
internal static class SqliteJournal
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
        try
        {
            if (File.Exists(path))
                SqliteJournalCheck.VerifyOrStamp(path);
            else
                Create(path);
            ProbeWritable(path);
        }
        catch (Exception e) when (e is SqliteException or IOException and not FarmStoreException)
        {
            // A full disk, a read-only or vanished file system: one line naming the cause and the path.
            throw new JournalRejectedException(path,
                $"{JournalFault.From(e, path).Describe()}; free some space (or choose another --state-dir) and run the same command again", e);
        }
    }

    /// <summary>
    /// The journal must be able to grow before the farm starts: Akka creates its tables and the
    /// first events right after, and on a full disk it retries its initialization without end
    /// while nothing of the farm answers. A committed 64 KiB write, then dropped, proves the room;
    /// without it the farm does not start, and says why in one line (see <see cref="Prepare"/>).
    /// </summary>
    private static void ProbeWritable(string path)
    {
        using var connection = SqliteJournalCheck.Open(path, SqliteOpenMode.ReadWrite);
        using var command = connection.CreateCommand();
        command.CommandText =
            "DROP TABLE IF EXISTS actorfarm_probe; " +
            "BEGIN; CREATE TABLE actorfarm_probe (x BLOB); INSERT INTO actorfarm_probe VALUES (zeroblob(65536)); COMMIT; " +
            "DROP TABLE actorfarm_probe;";
        command.ExecuteNonQuery();
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
