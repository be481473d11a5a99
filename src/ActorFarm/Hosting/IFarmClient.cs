using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Results;

namespace ActorFarm.Hosting;

/// <summary>
/// What a program does with a farm's jobs, wherever the farm runs: in the same actor system
/// (<see cref="Embedding.ActorFarmHostingExtensions.WithActorFarm"/> registers one talking to the
/// local gateway; <see cref="FarmHost.Client"/>), or on a cluster reached from outside
/// (<see cref="Embedding.FarmClientServiceExtensions.AddActorFarmClient(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/>,
/// <see cref="FarmClient.ConnectAsync"/>). Every call that waits for an answer has a timeout.
/// </summary>
public interface IFarmClient
{
    /// <summary>Submits a job, or reaches the existing one when the same spec was submitted before (it then resumes).</summary>
    /// <exception cref="JobSpecTooLargeException">A remote farm could never receive the spec.</exception>
    /// <exception cref="JobNotAcceptedException">The farm could not journal the job (its journal fails).</exception>
    Task<JobSubmitted> SubmitAsync(JobSpec spec, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>The job's status now.</summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    Task<JobStatusReport> StatusAsync(string jobId, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Cancels the job: nothing new starts, running tasks are killed; answers with its status.</summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    Task<JobStatusReport> CancelAsync(string jobId, string reason = "cancelled by user", TimeSpan? timeout = null,
        CancellationToken cancellationToken = default);

    /// <summary>Every job the farm has seen, newest first.</summary>
    Task<JobListEntry[]> ListAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The farm's members and worker nodes now (slots, busy slots, last heartbeat), as the job
    /// directory's member sees them.
    /// </summary>
    Task<FarmOverview> OverviewAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// How the job's tasks went: a histogram of their durations and the latest failures (with
    /// parameters, exit code, attempts, error and output files). An unknown job has none.
    /// </summary>
    Task<JobInsight> InsightAsync(string jobId, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates an allocation queue: while jobs have tasks the farm's nodes cannot start, the
    /// coordinator submits SLURM allocations whose nodes join this farm, and releases them when
    /// idle (docs/slurm.md, "A farm on the login node"). Returns the queue's number.
    /// </summary>
    Task<AllocationQueueAdded> AddAllocationQueueAsync(AllocationQueueSpec spec, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default);

    /// <summary>The farm's allocation queues and their allocations.</summary>
    Task<AllocationQueueView[]> AllocationQueuesAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes an allocation queue and cancels its allocations (their running tasks go back to
    /// their jobs, unrun). <see cref="AllocationQueueRemoved.Error"/> says why nothing was removed.
    /// </summary>
    Task<AllocationQueueRemoved> RemoveAllocationQueueAsync(int queueId, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// The job's status at once, then about once per <paramref name="pollInterval"/> until it has
    /// ended and its results file is written (<see cref="JobStatusReport.IsSettled"/>), which is the
    /// last item. It survives a coordinator fail-over; a farm that is gone ends it with
    /// <see cref="FarmUnavailableException"/>.
    /// </summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    IAsyncEnumerable<JobStatusReport> WatchAsync(string jobId, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs again the tasks of a finished job that <paramref name="selection"/> picks (its failed
    /// ones), each as its next attempt; the rerun is journaled before any task runs again. Follow
    /// the job with <see cref="WatchAsync"/>.
    /// </summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    /// <exception cref="JobRerunRefusedException">The job is still in its first run, cancelled, or its journal fails.</exception>
    Task<JobRerun> RerunAsync(string jobId, RerunSelection selection = RerunSelection.Failed, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the job's results (JSONL or CSV) to <paramref name="path"/> (default: the job's output
    /// directory) from the journal, paged through the farm, and returns the path: one row per task,
    /// its latest result, or with <paramref name="history"/> every journaled result in journal order.
    /// </summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    /// <exception cref="InvalidOperationException">The job's journal cannot be read.</exception>
    Task<string> ExportResultsAsync(string jobId, ResultsFormat format = ResultsFormat.Jsonl, string? path = null,
        TimeSpan? timeoutPerPage = null, bool history = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// The job's results as data, read from the journal and paged through the farm: one row per
    /// task, its latest result (the rows of results.jsonl), in the order the results were
    /// journaled. Results journaled so far are read even while the job runs.
    /// </summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    /// <exception cref="InvalidOperationException">The job's journal cannot be read.</exception>
    IAsyncEnumerable<TaskResultRow> ReadResultsAsync(string jobId, CancellationToken cancellationToken = default);
}
