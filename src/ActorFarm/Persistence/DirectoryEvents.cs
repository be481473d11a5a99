using ActorFarm.Protocol;

namespace ActorFarm.Persistence;

/// <summary>Events of the job directory (persistence id <c>job-directory</c>).</summary>
public interface IDirectoryEvent : IJournalEvent;

public sealed record JobRegistered(string JobId, string Name, int Priority, DateTimeOffset At) : IDirectoryEvent;

public sealed record JobClosed(string JobId, JobPhase Phase, DateTimeOffset At) : IDirectoryEvent;
