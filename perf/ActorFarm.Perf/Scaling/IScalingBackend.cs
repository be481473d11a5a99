namespace ActorFarm.Perf.Scaling;

/// <summary>One system the weak-scaling experiment runs: the farm in some shape, or a peer.</summary>
public interface IScalingBackend
{
    /// <summary>The series name in tables and plots.</summary>
    string System { get; }

    /// <summary>Null when it can run here; else why not and how to make it runnable.</summary>
    string? Unavailable();

    /// <summary>The largest slot count worth measuring here (a peer of one process per slot stops earlier).</summary>
    int MaxSlots { get; }

    /// <summary>The node counts this backend is measured at (1 for single-process systems).</summary>
    IReadOnlyList<int> NodeCounts { get; }

    /// <summary>Runs the plan's tasks on <paramref name="nodes"/> nodes with <see cref="DurationPlan.Slots"/> slots in all.</summary>
    Task<ScalingPoint> RunAsync(DurationPlan plan, int nodes, string workDirectory, CancellationToken cancellationToken);
}
