using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ActorFarm.Hosting;

/// <summary>
/// One writer per state directory: an exclusive advisory lock on <c>&lt;state&gt;/lock</c>, held
/// for the life of the farm process. The kernel releases it when the process ends, however it
/// ends (kill -9 included), so a lock is never stale. The holder writes who it is into the file
/// (<see cref="LockHolder"/>) for the message of the process it turns away. The file is never
/// deleted: a process could lock a deleted file while another locks its replacement.
/// </summary>
internal sealed class StateDirectoryLock : IDisposable
{
    public const string FileName = "lock";

    private readonly FileStream _file;
    private int _released;

    private StateDirectoryLock(string path, FileStream file, LockHolder holder, string? notEnforcedBecause)
    {
        Path = path;
        _file = file;
        Holder = holder;
        NotEnforcedBecause = notEnforcedBecause;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    public LockHolder Holder { get; }

    /// <summary>
    /// Why the lock could not be taken although nobody holds it: the file system refuses file
    /// locks (e.g. Lustre mounted without <c>flock</c>). The farm then runs, as SQLite would, and
    /// warns that nothing stops a second writer. Null when the lock is held.
    /// </summary>
    public string? NotEnforcedBecause { get; }

    public static string LockPath(string stateDirectory) =>
        System.IO.Path.Combine(System.IO.Path.GetFullPath(stateDirectory), FileName);

    /// <summary>
    /// Takes the state directory's lock without waiting, creating the directory if needed.
    /// </summary>
    /// <exception cref="StateDirectoryInUseException">Another process (or another farm in this one) holds it.</exception>
    public static StateDirectoryLock Acquire(string stateDirectory)
    {
        var directory = System.IO.Path.GetFullPath(stateDirectory);
        Directory.CreateDirectory(directory);
        var path = LockPath(directory);
        string? notEnforcedBecause = null;
        var file = PosixFileLock.IsSupported ? LockWithFlock(directory, path, out notEnforcedBecause) : LockWithFileShare(directory, path);
        var holder = LockHolder.Current();
        try
        {
            file.SetLength(0);
            file.Write(Encoding.UTF8.GetBytes(holder.ToJson() + "\n"));
            file.Flush(flushToDisk: true);
        }
        catch (IOException e)
        {
            file.Dispose();
            // A full disk (or quota) shows first here, before the journal: say where.
            throw new FarmStoreException($"{Persistence.JournalFault.From(e, path).Cause} at {path}; free some space (or choose another --state-dir) and run the same command again", e);
        }
        catch
        {
            file.Dispose();
            throw;
        }
        return new StateDirectoryLock(path, file, holder, notEnforcedBecause);
    }

    /// <summary>Who holds the state directory now, as written in its lock file; null if nobody wrote it.</summary>
    public static LockHolder? ReadHolder(string stateDirectory)
    {
        var path = LockPath(stateDirectory);
        try
        {
            using var handle = PosixFileLock.IsSupported
                ? PosixFileLock.OpenForReading(path)
                : File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var stream = new FileStream(handle, FileAccess.Read);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return LockHolder.FromJson(reader.ReadToEnd());
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static FileStream LockWithFlock(string directory, string path, out string? notEnforcedBecause)
    {
        var handle = PosixFileLock.OpenForLocking(path);
        notEnforcedBecause = null;
        switch (PosixFileLock.TryLockExclusive(handle, out var errno))
        {
            case PosixFileLock.Outcome.Acquired:
                break;
            case PosixFileLock.Outcome.HeldByAnother:
                handle.Dispose();
                throw new StateDirectoryInUseException(directory, ReadHolder(directory));
            default:
                notEnforcedBecause = $"the file system refuses to lock {path} ({System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)})";
                break;
        }
        return new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
    }

    /// <summary>Windows: share modes. Other readers may read the holder; no second writer may open it.</summary>
    private static FileStream LockWithFileShare(string directory, string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        }
        catch (IOException e) when (File.Exists(path) && e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new StateDirectoryInUseException(directory, ReadHolder(directory));
        }
    }

    /// <summary>Releases the lock (idempotent). The file stays, emptied, for the next holder.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1) return;
        try
        {
            _file.SetLength(0);
        }
        catch (IOException)
        {
            // Emptying is a courtesy to readers; closing is what releases the lock.
        }
        _file.Dispose();
    }
}
