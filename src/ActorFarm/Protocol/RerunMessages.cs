namespace ActorFarm.Protocol;

/// <summary>Which finished tasks of a job a rerun runs again.</summary>
public enum RerunSelection
{
    /// <summary>Every task whose latest result is not a success (failed, timed out, failed to start, cancelled).</summary>
    Failed,
}

/// <summary>
/// Run again the tasks of a finished job that <paramref name="Selection"/> picks. The job goes back
/// to running; attempts continue from each task's last one; the earlier results stay in the
/// journal. Idempotent: asked again while that rerun runs, it answers that it runs. Replies
/// <see cref="JobRerun"/>.
/// </summary>
internal sealed record RerunJob(string JobId, RerunSelection Selection) : IJobCommand;

/// <summary>What a <see cref="RerunJob"/> did.</summary>
public enum RerunOutcome
{
    /// <summary>The tasks are reopened and run again; the job is running.</summary>
    Started,

    /// <summary>A rerun of this job is already running (asked twice, or resumed after a crash).</summary>
    AlreadyRunning,

    /// <summary>The job finished with no task to rerun (every task succeeded); nothing changed.</summary>
    NothingToRerun,

    /// <summary>The job cannot be rerun now: <see cref="JobRerun.Reason"/> says why.</summary>
    Refused,
}

/// <summary>
/// Reply to <see cref="RerunJob"/>. <paramref name="Reopened"/> is how many tasks run again (for
/// <see cref="RerunOutcome.Started"/>); <paramref name="Reason"/> is one sentence for
/// <see cref="RerunOutcome.Refused"/> (an unknown job, one still running, a cancelled one, a journal
/// that cannot be written).
/// </summary>
public sealed record JobRerun(string JobId, RerunOutcome Outcome, long Reopened, JobStatusReport Status, string? Reason = null)
    : IWireMessage;
