namespace ActorFarm.Protocol;

/// <summary>
/// Commands and queries for the farm's allocation queues (automatic SLURM allocations), handled
/// by the <c>AllocationQueues</c> singleton on the coordinator role, reached through the gateway.
/// </summary>
internal interface IAllocationMessage : IWireMessage;

/// <summary>Creates a queue. Replies <see cref="AllocationQueueAdded"/>.</summary>
internal sealed record AddAllocationQueue(AllocationQueueSpec Spec) : IAllocationMessage;

/// <summary>The queue's number (what <c>actorfarm alloc list</c> shows and <c>remove</c> takes).</summary>
public sealed record AllocationQueueAdded(int QueueId) : IWireMessage;

/// <summary>
/// Removes a queue: it submits nothing more and cancels its allocations (their running tasks go
/// back to their jobs unrun). Replies <see cref="AllocationQueueRemoved"/>.
/// </summary>
internal sealed record RemoveAllocationQueue(int QueueId) : IAllocationMessage;

/// <summary><paramref name="Error"/> says why nothing was removed (no such queue).</summary>
public sealed record AllocationQueueRemoved(int QueueId, string[] CancelledAllocations, string? Error = null) : IWireMessage;

/// <summary>Replies <see cref="AllocationQueueList"/>.</summary>
internal sealed record ListAllocationQueues : IAllocationMessage
{
    public static readonly ListAllocationQueues Instance = new();
}

internal sealed record AllocationQueueList(AllocationQueueView[] Queues) : IWireMessage;

/// <summary>
/// What a queue asks of SLURM. Each allocation has <paramref name="NodesPerAllocation"/> nodes for
/// <paramref name="TimeLimit"/>; the queue's allocations together never hold more than
/// <paramref name="MaxNodes"/> nodes, and at most <paramref name="Backlog"/> of them wait in SLURM's
/// queue at once. An allocation whose nodes ran nothing for <paramref name="IdleTimeout"/> is
/// released. <paramref name="SbatchArguments"/> are passed to <c>sbatch</c> as given (partition,
/// account, …); <paramref name="WorkerScript"/> is the batch script that starts the worker nodes,
/// run with <paramref name="Environment"/> added to the coordinator's (where the program and the
/// access file are), in <paramref name="WorkingDirectory"/>.
/// </summary>
public sealed record AllocationQueueSpec(
    int MaxNodes,
    int NodesPerAllocation,
    TimeSpan TimeLimit,
    TimeSpan IdleTimeout,
    int Backlog,
    string[] SbatchArguments,
    string WorkerScript,
    string WorkingDirectory,
    Dictionary<string, string> Environment,
    string Name = "");

/// <summary>
/// One queue as the coordinator sees it: <paramref name="Paused"/> says why it submits nothing for
/// now (sbatch failed: it backs off), null when nothing holds it back.
/// </summary>
public sealed record AllocationQueueView(int QueueId, AllocationQueueSpec Spec, AllocationView[] Allocations, string? Paused);

/// <summary>
/// One allocation of a queue: SLURM's job id, its state as SLURM names it (PENDING, RUNNING,
/// COMPLETING; gone once SLURM forgets it), the farm nodes it contributes now and when it was submitted.
/// </summary>
public sealed record AllocationView(string JobId, string State, int Nodes, int BusySlots, DateTimeOffset SubmittedAt);
