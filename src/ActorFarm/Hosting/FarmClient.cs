using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Results;
using Akka.Actor;

namespace ActorFarm.Hosting;

/// <summary>
/// The public API for jobs: submit, watch, query, cancel, export results. The CLI is a thin
/// client of this class. Every call that waits for an answer has a timeout.
/// </summary>
public sealed class FarmClient
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly ActorSystem _system;
    private readonly IActorRef _jobs;
    private readonly IActorRef _directory;

    internal FarmClient(ActorSystem system, IActorRef jobs, IActorRef directory)
    {
        _system = system;
        _jobs = jobs;
        _directory = directory;
    }

    /// <summary>Submits a job, or reaches the existing one when the same spec was submitted before (it then resumes).</summary>
    public Task<JobSubmitted> SubmitAsync(JobSpec spec, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _jobs.Ask<JobSubmitted>(new SubmitJob(JobIds.For(spec), spec), timeout ?? DefaultTimeout, cancellationToken);

    public Task<JobStatusReport> StatusAsync(string jobId, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _jobs.Ask<JobStatusReport>(new GetJobStatus(jobId), timeout ?? DefaultTimeout, cancellationToken);

    public Task<JobStatusReport> CancelAsync(string jobId, string reason = "cancelled by user", TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        _jobs.Ask<JobStatusReport>(new CancelJob(jobId, reason), timeout ?? DefaultTimeout, cancellationToken);

    /// <summary>Every job the farm has seen, newest first.</summary>
    public async Task<JobListEntry[]> ListAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        (await _directory.Ask<JobList>(ListJobs.Instance, timeout ?? DefaultTimeout, cancellationToken)).Jobs;

    /// <summary>
    /// Progress of a job, about once per progress interval, ending with its final status once the
    /// job ended and its results file is written.
    /// </summary>
    public async IAsyncEnumerable<JobStatusReport> WatchAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<JobStatusReport>(new UnboundedChannelOptions { SingleReader = true });
        var watcher = _system.ActorOf(JobWatcher.Props(jobId, _jobs, channel.Writer));
        try
        {
            await foreach (var status in channel.Reader.ReadAllAsync(cancellationToken))
                yield return status;
        }
        finally
        {
            watcher.Tell(PoisonPill.Instance);
        }
    }

    /// <summary>Writes the job's results file (JSONL or CSV) from the journal; returns its path.</summary>
    public Task<string> ExportResultsAsync(string jobId, ResultsFormat format = ResultsFormat.Jsonl, string? path = null,
        CancellationToken cancellationToken = default) =>
        ResultsExporter.ExportAsync(_system, jobId, format, path, cancellationToken);
}
