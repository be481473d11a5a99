using Akka.Actor;

namespace ActorFarm.Protocol;

/// <summary>
/// The job directory (a cluster singleton) knows which jobs are active and their priorities,
/// and tells every registered node. Nodes then pull from the jobs directly.
/// </summary>
internal interface IDirectoryMessage : IWireMessage;

/// <summary>
/// A node supervisor registers, and again every <c>register-interval</c> as its heartbeat; the
/// directory answers with <see cref="ActiveJobs"/> each time and on every change.
/// <paramref name="Handlers"/> names the in-process handlers the node can run (null: the node does
/// not say, e.g. a host with its own executor, and is taken to run any); <paramref name="Busy"/>
/// is how many of its slots run a task now (the farm overview's busy slots); <paramref name="Allocation"/>
/// the SLURM job the node runs in (<c>actorfarm.node.allocation</c>), null outside SLURM: an
/// allocation queue releases an allocation by what its nodes report.
/// </summary>
internal sealed record RegisterNode(IActorRef Node, string NodeName, int Slots, string[]? Handlers = null, int Busy = 0,
    string? Allocation = null) : IDirectoryMessage;

/// <summary>The active jobs, highest priority first.</summary>
internal sealed record ActiveJobs(ActiveJob[] Jobs) : IDirectoryMessage;

/// <summary>
/// An active job; <paramref name="Incarnation"/> is that of its entity (see <see cref="TaskBatch"/>).
/// <paramref name="Handler"/> is the in-process handler its tasks need (null: a process job, which
/// every worker node runs), so a node that lacks it never asks the job for tasks.
/// <paramref name="Cpus"/> is the slots each of its tasks takes (<c>cpus</c>): a node with fewer
/// never asks it, and one with more counts its credits in slots before it knows the spec.
/// </summary>
internal sealed record ActiveJob(string JobId, string Name, int Priority, string Incarnation, string? Handler = null, int Cpus = 1);

/// <summary>
/// A job entity has pending work (sent on acceptance and after every recovery, with its new
/// incarnation, the handler its tasks need, null for a process job, and the slots each task takes).
/// </summary>
internal sealed record JobActivated(string JobId, string Name, int Priority, string Incarnation, string? Handler = null, int Cpus = 1)
    : IDirectoryMessage;

/// <summary>
/// The directory's answer to <see cref="JobActivated"/>: the job is recorded as active. The entity
/// announces itself again every <c>announce-retry</c> until it hears this for its incarnation.
/// </summary>
internal sealed record JobActivationRecorded(string JobId, string Incarnation) : IDirectoryMessage;

/// <summary>A job ended (finished or cancelled).</summary>
internal sealed record JobDeactivated(string JobId, JobPhase Phase) : IDirectoryMessage;

/// <summary>Replies <see cref="JobList"/>: every job the directory has seen, newest first.</summary>
internal sealed record ListJobs : IDirectoryMessage
{
    public static readonly ListJobs Instance = new();
}

internal sealed record JobList(JobListEntry[] Jobs) : IDirectoryMessage;

/// <summary>
/// A job the directory knows. <paramref name="Waiting"/> says why a running job cannot make
/// progress (e.g. "no node has handler 'render'", "no node has 8 slots"); null when nothing holds it
/// back. <paramref name="Cpus"/> is the slots each of its tasks takes on a node (<c>cpus</c>).
/// </summary>
public sealed record JobListEntry(string JobId, string Name, int Priority, JobPhase Phase, DateTimeOffset RegisteredAt,
    string? Handler = null, string? Waiting = null, int Cpus = 1);
