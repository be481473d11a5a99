using System.Diagnostics;
using System.Globalization;

namespace ActorFarm.Node.Execution.Trees;

/// <summary>
/// One cgroup v2 per task, under one cgroup per farm made beside the farm process's own:
/// <c>&lt;own cgroup&gt;/actorfarm-&lt;pid&gt;-&lt;random&gt;/t&lt;n&gt;</c>. The kernel keeps every
/// descendant of the task in its cgroup, <c>setsid</c> and double forks included, and
/// <c>cgroup.kill</c> (Linux 5.14+) SIGKILLs all of them at once, with no race against forks.
/// </summary>
/// <remarks>
/// A child must be in its cgroup before it can fork, and <see cref="Process"/> cannot run code
/// between fork and exec, so the task's first process moves itself: a shell command gets
/// <c>echo 0 &gt; cgroup.procs;</c> in front of it (same shell, no extra process), and an argv task
/// starts as <c>/bin/sh -c 'echo 0 &gt; cgroup.procs; exec "$@"' … argv</c>, the shell becoming the
/// program (same pid, argv and environment) at the cost of one more exec.
/// </remarks>
internal sealed class CgroupTaskTrees : TaskTrees
{
    /// <summary>Moves the shell into the cgroup whose cgroup.procs is $0, then execs the task ("$@").</summary>
    private static readonly string EnterAndExec = Enter("\"$0\"") + "exec \"$@\"";

    private const string Shell = "/bin/sh";
    private const string FarmPrefix = "actorfarm-";
    // Within the 5 s Akka gives the shutdown phase that disposes the trees; SIGKILLed processes
    // exit in milliseconds unless stuck in the kernel (then the watchdog keeps trying).
    private static readonly TimeSpan EmptyingLimit = TimeSpan.FromSeconds(3);

    private readonly string _directory;
    private readonly FarmExitWatchdog _watchdog;
    private long _serial;
    private int _disposed;

    private CgroupTaskTrees(string directory, FarmExitWatchdog watchdog)
    {
        _directory = directory;
        _watchdog = watchdog;
    }

    public override string Description => "cgroup v2 " + _directory;

    /// <summary>Trees in cgroups, or null with the reason when this process may not make them here.</summary>
    public static CgroupTaskTrees? TryCreate(out string? whyNot)
    {
        if (!OperatingSystem.IsLinux())
        {
            whyNot = "not Linux";
            return null;
        }
        var parent = OwnCgroupDirectory(out whyNot);
        if (parent is null) return null;
        RemoveAbandoned(parent);

        var directory = Path.Combine(parent, $"{FarmPrefix}{Environment.ProcessId}-{Random.Shared.Next():x8}");
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            whyNot = $"cannot create a cgroup under {parent}: {e.Message}";
            return null;
        }

