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
    /// <summary>The values of <c>actorfarm.node.process-trees</c>.</summary>
    public const string AutoSetting = "auto", EnvironmentSetting = "environment";

    /// <summary>The strongest mechanism this process can use.</summary>
    public static TaskTrees Create() => CgroupTaskTrees.TryCreate(out var whyNot) ?? (TaskTrees)new MarkerTaskTrees(whyNot);

    /// <summary>How to make the trees for a value of <c>actorfarm.node.process-trees</c>.</summary>
    /// <exception cref="ArgumentException">Neither <see cref="AutoSetting"/> nor <see cref="EnvironmentSetting"/>.</exception>
    public static Func<TaskTrees> Factory(string setting) => setting switch
    {
        AutoSetting => Create,
        EnvironmentSetting => static () => new MarkerTaskTrees(),
        _ => throw new ArgumentException(
            $"actorfarm.node.process-trees must be '{AutoSetting}' or '{EnvironmentSetting}', not '{setting}'.", nameof(setting)),
    };

    /// <summary>What the trees are kept by (and why not by cgroups, if not), for the farm's log.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Adjusts a task's start so that it and everything it starts belong to a new tree. Returns
    /// null with the reason when the task cannot start (the reason a failed exec would give).
    /// </summary>
    public abstract TaskTree? Contain(ProcessStartInfo startInfo, out string? error);

    /// <summary>Kills every process of every task of this farm and releases what the trees hold.</summary>
    public abstract ValueTask DisposeAsync();
}
