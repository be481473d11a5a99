using Akka.Actor;

namespace ActorFarm.Protocol;

/// <summary>
/// The job directory (a cluster singleton) knows which jobs are active and their priorities,
/// and tells every registered node. Nodes then pull from the jobs directly.
/// </summary>
public interface IDirectoryMessage : IWireMessage;

/// <summary>A node supervisor registers; the directory answers with <see cref="ActiveJobs"/> now and on every change.</summary>
public sealed record RegisterNode(IActorRef Node, string NodeName, int Slots) : IDirectoryMessage;

/// <summary>The active jobs, highest priority first.</summary>
public sealed record ActiveJobs(ActiveJob[] Jobs) : IDirectoryMessage;

/// <summary>An active job; <paramref name="Incarnation"/> is that of its entity (see <see cref="TaskBatch"/>).</summary>
public sealed record ActiveJob(string JobId, string Name, int Priority, string Incarnation);

/// <summary>A job entity has pending work (sent on acceptance and after every recovery, with its new incarnation).</summary>
public sealed record JobActivated(string JobId, string Name, int Priority, string Incarnation) : IDirectoryMessage;

/// <summary>A job ended (finished or cancelled).</summary>
public sealed record JobDeactivated(string JobId, JobPhase Phase) : IDirectoryMessage;

/// <summary>Replies <see cref="JobList"/>: every job the directory has seen, newest first.</summary>
public sealed record ListJobs : IDirectoryMessage
{
    public static readonly ListJobs Instance = new();
}

public sealed record JobList(JobListEntry[] Jobs) : IDirectoryMessage;

public sealed record JobListEntry(string JobId, string Name, int Priority, JobPhase Phase, DateTimeOffset RegisteredAt);
