using Microsoft.Data.Sqlite;

namespace ActorFarm.Testing;

/// <summary>A fresh directory under the system temp folder, deleted (with any SQLite files in it) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "actorfarm-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        // Pooled connections keep the journal (and its -wal/-shm) open.
        SqliteConnection.ClearAllPools();
        // For post-mortems: ACTORFARM_KEEP_TEST_DIRS=1 leaves every test directory in place.
        if (Environment.GetEnvironmentVariable("ACTORFARM_KEEP_TEST_DIRS") == "1")
            return;
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process the test started may still hold a file for a moment; the OS cleans temp.
        }
    }
}
