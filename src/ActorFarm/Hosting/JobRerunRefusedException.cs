namespace ActorFarm.Hosting;

/// <summary>
/// A rerun was refused (<see cref="FarmClient.RerunAsync"/>): the job is still running its first
/// run, cancelled, or its journal cannot take the rerun's event. Nothing was changed. (An unknown
/// job is an <see cref="UnknownJobException"/>.)
/// </summary>
public sealed class JobRerunRefusedException(string jobId, string reason, bool journalFault)
    : Exception(reason)
{
    /// <summary>The job concerned.</summary>
    public string JobId { get; } = jobId;

    /// <summary>True when the farm's journal is the reason (a fault to fix), false when the job's state is.</summary>
    public bool JournalFault { get; } = journalFault;
}
