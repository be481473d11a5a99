using System.Runtime.InteropServices;

namespace ActorFarm.Manifest;

/// <summary>
/// The files the farm reads as input (manifests, the files of file-lines sweeps) must be regular
/// files. A FIFO blocks the open until a writer comes, <c>/dev/zero</c> or <c>/dev/urandom</c>
/// never end, a directory is not text: each would hang the loader or eat memory, so they are
/// told apart before the file is opened. .NET reports no file type beyond "directory", hence
/// <c>statx(2)</c>, whose layout is the same on every Linux architecture.
/// </summary>
internal static class InputFiles
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;
    private const int StatxBufferBytes = 256;
    private const int ModeOffset = 28;
    private const int SizeOffset = 40;

    /// <summary>What kind of entry a path names (links followed).</summary>
    public enum EntryKind { Missing, RegularFile, Directory, Fifo, CharacterDevice, BlockDevice, Socket, Other }

    /// <summary>The kind and size of the entry at <paramref name="path"/>.</summary>
    public static (EntryKind Kind, long Size) Inspect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsLinux() && TryStatx(path, out var kind, out var size)) return (kind, size);
        // Elsewhere (or with a libc without statx) only what .NET knows.
        if (Directory.Exists(path)) return (EntryKind.Directory, 0);
        var info = new FileInfo(path);
        return info.Exists ? (EntryKind.RegularFile, info.Length) : (EntryKind.Missing, 0);
    }

    /// <summary>"a directory", "a FIFO (named pipe)", … for messages.</summary>
    public static string Describe(EntryKind kind) => kind switch
    {
        EntryKind.Directory => "a directory",
        EntryKind.Fifo => "a FIFO (named pipe)",
        EntryKind.CharacterDevice => "a character device",
        EntryKind.BlockDevice => "a block device",
        EntryKind.Socket => "a socket",
        EntryKind.Missing => "missing",
        EntryKind.RegularFile => "a regular file",
        _ => "not a regular file",
    };

    /// <summary>Null when <paramref name="path"/> is a regular file, else why it cannot be read as input.</summary>
    public static string? NotARegularFile(string path, EntryKind kind) => kind switch
    {
        EntryKind.RegularFile => null,
        EntryKind.Missing => $"file not found: {path}",
        _ => $"{path} is {Describe(kind)}, not a regular file; only regular files are read as input",
    };

    /// <summary>
    /// Reads a regular file of at most <paramref name="maxBytes"/> bytes. The read itself stops
    /// one byte past the limit, so a file that grows (or is swapped) after the check still cannot
    /// make it read more.
    /// </summary>
    /// <exception cref="InputFileException">Not a regular file, or larger than the limit.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public static byte[] ReadBounded(string path, long maxBytes)
    {
        var (kind, size) = Inspect(path);
        if (NotARegularFile(path, kind) is { } problem) throw new InputFileException(problem);
        if (size > maxBytes) throw new InputFileException(TooLarge(path, size, maxBytes));

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var buffer = new byte[Math.Min(maxBytes + 1, Math.Max(size, 4096) + 1)];
        int read = 0;
        while (true)
        {
            if (read == buffer.Length)
            {
                if (buffer.Length > maxBytes) throw new InputFileException(TooLarge(path, read, maxBytes));
                Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1, (long)buffer.Length * 2));
            }
            int n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0) break;
            read += n;
        }
        if (read > maxBytes) throw new InputFileException(TooLarge(path, read, maxBytes));
        return read == buffer.Length ? buffer : buffer[..read];
    }

    private static string TooLarge(string path, long size, long maxBytes) =>
        $"{path} holds {(size > maxBytes ? "more than " + ValueParsers.Format(maxBytes) : ValueParsers.Format(size))} bytes, more than the limit of {ValueParsers.Format(maxBytes)} bytes";

    private static bool TryStatx(string path, out EntryKind kind, out long size)
    {
        kind = EntryKind.Missing;
        size = 0;
        var buffer = new byte[StatxBufferBytes];
        int rc;
        try
        {
            rc = Statx(AtFdCwd, path, 0, StatxType | StatxSize, buffer);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
        if (rc != 0)
        {
            // ENOENT, ENOTDIR: nothing there. Other errors (EACCES…) are left to the open that follows.
            int errno = Marshal.GetLastPInvokeError();
            if (errno is 2 or 20) return true;
            return false;
        }
        int mode = BitConverter.ToUInt16(buffer, ModeOffset);
        size = (long)BitConverter.ToUInt64(buffer, SizeOffset);
        kind = (mode & 0xF000) switch
        {
            0x8000 => EntryKind.RegularFile,
            0x4000 => EntryKind.Directory,
            0x1000 => EntryKind.Fifo,
            0x2000 => EntryKind.CharacterDevice,
            0x6000 => EntryKind.BlockDevice,
            0xC000 => EntryKind.Socket,
            _ => EntryKind.Other,
        };
        return true;
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}

/// <summary>An input file the farm refuses to read: not a regular file, or over a limit.</summary>
internal sealed class InputFileException(string message) : IOException(message);
