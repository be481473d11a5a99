using ActorFarm.Manifest;
using Akka.Actor;

namespace ActorFarm.Protocol;

/// <summary>
/// Pull-based dispatch between node supervisors and job entities. A node asks a job for as many
/// tasks as it has free slots plus a small prefetch; the job answers with a batch of leases;
/// results flow back in batches. Every message here carries many tasks, never one.
/// </summary>
internal interface IDispatchMessage : IWireMessage;

/// <summary>
/// Ask a job for up to <paramref name="Credits"/> tasks. <paramref name="NeedSpec"/> asks the job
/// to include its spec, which the node caches per job so batches stay small.
/// </summary>
internal sealed record RequestTasks(string JobId, IActorRef Node, string NodeName, int Credits, bool NeedSpec)
    : IDispatchMessage, IWithJobId;

/// <summary>
/// Leases granted to a node. <paramref name="Exhausted"/> says the job has nothing more to hand
/// out right now; the job remembers the node and sends <see cref="TasksAvailable"/> when it has.
/// <paramref name="Incarnation"/> names the life of the job entity that granted them (it changes
/// when the entity is recovered after a crash or moved), so a node can tell when to re-attach.
/// </summary>
internal sealed record TaskBatch(string JobId, string Incarnation, JobSpec? Spec, TaskLease[] Leases, bool Exhausted) : IDispatchMessage;

/// <summary>One task handed to a node: which index, and which attempt (1-based) this is.</summary>
internal readonly record struct TaskLease(long Index, int Attempt);

/// <summary>
/// Results of many tasks of one job from one node. <paramref name="BatchId"/> counts the node's
/// batches for the job (1, 2, …): the node keeps each batch until the job acknowledges it
/// (<see cref="ResultsAcknowledged"/>), and sends the unacknowledged ones again to a new
/// incarnation of the job, so results finished while the coordinator was down are not lost.
/// </summary>
internal sealed record TaskResults(string JobId, IActorRef Node, string NodeName, long BatchId, TaskResult[] Results)
    : IDispatchMessage, IWithJobId;

/// <summary>
/// Every result of these batches of the node is journaled (or was not needed): the node may
/// forget them. <paramref name="BatchIds"/> names them exactly (null: only
/// <paramref name="UpToBatchId"/>, the highest). Never "everything up to": a batch lost on the way
/// (never received) must stay with the node, which sends it again.
/// </summary>
internal sealed record ResultsAcknowledged(string JobId, long UpToBatchId, long[]? BatchIds = null) : IDispatchMessage
{
    public bool Covers(long batchId) => BatchIds is null ? batchId == UpToBatchId : Array.IndexOf(BatchIds, batchId) >= 0;
}

/// <summary>
/// The outcome of one attempt. Output files are not named here: they follow from the job's
/// output spec and the index. <paramref name="Error"/> says why an attempt that did not succeed
/// failed (never set on a success); <paramref name="Message"/> is the handler's message, or a
/// runner's note on a success; <paramref name="Payload"/> is the handler's payload (UTF-8 JSON
/// when <paramref name="PayloadIsJson"/>, else raw bytes), null when it returned none.
/// </summary>
internal sealed record TaskResult(
    long Index,
    int Attempt,
    TaskOutcome Outcome,
    int? ExitCode,
    DateTimeOffset Started,
    DateTimeOffset Ended,
    string? Error = null,
    bool OutputTruncated = false,
    string? Message = null,
    byte[]? Payload = null,
    bool PayloadIsJson = false);

/// <summary>How one attempt of a task ended.</summary>
public enum TaskOutcome
{
    /// <summary>The process or handler exited with code 0.</summary>
    Succeeded,
    /// <summary>The process or handler exited with a non-zero code.</summary>
    Failed,
    /// <summary>The job's timeout passed; the process tree was killed (or the handler cancelled).</summary>
    TimedOut,
    /// <summary>The process could not be started (no such program, a working directory that does not exist).</summary>
    FailedToStart,
    /// <summary>The worker actor crashed while holding the task; the task is re-queued.</summary>
    WorkerCrashed,
    /// <summary>The node gave the lease back unrun (graceful leave); no attempt is used up.</summary>
    Returned,
    /// <summary>The node holding the lease left the cluster or died; the task is re-queued.</summary>
    Lost,
    /// <summary>The job was cancelled before the task ended.</summary>
    Cancelled,
}

/// <summary>
/// A node tells a job's new incarnation which of its leases it still holds (queued, running, or
/// finished with the result not yet sent), so they are not handed out again and their results
/// count: worker nodes that stayed up carry on through a coordinator crash.
/// </summary>
internal sealed record ReattachLeases(string JobId, string Incarnation, IActorRef Node, string NodeName, TaskLease[] Leases)
    : IDispatchMessage, IWithJobId;

/// <summary>Leases a node gives back without running them (graceful leave, cancelled job).</summary>
internal sealed record ReturnLeases(string JobId, IActorRef Node, TaskLease[] Leases) : IDispatchMessage, IWithJobId;

/// <summary>A job that had turned a node away has work again.</summary>
internal sealed record TasksAvailable(string JobId) : IDispatchMessage;

/// <summary>A job tells the nodes holding its leases to stop its tasks (cancelled job).</summary>
internal sealed record StopJobTasks(string JobId) : IDispatchMessage;
