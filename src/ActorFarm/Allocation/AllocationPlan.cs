namespace ActorFarm.Allocation;

/// <summary>
/// The allocation queue's rules, as plain functions over a <see cref="QueueState"/>: what a poll's
/// reading of SLURM and of the farm means for each allocation (<see cref="Observe"/>), then whether
/// to submit one more and which to release (<see cref="Decide"/>). No I/O, so the rules are
/// tested without SLURM or an actor system.
/// </summary>
internal static class AllocationPlan
{
    // squeue's states of a job that still holds, or will hold, nodes. Everything else (COMPLETED,
    // CANCELLED, TIMEOUT, NODE_FAIL, FAILED, PREEMPTED, BOOT_FAIL, ...) or no line at all: ended.
    private static readonly HashSet<string> LiveStates = new(StringComparer.Ordinal)
    {
        "PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED",
        "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD",
    };

    // Allocations whose nodes are not there yet: they will add capacity, so they hold back the next.
    private static readonly HashSet<string> WaitingStates = new(StringComparer.Ordinal)
    {
        "SUBMITTED", "PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED",
    };

    /// <summary>What a poll found that the journal must record.</summary>
    public sealed record Observation(string[] Adopted, (string JobId, string State)[] Ended);

    /// <summary>
    /// Updates each tracked allocation from squeue's <paramref name="slurm"/> listing (asked for at
    /// <paramref name="listedAt"/>) and the farm's <paramref name="demand"/>. Returns the allocations
    /// of this queue that squeue lists but the queue did not know (submitted just before a restart
    /// of the coordinator, so never journaled: adopted, not submitted again) and those that ended.
    /// </summary>
    public static Observation Observe(QueueState queue, IReadOnlyDictionary<string, (string Name, string State)> slurm,
        DateTimeOffset listedAt, FarmDemand demand, DateTimeOffset now)
    {
        var adopted = slurm
            .Where(job => job.Value.Name == queue.JobName && LiveStates.Contains(job.Value.State) && !queue.Allocations.ContainsKey(job.Key))
            .Select(job => job.Key)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var ended = new List<(string, string)>();
        foreach (var allocation in queue.Allocations.Values)
        {
            if (!slurm.TryGetValue(allocation.JobId, out var listed))
            {
                // squeue was asked before sbatch returned this one: not listed yet, not ended.
                if (allocation.SubmittedAt < listedAt) ended.Add((allocation.JobId, "GONE"));
                continue;
            }
            if (!LiveStates.Contains(listed.State))
            {
                ended.Add((allocation.JobId, listed.State));
                continue;
            }
            allocation.State = listed.State;
            if (listed.State == "RUNNING") allocation.RunningSince ??= now;
            var nodes = demand.NodesByAllocation.GetValueOrDefault(allocation.JobId);
            allocation.Nodes = nodes?.Nodes ?? 0;
            allocation.BusySlots = nodes?.BusySlots ?? 0;
            if (allocation.Nodes == 0 || allocation.BusySlots > 0)
                allocation.IdleSince = null;
            else
                allocation.IdleSince ??= now;
        }
        return new Observation(adopted, ended.ToArray());
    }

    /// <summary>What to do for one queue after <see cref="Observe"/>.</summary>
    public sealed record Decision(bool Submit, (string JobId, string Reason)[] Release);

    public static Decision Decide(QueueState queue, FarmDemand demand, DateTimeOffset now, AllocationSettings settings)
    {
        var release = new List<(string, string)>();
        foreach (var allocation in queue.Allocations.Values.Where(a => a is { State: "RUNNING", Releasing: false }))
        {
            if (allocation.IdleSince is { } idle && now - idle >= queue.Spec.IdleTimeout)
                release.Add((allocation.JobId, $"its nodes ran nothing for {Format(queue.Spec.IdleTimeout)}"));
            else if (allocation is { Nodes: 0, RunningSince: { } running } && now - running >= settings.StartTimeout)
                release.Add((allocation.JobId, $"no node of it joined the farm within {Format(settings.StartTimeout)} of its start"));
        }

        var starting = queue.Allocations.Values.Count(a => !a.Releasing && IsStarting(a, queue.Spec.NodesPerAllocation, now, settings))
            + (queue.Submitting ? 1 : 0);
        var submit = demand.Complete
            && demand.WaitingSlots > demand.FreeSlots
            && !queue.Submitting
            && now >= queue.RetryAfter
            && starting < queue.Spec.Backlog
            && queue.NodesInUse + queue.Spec.NodesPerAllocation <= queue.Spec.MaxNodes;
        return new Decision(submit, release.ToArray());
    }

    /// <summary>Submitted and not running yet, or running without all its nodes registered (for a while).</summary>
    private static bool IsStarting(TrackedAllocation allocation, int nodesPerAllocation, DateTimeOffset now, AllocationSettings settings) =>
        WaitingStates.Contains(allocation.State)
        || (allocation is { State: "RUNNING", RunningSince: { } running } && allocation.Nodes < nodesPerAllocation
            && now - running < settings.StartTimeout);

    public static string Format(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0.#} h" : span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalSeconds:0} s";
}
