namespace ActorFarm.Hosting;

/// <summary>
/// The farm could not accept a job: its first event could not be journaled (a full disk, a
/// database that does not answer). Nothing of the job was started.
/// </summary>
public sealed class JobNotAcceptedException(string jobId, string fault)
    : Exception($"job {jobId} was not accepted: {fault}")
{
    /// <summary>The job concerned.</summary>
    public string JobId { get; } = jobId;

    /// <summary>What failed and where, in one line ("journal: disk full at /x/journal.db").</summary>
    public string Fault { get; } = fault;
}
