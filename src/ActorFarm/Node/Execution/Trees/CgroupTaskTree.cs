namespace ActorFarm.Node.Execution.Trees;

/// <summary>One task's cgroup: whatever runs in it is the task's, however it was re-parented.</summary>
internal sealed class CgroupTaskTree(string directory) : TaskTree
{
    private static readonly TimeSpan EmptyingLimit = TimeSpan.FromSeconds(10);

    public override void Kill() => WriteKill(directory);

    public override async Task EndAsync(Task outputClosed)
    {
        // Usually nothing is left and this is one read and one rmdir.
        if (IsPopulated(directory))
        {
            WriteKill(directory);
            await AwaitEmptyAsync(directory, EmptyingLimit).ConfigureAwait(false);
        }
        // A cgroup that does not empty in time (a process stuck in the kernel) stays; the farm's
        // end removes it with the farm's cgroup, or the next farm does (abandoned cgroups).
        CgroupTaskTrees.TryRemove(directory);
    }

    /// <summary>SIGKILLs every process in the cgroup and its descendants (kernel 5.14+). Never throws.</summary>
    internal static void WriteKill(string cgroup)
    {
        try
        {
            File.WriteAllText(Path.Combine(cgroup, "cgroup.kill"), "1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Already removed, or never created.
        }
    }

    /// <summary>Waits (without blocking a thread) until no process is left in the cgroup, at most <paramref name="limit"/>.</summary>
    internal static async Task AwaitEmptyAsync(string cgroup, TimeSpan limit)
    {
        // SIGKILL is delivered at once but a process leaves its cgroup only when it has exited.
        var delay = TimeSpan.FromMilliseconds(1);
        var deadline = DateTime.UtcNow + limit;
        while (IsPopulated(cgroup) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(delay).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 100));
        }
    }

    /// <summary>Whether a live process is in the cgroup or below (zombies have already left it).</summary>
    private static bool IsPopulated(string cgroup)
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(cgroup, "cgroup.events")))
                if (line.StartsWith("populated ", StringComparison.Ordinal)) return line.EndsWith('1');
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
