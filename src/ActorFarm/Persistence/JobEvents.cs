using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Persistence;

/// <summary>Events of one job entity (persistence id <c>job-&lt;id&gt;</c>).</summary>
public interface IJobEvent : IJournalEvent;

/// <summary>The job was accepted; its spec is the whole description of its tasks.</summary>
public sealed record JobAccepted(string JobId, JobSpec Spec, DateTimeOffset At) : IJobEvent;

/// <summary>
/// Final results of many tasks, written as one event (one journal row) so the journal's
/// per-write cost is shared by the whole batch. A task appears in exactly one such event.
/// </summary>
public sealed record TaskResultsRecorded(TaskRecord[] Results) : IJobEvent;

/// <summary>Every task has a final result.</summary>
public sealed record JobFinished(long Succeeded, long Failed, DateTimeOffset At) : IJobEvent;

/// <summary>A user cancelled the job; unfinished tasks will not run.</summary>
public sealed record JobCancelled(string Reason, DateTimeOffset At) : IJobEvent;

/// <summary>
/// Snapshot of a job: which indices are final (one bit each) and the counters. Recovery then
/// replays only the events after it.
/// </summary>
public sealed record JobSnapshot(
    string JobId,
    JobSpec Spec,
    JobPhase Phase,
    DateTimeOffset AcceptedAt,
    DateTimeOffset? EndedAt,
    long Succeeded,
    long Failed,
    ulong[] CompletedBits) : IJobEvent;
