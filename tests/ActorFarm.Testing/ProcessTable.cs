using System.Globalization;

namespace ActorFarm.Testing;

/// <summary>
/// Reads the machine's process table from /proc, to find the processes a test started by a
/// unique argument (for instance <c>sleep 300.482913</c>) wherever they were re-parented, and
/// the zombies a process left unreaped.
/// </summary>
public static class ProcessTable
{
    /// <summary>A unique argument for <c>sleep</c> that lasts long enough never to end during a test.</summary>
    public static string UniqueSleepArgument() =>
        string.Create(CultureInfo.InvariantCulture, $"{300 + Random.Shared.Next(0, 600)}.{Random.Shared.Next(100_000, 1_000_000)}");

    /// <summary>Live (not zombie) processes that have <paramref name="argument"/> as one of their arguments.</summary>
    public static IReadOnlyList<int> LiveWithArgument(string argument)
    {
        var found = new List<int>();
        foreach (var pid in Pids())
        {
            string[] args;
            try
            {
                args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // exited meanwhile
            }
            if (Array.IndexOf(args, argument) > 0 && State(pid) is { } state && state is not ("Z" or "X"))
                found.Add(pid);
        }
        return found;
    }

    /// <summary>Children of <paramref name="parent"/> that exited and were never reaped.</summary>
    public static IReadOnlyList<int> ZombieChildrenOf(int parent)
    {
        var found = new List<int>();
        foreach (var pid in Pids())
            if (Stat(pid) is { } fields && fields[0] == "Z" && fields[1] == parent.ToString(CultureInfo.InvariantCulture))
                found.Add(pid);
        return found;
    }

    /// <summary>The fields of /proc/PID/stat after the command name (state first, then the parent pid), or null.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? State(int pid) => Stat(pid)?[0];

    private static IEnumerable<int> Pids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                yield return pid;
    }
}
