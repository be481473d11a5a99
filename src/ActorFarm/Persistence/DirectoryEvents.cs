using ActorFarm.Protocol;

namespace ActorFarm.Persistence;

/// <summary>Events of the job directory (persistence id <c>job-directory</c>).</summary>
internal interface IDirectoryEvent : IJournalEvent;

/// <summary>A new job; <paramref name="Handler"/> is the in-process handler its tasks need (null: a process job, or a journal from before it was recorded).</summary>
// Cpus added with the job's cpus key: rows written before it read as 1, what every job took then.
internal sealed record JobRegistered(string JobId, string Name, int Priority, DateTimeOffset At, string? Handler = null, int Cpus = 1)
    : IDirectoryEvent;

internal sealed record JobClosed(string JobId, JobPhase Phase, DateTimeOffset At) : IDirectoryEvent;
