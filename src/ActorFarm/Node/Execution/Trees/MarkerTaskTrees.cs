using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ActorFarm.Node.Execution.Trees;

/// <summary>
/// Trees kept by an environment variable, <c>ACTORFARM_TASK_TREE=&lt;farm&gt;/&lt;n&gt;</c>, which
/// every descendant inherits whatever its parent or session: killing a tree is SIGKILLing every
/// process whose /proc/PID/environ holds the task's value, round after round until a scan
/// finds none (a process forked during a round is found by the next). Works for any user and
/// any kernel; a descendant that clears or rewrites its environment escapes it, and a process
/// of another user cannot be read (the cgroup mechanism has neither gap).
/// </summary>
internal sealed class MarkerTaskTrees : TaskTrees
{
    public const string Variable = "ACTORFARM_TASK_TREE";

    private readonly string _farm = $"{Environment.ProcessId}-{Random.Shared.Next():x8}";
    private readonly FarmExitWatchdog? _watchdog;
    private long _serial;
    private int _disposed;

    private readonly string? _whyNotCgroups;

    /// <param name="whyNotCgroups">Why the stronger cgroup mechanism is not used, when it was tried.</param>
    public MarkerTaskTrees(string? whyNotCgroups = null)
    {
        _whyNotCgroups = whyNotCgroups;
        _watchdog = FarmExitWatchdog.Start(WatchdogScript, _farm);
    }

    /// <summary>This farm's part of every marker value.</summary>
    internal string Farm => _farm;

    public override string Description =>
        $"environment markers {Variable}={_farm}/…" + (_whyNotCgroups is null ? "" : $" (no cgroup per task: {_whyNotCgroups})");

    public override TaskTree Contain(ProcessStartInfo startInfo, out string? error)
    {
        var value = _farm + "/" + Interlocked.Increment(ref _serial).ToString(CultureInfo.InvariantCulture);
        startInfo.Environment[Variable] = value;
        error = null;
        return new MarkerTaskTree(Encoding.UTF8.GetBytes(Variable + "=" + value + "\0"));
    }

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return ValueTask.CompletedTask;
        KillMarked(Encoding.UTF8.GetBytes(Variable + "=" + _farm + "/"));
        _watchdog?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Once the farm is gone: the same scan, in the shell. $0 is the farm's marker.</summary>
    internal const string WatchdogScript = """
        i=0
        while [ $i -lt 20 ]; do
          found=
          for e in /proc/[0-9]*/environ; do
            if grep -qsz "^ACTORFARM_TASK_TREE=$0/" "$e"; then p=${e#/proc/}; kill -9 "${p%/environ}" 2>/dev/null && found=1; fi
          done
          [ -n "$found" ] || break
          i=$((i + 1))
        done
        """;

    private const int MaxRounds = 50;

    /// <summary>
    /// SIGKILLs, round after round, every process whose environment has an entry starting with
    /// <paramref name="entryPrefix"/> (an entry ending in NUL matches one task exactly).
    /// </summary>
    internal static void KillMarked(byte[] entryPrefix)
    {
        for (int round = 0; round < MaxRounds; round++)
        {
            var signalled = 0;
            foreach (var pid in LinuxProcesses.AllPids())
                if (HasEntry(pid, entryPrefix) && LinuxProcesses.KillHard(pid)) signalled++;
            if (signalled == 0) return;
        }
    }

    private static bool HasEntry(int pid, byte[] entryPrefix)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int length = 0;
            using (var handle = File.OpenHandle($"/proc/{pid}/environ")) // empty for zombies
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan().CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    var read = RandomAccess.Read(handle, buffer.AsSpan(length), length);
                    if (read == 0) break;
                    length += read;
                }
            }
            ReadOnlySpan<byte> environment = buffer.AsSpan(0, length);
            for (int offset = 0; ;)
            {
                var at = environment[offset..].IndexOf(entryPrefix);
                if (at < 0) return false;
                at += offset;
                if (at == 0 || environment[at - 1] == 0) return true;
                offset = at + 1;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // gone, or another user's
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
