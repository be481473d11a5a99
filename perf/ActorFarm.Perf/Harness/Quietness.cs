using System.Globalization;
using System.Runtime.InteropServices;

namespace ActorFarm.Perf.Harness;

/// <summary>
/// Whether the machine was quiet while a table was measured. The machine is shared (another
/// engineer builds and tests on it), so each table records which other processes used CPU
/// during its measurements: CPU time of every process that is neither this harness nor one of
/// its descendants, read from /proc at <see cref="Begin"/> and <see cref="End"/>. Idle build
/// servers cost nothing and are not counted; a running test suite is. Kernel threads are counted
/// apart: on this VM they are mostly the run's own work (ext4 and writeback flushing its journals
/// and results files, page reclaim) and the hypervisor's housekeeping, not another workload, so
/// they are reported beside the verdict instead of deciding it.
/// </summary>
public sealed class Quietness
{
    /// <summary>A process that used more than this share of one core during a window was competing.</summary>
    private const double NoisyCoreShare = 0.05;

    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    private const long KernelThreadFlag = 0x00200000; // PF_KTHREAD in /proc/<pid>/stat's flags

    private readonly Dictionary<string, double> _noise = new();
    private Dictionary<int, (string Name, bool Kernel, long Ticks)> _start = new();
    private double _kernelShare;
    private DateTime _startedAt;
    private double _maxLoad;

    public void Begin()
    {
        // The measurements before this one leave dirty pages (journals, results files) that the
        // kernel's writeback threads would flush during this one, on the same two cores: flush
        // them now, outside the window.
        sync();
        _start = CpuTicksOfOthers();
        _startedAt = DateTime.UtcNow;
        _maxLoad = Math.Max(_maxLoad, LoadAverage());
    }

    public void End()
    {
        var seconds = Math.Max((DateTime.UtcNow - _startedAt).TotalSeconds, 0.001);
        _maxLoad = Math.Max(_maxLoad, LoadAverage());
        var kernel = 0.0;
        foreach (var (pid, (name, isKernel, ticks)) in CpuTicksOfOthers())
        {
            // A kernel worker renames itself with its work item: the same pid is the same thread.
            var before = _start.TryGetValue(pid, out var s) && (s.Kernel || s.Name == name) ? s.Ticks : 0;
            var share = (ticks - before) / TicksPerSecond / seconds;
            if (isKernel)
                kernel += share;
            else if (share > NoisyCoreShare)
                _noise[name] = Math.Max(_noise.GetValueOrDefault(name), share);
        }
        _kernelShare = Math.Max(_kernelShare, kernel);
    }

    public bool IsQuiet => _noise.Count == 0;

    /// <summary>One line for RESULTS.md.</summary>
    public string Describe() => (IsQuiet
        ? $"quiet: no other process used more than {NoisyCoreShare:P0} of a core while this was measured (1-min load average up to {_maxLoad:F2}, this harness included)"
        : "NOT quiet: " + string.Join(", ", _noise.OrderByDescending(n => n.Value).Take(6)
              .Select(n => $"{n.Key} used {n.Value:P0} of a core"))
          + $" while this was measured (1-min load average up to {_maxLoad:F2}); treat these figures as provisional")
        + $"; kernel threads (this run's own disk writes, reclaim, the VM's housekeeping) used up to {_kernelShare:P0} of a core";

    public static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>CPU ticks (user + system) of every process that is not this harness or its descendant, and whether it is a kernel thread.</summary>
    private static Dictionary<int, (string Name, bool Kernel, long Ticks)> CpuTicksOfOthers()
    {
        var stats = new Dictionary<int, (string Name, int Parent, bool Kernel, long Ticks)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var open = stat.IndexOf('(');
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                // Fields after the name: state(0) ppid(1) ... flags(6) ... utime(11) stime(12)
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                var kernel = (long.Parse(fields[6], CultureInfo.InvariantCulture) & KernelThreadFlag) != 0;
                stats[pid] = (Describe(pid, stat[(open + 1)..close]), int.Parse(fields[1], CultureInfo.InvariantCulture), kernel, ticks);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while we looked.
            }
        }

        var self = Environment.ProcessId;
        var others = new Dictionary<int, (string, bool, long)>();
        foreach (var (pid, (name, _, kernel, ticks)) in stats)
            if (!IsSelfOrDescendant(pid, self, stats)) others[pid] = (name, kernel, ticks);
        return others;
    }

    private static bool IsSelfOrDescendant(int pid, int self, Dictionary<int, (string Name, int Parent, bool Kernel, long Ticks)> stats)
    {
        for (var depth = 0; depth < 32 && pid > 1; depth++)
        {
            if (pid == self) return true;
            if (!stats.TryGetValue(pid, out var s)) return false;
            pid = s.Parent;
        }
        return false;
    }

    /// <summary>"dotnet test" reads better than "dotnet": the command line's first words name it.</summary>
    private static string Describe(int pid, string comm)
    {
        try
        {
            var words = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(w => Path.GetFileName(w)).Take(2);
            var text = string.Join(' ', words);
            return text.Length == 0 ? comm : text.Length > 60 ? text[..57] + "..." : text;
        }
        catch (IOException)
        {
            return comm;
        }
    }

    [DllImport("libc", SetLastError = false)]
    private static extern void sync();
}
