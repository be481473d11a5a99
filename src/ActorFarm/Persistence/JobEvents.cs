using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Persistence;

/// <summary>Events of one job entity (persistence id <c>job-&lt;id&gt;</c>).</summary>
internal interface IJobEvent : IJournalEvent;

/// <summary>The job was accepted; its spec is the whole description of its tasks.</summary>
internal sealed record JobAccepted(string JobId, JobSpec Spec, DateTimeOffset At) : IJobEvent;

/// <summary>
/// Final results of many tasks, written as one event (one journal row) so the journal's
/// per-write cost is shared by the whole batch. A task appears in exactly one such event.
/// </summary>
internal sealed record TaskResultsRecorded(TaskRecord[] Results) : IJobEvent;

/// <summary>Every task has a final result.</summary>
internal sealed record JobFinished(long Succeeded, long Failed, DateTimeOffset At) : IJobEvent;

/// <summary>
/// The job was cancelled; unfinished tasks will not run. By a user, or by the job itself when its
/// failed tasks reached its <c>max-fails</c>: then <paramref name="MaxFails"/> is that limit (absent
/// in rows written before the key existed: a user's cancellation), and a rerun may resume the job.
/// </summary>
internal sealed record JobCancelled(string Reason, DateTimeOffset At, int? MaxFails = null) : IJobEvent;

/// <summary>
/// A rerun: the tasks of the finished job that <paramref name="Selection"/> picks run again. A rule,
/// not a list, so it stays one small row for millions of tasks: it means "every task whose latest
/// result journaled before this event is not a success" (<see cref="RerunSelection.Failed"/>).
/// Written before any of them is leased again; the job is running from here until its next
/// <see cref="JobFinished"/> or <see cref="JobCancelled"/>. The earlier results stay in the journal.
/// </summary>
internal sealed record TasksReopened(RerunSelection Selection, DateTimeOffset At) : IJobEvent;

/// <summary>
/// Snapshot of a job: which indices are final (one bit each) and the counters. Recovery then
/// replays only the events after it. <paramref name="Reruns"/> and <paramref name="RerunSequenceNr"/>
/// (absent in snapshots of earlier versions: 0) carry the latest <see cref="TasksReopened"/>;
/// <paramref name="DurationCounts"/> and <paramref name="RecentFailures"/> (absent before: empty)
/// the job's insights (<c>Coordinator/JobInsights</c>), which replay after it could not rebuild.
/// <paramref name="RerunResumesUnrun"/> (absent before: false): the latest rerun also runs the
/// tasks that never ran, because it resumes a job stopped by its <c>max-fails</c>.
/// <paramref name="DurationTicks"/> (absent before: unknown) sums the durations the histogram
/// counts, for the mean behind the ETA.
/// </summary>
internal sealed record JobSnapshot(
    string JobId,
    JobSpec Spec,
    JobPhase Phase,
    DateTimeOffset AcceptedAt,
    DateTimeOffset? EndedAt,
    long Succeeded,
    long Failed,
    ulong[] CompletedBits,
    int Reruns = 0,
    long RerunSequenceNr = 0,
    long[]? DurationCounts = null,
    TaskRecord[]? RecentFailures = null,
    bool RerunResumesUnrun = false,
    long? DurationTicks = null) : IJobEvent;
