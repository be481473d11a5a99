using System.Diagnostics;

namespace ActorFarm.Node.Execution.Trees;

/// <summary>
/// Knows which processes belong to each task of one farm, whatever became of their parents: a
/// task's descendants that called <c>setsid</c>, double-forked or were re-parented stay its own,
/// so timeout, cancellation and the task's end kill all of them, and the farm's end (also its
/// SIGKILL, through <see cref="FarmExitWatchdog"/>) kills every task process left.
/// </summary>
/// <remarks>
/// Two mechanisms, chosen once per farm: a cgroup v2 per task where the farm may create cgroups
/// (<see cref="CgroupTaskTrees"/>: the kernel keeps the membership, nothing can leave it), else
/// an environment marker per task found by scanning /proc (<see cref="MarkerTaskTrees"/>: any
/// user, but a process that clears its environment escapes it). See docs/design.md, "Process trees".
/// </remarks>
internal abstract class TaskTrees : IAsyncDisposable
{
    /// <summary>The strongest mechanism this process can use.</summary>
    public static TaskTrees Create() => CgroupTaskTrees.TryCreate(out _) ?? (TaskTrees)new MarkerTaskTrees();

    /// <summary>What the trees are kept by, for logs and tests.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Adjusts a task's start so that it and everything it starts belong to a new tree. Returns
    /// null with the reason when the task cannot start (the reason a failed exec would give).
    /// </summary>
    public abstract TaskTree? Contain(ProcessStartInfo startInfo, out string? error);

    /// <summary>Kills every process of every task of this farm and releases what the trees hold.</summary>
    public abstract ValueTask DisposeAsync();
}
