using ActorFarm.Results.Files;
using ActorFarm.Manifest;

namespace ActorFarm.Protocol;

/// <summary>Commands from clients (CLI, embedding services) to one job entity.</summary>
internal interface IJobCommand : IWithJobId;

/// <summary>
/// Accept a job. Idempotent: the id is derived from the spec (<see cref="JobIds"/>), so submitting
/// the same manifest again reaches the same entity, which resumes instead of starting over.
/// Replies <see cref="JobSubmitted"/>.
/// </summary>
internal sealed record SubmitJob(string JobId, JobSpec Spec) : IJobCommand;

/// <summary>Reply to <see cref="SubmitJob"/>; <paramref name="Resumed"/> is true when the job already existed.</summary>
public sealed record JobSubmitted(string JobId, bool Resumed, JobStatusReport Status) : IWireMessage;

/// <summary>
/// Replies <see cref="JobStatusReport"/> (phase <see cref="JobPhase.Unknown"/> for an unknown id).
/// With <paramref name="HoldUpTo"/>, a job that has not settled holds the reply until it settles
/// or that time has passed, whichever comes first: a watcher (long polling) hears the end at once
/// instead of up to a poll interval later.
/// </summary>
internal sealed record GetJobStatus(string JobId, TimeSpan? HoldUpTo = null) : IJobCommand;

/// <summary>Stops handing out tasks, kills running ones and persists the cancellation. Replies <see cref="JobStatusReport"/>.</summary>
internal sealed record CancelJob(string JobId, string Reason) : IJobCommand;

/// <summary>
/// A snapshot of one job's counters, cheap to build (O(1)). <paramref name="Fault"/> says what
/// keeps the job from going on (its journal fails: "journal: disk full at /x/journal.db");
/// <paramref name="Halted"/> that it has lasted past the give-up limit, so a client stops waiting.
/// <paramref name="Reruns"/> counts the reruns of the job (<see cref="RerunJob"/>);
/// <paramref name="RerunSequenceNr"/> is the journal position of the latest one: a result journaled
/// before it that is not a success was superseded by the rerun (see <see cref="GetResults"/>).
/// <paramref name="EndReason"/> says why a cancelled job ended: the reason its canceller gave, or
/// "stopped after N failed tasks (max-fails = N)" when its failures stopped it; null otherwise.
/// <paramref name="MeanTaskDuration"/> is the mean duration of the job's tasks with a final result
/// (null before the first): with <see cref="Pending"/> and <see cref="Running"/>, what the time
/// left is estimated from.
/// </summary>
public sealed record JobStatusReport(
    string JobId,
    string Name,
    JobPhase Phase,
    long Total,
    long Succeeded,
    long Failed,
    long Running,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? EndedAt,
    string? ResultsFile,
    string? ResultsError = null,
    string? Fault = null,
    bool Halted = false,
    int Reruns = 0,
    long RerunSequenceNr = 0,
    string? EndReason = null,
    TimeSpan? MeanTaskDuration = null) : IWireMessage
{
    /// <summary>Tasks with a final result, succeeded or failed.</summary>
    public long Done => Succeeded + Failed;

    /// <summary>Finished or cancelled.</summary>
    public bool HasEnded => Phase is JobPhase.Finished or JobPhase.Cancelled;

    /// <summary>
    /// Ended, and the results file is written (or writing it failed); or halted by a fault that
    /// lasted too long: nothing more will change until someone acts.
    /// </summary>
    public bool IsSettled => (HasEnded && (ResultsFile is not null || ResultsError is not null)) || Halted;
    /// <summary>Tasks neither done nor running.</summary>
    public long Pending => Math.Max(0, Total - Done - Running);

    /// <summary>The report for an id no job has (phase <see cref="JobPhase.Unknown"/>).</summary>
    public static JobStatusReport Unknown(string jobId) =>
        new(jobId, "", JobPhase.Unknown, 0, 0, 0, 0, null, null, null);
}
