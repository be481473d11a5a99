namespace ActorFarm.Node.Execution;

/// <summary>
/// Finds the file to execute for argv[0] the way a POSIX shell would in the task's working
/// directory: a name with a slash is a path (relative to the working directory), a bare name is
/// searched in the task's PATH (its own environment's PATH if it sets one, else the node's).
/// <see cref="System.Diagnostics.Process"/> alone would try the .NET host's directory and the
/// node's current directory first, and resolve relative paths against the node's directory.
/// </summary>
internal static class ProgramResolver
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>The absolute path to execute, or null with a message when no candidate exists.</summary>
    public static string? Resolve(string program, string? workingDirectory, IReadOnlyDictionary<string, string> taskEnvironment, out string? error)
    {
        error = null;
        if (program.Length == 0)
        {
            error = "the program (argv[0]) is empty";
            return null;
        }

        if (program.Contains('/'))
            return Path.IsPathRooted(program) ? program : Path.GetFullPath(program, workingDirectory ?? Environment.CurrentDirectory);

        string? pathVariable = taskEnvironment.TryGetValue("PATH", out var taskPath) ? taskPath : Environment.GetEnvironmentVariable("PATH");
        string? notExecutable = null;
        foreach (var entry in (pathVariable ?? "").Split(':'))
        {
            // An empty PATH entry means the current directory, which for a task is its working directory.
            var directory = entry.Length == 0 ? workingDirectory ?? Environment.CurrentDirectory : entry;
            var candidate = Path.GetFullPath(Path.Combine(directory, program), workingDirectory ?? Environment.CurrentDirectory);
            if (!File.Exists(candidate)) continue;
            if (IsExecutable(candidate)) return candidate;
            notExecutable ??= candidate;
        }

        // Like execvp: a match without execute permission fails with "Permission denied" when started.
        if (notExecutable is not null) return notExecutable;
        error = $"program '{program}' not found in PATH ({pathVariable})";
        return null;
    }

    private static bool IsExecutable(string path)
    {
        if (OperatingSystem.IsWindows()) return true;
        try
        {
            return (File.GetUnixFileMode(path) & AnyExecute) != 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
