using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Event;

namespace ActorFarm.Coordinator;

// max-fails: a job whose failed tasks reach the limit stops itself the way a cancellation stops
// it (one path, one event: JobCancelled, with the limit), so nothing new starts, running tasks are
// killed, what finished is kept and the results file is written. Journaled, so a recovered job
// that had stopped stays stopped; a rerun resumes it (JobEntity.Rerun.cs).
internal sealed partial class JobEntity
{
    /// <summary>
    /// Stops the job once the tasks that failed for good in this run (counted as their results
    /// arrive; they are journaled before the stop) reach <c>max-fails</c>. A job whose every task
    /// already has its result finishes instead: there is nothing left to stop.
    /// </summary>
    private void StopIfTooManyFailed()
    {
        if (_spec?.MaxFails is not { } limit || _failed < limit || _phase != JobPhase.Running || _cancelRequested is not null) return;
        if (_succeeded + _failed >= _spec.TaskCount) return;
        _log.Info("Job {0}: {1} tasks failed, max-fails = {2}: stopping the job", _jobId, _failed, limit);
        RequestCancel(MaxFailsReason(limit), ActorRefs.Nobody, limit);
    }

    /// <summary>The reason a job stopped by its max-fails gives (status, summary, journal).</summary>
    internal static string MaxFailsReason(int limit) => $"stopped after {limit} failed tasks (max-fails = {limit})";
}
