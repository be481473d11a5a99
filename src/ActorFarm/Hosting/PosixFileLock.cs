using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ActorFarm.Hosting;

/// <summary>
/// flock(2) on Linux and macOS, called directly rather than through FileShare: .NET's FileShare
/// emulation also takes a lock when a file is only opened to be read, so a second process could
/// not read who holds the lock, and two processes opening at once could each block the other's
/// upgrade to an exclusive lock. The file is opened close-on-exec, so task processes never
/// inherit (and keep alive) the lock of the farm that started them.
/// </summary>
internal static class PosixFileLock
{
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    /// <summary>Opens (creating it) a file for reading and writing, close-on-exec, without locking it.</summary>
    public static SafeFileHandle OpenForLocking(string path)
    {
        CreateIfMissing(path);
        var flags = OperatingSystem.IsMacOS()
            ? 0x2 | 0x1000000   // O_RDWR | O_CLOEXEC (Darwin)
            : 0x2 | 0x80000;    // O_RDWR | O_CLOEXEC (Linux, every architecture .NET runs on)
        return Open(path, flags);
    }

    /// <summary>Opens a file to read it, without locking it.</summary>
    public static SafeFileHandle OpenForReading(string path) => Open(path, 0 /* O_RDONLY */);

    public enum Outcome { Acquired, HeldByAnother, Unsupported }

    /// <summary>Takes an exclusive lock without waiting.</summary>
    public static Outcome TryLockExclusive(SafeFileHandle file, out int errno)
    {
        if (Flock(file, LockExclusive | LockNonBlocking) == 0)
        {
            errno = 0;
            return Outcome.Acquired;
        }
        errno = Marshal.GetLastPInvokeError();
        var wouldBlock = OperatingSystem.IsMacOS() ? 35 : 11; // EWOULDBLOCK
        return errno == wouldBlock ? Outcome.HeldByAnother : Outcome.Unsupported;
    }

    /// <summary>
    /// open(2) is variadic and its mode argument travels differently on some ABIs (Apple arm64),
    /// so the file is created by .NET and opened here without O_CREAT. The creating handle's
    /// brief shared lock can only make a process racing this one see the directory as held,
    /// which it is about to be.
    /// </summary>
    private static void CreateIfMissing(string path)
    {
        if (File.Exists(path)) return;
        try
        {
            using var created = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first.
        }
    }

    private static SafeFileHandle Open(string path, int flags)
    {
        var fd = OpenFile(path, flags);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    // Strings marshal as UTF-8 on Unix.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int OpenFile(string path, int flags);

    [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static extern int Flock(SafeFileHandle file, int operation);
}