        whyNot = !File.Exists(Path.Combine(directory, "cgroup.kill"))
            ? "the kernel has no cgroup.kill (Linux before 5.14)"
            : CanMoveProcessesInto(directory);
        var watchdog = whyNot is null ? FarmExitWatchdog.Start(WatchdogScript, directory) : null;
        if (watchdog is null)
        {
            whyNot ??= "the exit watchdog (/bin/sh) could not start";
            TryRemove(directory);
            return null;
        }
        return new CgroupTaskTrees(directory, watchdog);
    }

    public override TaskTree? Contain(ProcessStartInfo startInfo, out string? error)
    {
        // The shell's exec would turn a missing or non-executable program into exit 127/126;
        // checked here it stays a failure to start, with execve's reason.
        if (LinuxProcesses.ExecuteError(startInfo.FileName) is { } reason)
        {
            error = $"An error occurred trying to start process '{startInfo.FileName}' with working directory '{startInfo.WorkingDirectory}'. {reason}";
            return null;
        }

        var directory = Path.Combine(_directory, "t" + Interlocked.Increment(ref _serial).ToString(CultureInfo.InvariantCulture));
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"could not create the task's cgroup {directory}: {e.Message}";
            return null;
        }

        var procs = Path.Combine(directory, "cgroup.procs");
        var arguments = startInfo.ArgumentList;
        if (startInfo.FileName == Shell && arguments.Count == 2 && arguments[0] == "-c")
        {
            // On the same line, so the shell's messages keep the command's line numbers.
            arguments[1] = Enter(Quoted(procs)) + arguments[1];
        }
        else
        {
            arguments.Insert(0, startInfo.FileName);
            arguments.Insert(0, procs);
            arguments.Insert(0, EnterAndExec);
            arguments.Insert(0, "-c");
            startInfo.FileName = Shell;
        }
        error = null;
        return new CgroupTaskTree(directory);
    }

    /// <summary>Shell code that moves the shell into a cgroup (<paramref name="procs"/>: its cgroup.procs, as a shell word), or exits 125 saying why.</summary>
    private static string Enter(string procs) =>
        $"{{ echo 0 > {procs}; }} 2>/dev/null || {{ echo \"actorfarm: could not move the task into its cgroup: \"{procs} >&2; exit 125; }}; ";

    private static string Quoted(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        CgroupTaskTree.WriteKill(_directory);
        await CgroupTaskTree.AwaitEmptyAsync(_directory, EmptyingLimit).ConfigureAwait(false);
        foreach (var task in SubDirectories(_directory)) TryRemove(task);
        TryRemove(_directory);
        _watchdog.Dispose();
    }

    /// <summary>
    /// Run by the watchdog once the farm is gone: kill everything in the farm's cgroup, then
    /// remove the cgroups as they empty. $0 is the farm's cgroup.
    /// </summary>
    private const string WatchdogScript = """
        echo 1 > "$0/cgroup.kill"
        i=0
        while [ -d "$0" ] && [ $i -lt 100 ]; do
          for d in "$0"/*/; do rmdir "$d"; done
          rmdir "$0" && break
          i=$((i + 1)); sleep 0.1
        done
        """;

    /// <summary>The directory of this process's cgroup in the cgroup v2 hierarchy, or null with the reason.</summary>
    private static string? OwnCgroupDirectory(out string? whyNot)
    {
        whyNot = null;
        string? path = null;
        try
        {
            foreach (var line in File.ReadLines("/proc/self/cgroup"))
                if (line.StartsWith("0::", StringComparison.Ordinal)) path = line[3..];
            if (path is null)
            {
                whyNot = "this process is in no cgroup v2 (/proc/self/cgroup has no 0:: line)";
                return null;
            }
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                // id parent major:minor root mount-point options [optional…] - type source options
                var separator = line.IndexOf(" - ", StringComparison.Ordinal);
                if (separator < 0 || !line.AsSpan(separator + 3).StartsWith("cgroup2 ")) continue;
                var fields = line[..separator].Split(' ');
                var root = Unescape(fields[3]);
                var mountPoint = Unescape(fields[4]);
                if (root != "/" && !path.StartsWith(root + "/", StringComparison.Ordinal) && path != root) continue;
                var relative = root == "/" ? path : path[root.Length..];
                return mountPoint + relative.TrimEnd('/');
            }
            whyNot = "no cgroup v2 file system is mounted where this process can see its cgroup";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            whyNot = "cannot read /proc: " + e.Message;
            return null;
        }
    }

    /// <summary>A child moving itself into the farm's cgroup proves that tasks will be able to.</summary>
    private static string? CanMoveProcessesInto(string directory)
    {
        var probe = Path.Combine(directory, "probe");
        try
        {
            Directory.CreateDirectory(probe);
            var info = new ProcessStartInfo(Shell) { UseShellExecute = false, RedirectStandardError = true };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("echo 0 > \"$0\"");
            info.ArgumentList.Add(Path.Combine(probe, "cgroup.procs"));
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : "cannot move a process into a new cgroup: " + error.Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return "cannot move a process into a new cgroup: " + e.Message;
        }
        finally
        {
            TryRemove(probe);
        }
    }

    /// <summary>
    /// Farm cgroups whose farm process is gone (killed before its watchdog could clean up, or the
    /// watchdog killed too): their processes are killed and the cgroups removed.
    /// </summary>
    private static void RemoveAbandoned(string parent)
    {
        foreach (var farm in SubDirectories(parent))
        {
            var name = Path.GetFileName(farm);
            if (!name.StartsWith(FarmPrefix, StringComparison.Ordinal)) continue;
            var pidText = name[FarmPrefix.Length..].Split('-')[0];
            if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || Directory.Exists($"/proc/{pid}"))
                continue;
            CgroupTaskTree.WriteKill(farm);
            foreach (var task in SubDirectories(farm)) TryRemove(task);
            TryRemove(farm);
        }
    }

    private static IEnumerable<string> SubDirectories(string directory)
    {
        try
        {
            return Directory.GetDirectories(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    internal static bool TryRemove(string directory)
    {
        try
        {
            Directory.Delete(directory); // rmdir: a cgroup is removed empty, its control files with it
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return !Directory.Exists(directory);
        }
    }

    /// <summary>mountinfo escapes spaces, tabs, newlines and backslashes as octal.</summary>
    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
