using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ActorFarm.Security;

/// <summary>
/// Reads and creates access files. Like ssh with a private key, a file that anyone but its owner
/// may read is refused: whoever holds it is you on the farm. Creation is atomic, so processes of
/// one farm started at the same moment (a SLURM step on every node) all end up with the same file.
/// </summary>
internal static class AccessFileStore
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OthersAny = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Reads the credential in <paramref name="path"/>, creating the file first when it is missing and <paramref name="createIfMissing"/>.</summary>
    /// <exception cref="AccessFileException">Missing (and not to be created), too open, or not an access file.</exception>
    /// <exception cref="IOException">A missing file could not be written (a full disk, a directory this user may not write); nothing is left behind.</exception>
    public static FarmCredential Open(string path, bool createIfMissing, Action<string>? onCreated = null)
    {
        var fullPath = Path.GetFullPath(path);
        if (!Exists(fullPath))
        {
            if (!createIfMissing)
                throw new AccessFileException(fullPath,
                    $"no access file at {fullPath}: the farm writes it when it starts (the Lighthouse, a node, or the SLURM launcher); " +
                    $"give its path with --access-file or {FarmAccess.PathVariable}, or see docs/security.md");
            if (TryCreate(fullPath))
                onCreated?.Invoke(fullPath);
        }
        return Read(fullPath);
    }

    /// <summary>Writes a new access file at <paramref name="path"/>, replacing one that exists (rotation: every process of the farm must then restart with it).</summary>
    public static FarmCredential Rotate(string path)
    {
        var fullPath = Path.GetFullPath(path);
        using var credential = FarmCredential.Generate();
        var temporary = WriteTemporary(fullPath, credential);
        File.Move(temporary, fullPath, overwrite: true);
        return Read(fullPath);
    }

    /// <summary>Reads an existing access file, refusing one that others may read.</summary>
    public static FarmCredential Read(string path)
    {
        var fullPath = Path.GetFullPath(path);
        string text;
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(fullPath);
                if ((mode & OthersAny) != 0)
                    throw new AccessFileException(fullPath,
                        $"access file {fullPath} is open to other users (mode {Octal(mode)}): it is the key to running commands as you; " +
                        $"chmod 600 {fullPath}, or if others may have read it, make a new one (docs/security.md)");
            }
            if (new FileInfo(fullPath).Length > 64 * 1024)
                throw new AccessFileException(fullPath, $"{fullPath} is not an ActorFarm access file (larger than 64 KiB)");
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new AccessFileException(fullPath, $"no access file at {fullPath}");
        }
        catch (UnauthorizedAccessException)
        {
            throw CannotRead(fullPath);
        }
        try
        {
            return FarmCredential.FromPem(text);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new AccessFileException(fullPath, $"{fullPath} is not an ActorFarm access file (no certificate and key in it): {e.Message}");
        }
    }

    /// <summary>Whether the file is there; one this user may not even look at is an error, not a file to create.</summary>
    private static bool Exists(string fullPath)
    {
        try
        {
            using var handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            throw CannotRead(fullPath);
        }
    }

    private static AccessFileException CannotRead(string fullPath) =>
        new(fullPath, $"access file {fullPath} cannot be read by {Environment.UserName}: only whoever started the farm may use it");

    /// <summary>Creates the file unless another process got there first; true when this call created it.</summary>
    private static bool TryCreate(string fullPath)
    {
        var directory = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
            else Directory.CreateDirectory(directory, OwnerOnly | UnixFileMode.UserExecute);
        }
        using var credential = FarmCredential.Generate();
        var temporary = WriteTemporary(fullPath, credential);
        try
        {
            // Of processes racing to create the file, exactly one wins and all read the winner's
            // whole file: link(2) publishes the finished temporary file under its name atomically
            // and fails with EEXIST when the name exists. (File.Move without overwrite is no such
            // guarantee: .NET checks that the target is absent, then renames over it, so three of
            // sixteen racing creators "won" in one run here.)
            if (!OperatingSystem.IsWindows())
            {
                if (Link(temporary, fullPath) == 0) return true;
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EEXIST) return false;
                // A file system without hard links: the best the platform offers.
                if (errno is not (EPERM or EOPNOTSUPP))
                    throw new IOException($"cannot create {fullPath}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
            File.Move(temporary, fullPath, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(fullPath))
        {
            return false;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private const int EPERM = 1;
    private const int EEXIST = 17;
    private const int EOPNOTSUPP = 95; // ENOTSUP on Linux too

    // Strings marshal as UTF-8 on Unix.
    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existingPath, string newPath);

    /// <summary>The whole file written, owner-only from its first byte, next to where it will live.</summary>
    private static string WriteTemporary(string fullPath, FarmCredential credential)
    {
        var temporary = $"{fullPath}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerOnly;
        try
        {
            Write(temporary, options, credential);
            return temporary;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk or a directory we may not write: nothing half-written stays behind,
            // and the error names the file the farm needed, not its temporary name.
            File.Delete(temporary);
            throw new IOException($"could not write the access file {fullPath}: {e.Message}", e);
        }
    }

    private static void Write(string temporary, FileStreamOptions options, FarmCredential credential)
    {
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write($"""
                # ActorFarm access file, created {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z by {Environment.UserName}@{Environment.MachineName}.
                # Whoever holds this file can run commands as you on the farm that uses it: keep it mode 0600,
                # never copy it where others can read it. Farm fingerprint (SHA-256): {credential.Fingerprint}

                """);
            writer.Write(credential.ToPem());
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');
}
