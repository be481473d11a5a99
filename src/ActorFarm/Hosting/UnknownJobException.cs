using ActorFarm.Protocol;

namespace ActorFarm.Hosting;

/// <summary>
/// No job with this id is known to the farm: a mistyped id, or the id of a job journaled by
/// another farm (another state directory or database). Thrown by the <see cref="IFarmClient"/>
/// calls about one job (status, watch, cancel, rerun, results); nothing was changed. The CLI
/// prints its message as its one error line and exits with code 2 (bad input).
/// </summary>
public sealed class UnknownJobException(string jobId)
    : Exception($"no job '{jobId}' is known to this farm (`actorfarm status` lists its jobs)")
{
    /// <summary>The id that names no job.</summary>
    public string JobId { get; } = jobId;

    /// <summary>
    /// Whether a report says its job does not exist: phase unknown with no fault (a job whose
    /// journal cannot be read also reports phase unknown, with the fault: that one may well exist).
    /// </summary>
    internal static bool Names(JobStatusReport status) => status.Phase == JobPhase.Unknown && status.Fault is null;

    /// <summary>The report, unless it says its job does not exist.</summary>
    /// <exception cref="UnknownJobException">It does.</exception>
    internal static JobStatusReport ThrowIfUnknown(JobStatusReport status) =>
        Names(status) ? throw new UnknownJobException(status.JobId) : status;
}
