using ActorFarm.Protocol;

namespace ActorFarm.Persistence;

/// <summary>Events of the allocation queues (persistence id <c>allocation-queues</c>).</summary>
internal interface IAllocationEvent : IJournalEvent;

/// <summary>
/// A queue was created. <paramref name="Key"/> is unique to it and names its allocations in SLURM
/// (<c>--job-name=actorfarm-&lt;key&gt;</c>), so that after a restart the queue finds its allocations in
/// <c>squeue</c> even if it never journaled one (the coordinator stopped between sbatch and the journal).
/// </summary>
internal sealed record AllocationQueueCreated(int QueueId, string Key, AllocationQueueSpec Spec, DateTimeOffset At) : IAllocationEvent;

internal sealed record AllocationQueueDeleted(int QueueId, DateTimeOffset At) : IAllocationEvent;

/// <summary>sbatch accepted an allocation of the queue (or squeue showed one the journal missed).</summary>
internal sealed record AllocationSubmitted(int QueueId, string JobId, DateTimeOffset At) : IAllocationEvent;

/// <summary>SLURM no longer lists the allocation, or shows it ended in <paramref name="State"/>.</summary>
internal sealed record AllocationEnded(int QueueId, string JobId, string State, DateTimeOffset At) : IAllocationEvent;
