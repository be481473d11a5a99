namespace ActorFarm.Testing;

/// <summary>
/// A real file system that fills: a tmpfs of a few megabytes mounted on a fresh directory (root
/// only, as CI runs). <see cref="Fill"/> takes every free byte with a filler file, the way a quota
/// or a full scratch disk ends a run; <see cref="Free"/> gives the space back, or <see cref="Grow"/>
/// enlarges the disk as an administrator would.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private readonly TempDirectory _mountPoint;

    public SmallDisk(string sizeSpec)
    {
        _mountPoint = new TempDirectory("actorfarm-disk");
        Run("mount", "-t", "tmpfs", "-o", $"size={sizeSpec}", "tmpfs", _mountPoint.Path);
    }

    public string Path => _mountPoint.Path;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    private string FillerPath => File(".filler");

    /// <summary>
    /// Writes a filler file until the disk refuses (ENOSPC). SQLite databases on the disk are
    /// checkpointed first, their write-ahead logs truncated: a log reused from its start needs no
    /// new space, and the next write would not notice the disk is full.
    /// </summary>
    public void Fill()
    {
        foreach (var database in Directory.GetFiles(Path, "*.db"))
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False");
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }
        using var filler = new FileStream(FillerPath, FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        var chunk = new byte[4096];
        try
        {
            while (true) filler.Write(chunk);
        }
        catch (IOException)
        {
            // Full.
        }
    }

    /// <summary>Deletes the filler: the space is back.</summary>
    public void Free() => System.IO.File.Delete(FillerPath);

    /// <summary>Enlarges the mounted disk in place.</summary>
    public void Grow(string sizeSpec) => Run("mount", "-o", $"remount,size={sizeSpec}", Path);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Run("umount", "-l", Path);
        }
        catch (InvalidOperationException)
        {
            // Still busy: the lazy unmount above detaches it anyway when the last user goes.
        }
        _mountPoint.Dispose();
    }

    // Runs in a constructor and in Dispose, hence synchronously.
    private static void Run(string program, params string[] args) =>
        ChildProcess.RunCheckedAsync(program, args, TimeSpan.FromMinutes(1)).GetAwaiter().GetResult();
}

/// <summary>
/// A test that mounts file systems (a real full disk): it needs root. Skipped elsewhere, unless
/// <c>ACTORFARM_REQUIRE_ROOT=1</c> (CI, which runs as root) makes it fail instead.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("ACTORFARM_REQUIRE_ROOT") != "1")
            Skip = "needs root to mount a small tmpfs (a disk that fills); CI runs as root";
    }
}
