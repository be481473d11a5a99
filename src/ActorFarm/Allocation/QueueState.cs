using ActorFarm.Protocol;

namespace ActorFarm.Allocation;

/// <summary>
/// One allocation queue's state, plain data the <see cref="AllocationQueues"/> actor owns: the
/// journaled part (spec, key, allocations not yet ended) and what the last polls observed (SLURM
/// states, registered nodes, idleness, sbatch failures), which a restart reads again from SLURM.
/// </summary>
internal sealed class QueueState(int id, string key, AllocationQueueSpec spec)
{
    public int Id { get; } = id;
    public string Key { get; } = key;
    public AllocationQueueSpec Spec { get; } = spec;
    public string JobName { get; } = SlurmCli.JobNameOf(key);

    /// <summary>Allocations submitted and not yet seen ended, by SLURM job id.</summary>
    public Dictionary<string, TrackedAllocation> Allocations { get; } = new(StringComparer.Ordinal);

    /// <summary>An sbatch of this queue is running now: it counts as a starting allocation.</summary>
    public bool Submitting { get; set; }

    /// <summary>sbatch failures in a row, the last one's message, and when to try again.</summary>
    public int Failures { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset RetryAfter { get; set; }

    /// <summary>Nodes the queue's live allocations hold or will hold.</summary>
    public int NodesInUse => Allocations.Count * Spec.NodesPerAllocation;

    public AllocationQueueView View(DateTimeOffset now) => new(Id, Spec,
        Allocations.Values.OrderBy(a => a.SubmittedAt)
            .Select(a => new AllocationView(a.JobId, a.State, a.Nodes, a.BusySlots, a.SubmittedAt))
            .ToArray(),
        Failures > 0 && RetryAfter > now ? $"sbatch failed ({LastError}); trying again at {RetryAfter:HH:mm:ss}" : null);
}

/// <summary>One allocation of a queue, as the last poll saw it.</summary>
internal sealed class TrackedAllocation(string jobId, DateTimeOffset submittedAt)
{
    public string JobId { get; } = jobId;
    public DateTimeOffset SubmittedAt { get; } = submittedAt;

    /// <summary>SLURM's state (squeue %T); SUBMITTED until the first poll after sbatch.</summary>
    public string State { get; set; } = "SUBMITTED";

    public DateTimeOffset? RunningSince { get; set; }

    /// <summary>Since when every registered node of it has run nothing (null: busy, or no node yet).</summary>
    public DateTimeOffset? IdleSince { get; set; }

    public int Nodes { get; set; }
    public int BusySlots { get; set; }

    /// <summary>A cancel was asked for (idle, or the queue removed): never released twice.</summary>
    public bool Releasing { get; set; }
}
