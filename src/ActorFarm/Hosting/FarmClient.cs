using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Results;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster.Tools.Client;

namespace ActorFarm.Hosting;

/// <summary>
/// The public API for jobs: submit, watch, query, cancel, export results. The same class serves
/// an in-process farm (<see cref="FarmHost.Client"/>) and a farm reached from outside the cluster
/// (<see cref="ConnectAsync"/>); the CLI is a thin client of it. Every call that waits for an
/// answer has a timeout.
/// </summary>
public sealed class FarmClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How often <see cref="WatchAsync"/> asks for a job's status.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Results records per page when exporting through the farm (each page is one remote message).</summary>
    private const int ResultsPageSize = 1_000;

    private static readonly TimeSpan ConnectRetry = TimeSpan.FromSeconds(2);

    private readonly IFarmEndpoint _endpoint;
    private readonly ActorSystem? _ownedSystem;
    // A remote farm that answers nothing for this long is gone (null in process: it cannot be).
    private readonly TimeSpan? _farmGoneAfter;

    internal FarmClient(IFarmEndpoint endpoint, ActorSystem? ownedSystem = null, TimeSpan? farmGoneAfter = null)
    {
        _endpoint = endpoint;
        _ownedSystem = ownedSystem;
        _farmGoneAfter = farmGoneAfter;
    }

    /// <summary>
    /// Connects to a farm cluster from outside it, through ClusterClient: the seeds (usually the
    /// Lighthouse) serve as contact points and the answers come back through them. The process
    /// does not join the cluster. Dispose the client to close the connection.
    /// </summary>
    public static async Task<FarmClient> ConnectAsync(FarmConnectionOptions options, CancellationToken cancellationToken = default)
    {
        var config = FarmConfig.BuildClient(options);
        var setup = BootstrapSetup.Create().WithConfig(config);
        var system = FarmTls.PinnedSetup(config) is { } tls
            ? ActorSystem.Create(options.SystemName + "-client", ActorSystemSetup.Create(setup, tls))
            : ActorSystem.Create(options.SystemName + "-client", setup);
        try
        {
            var contacts = options.Contacts
                .Select(c => ActorPath.Parse(ClusterAddress.Normalize(c, options.SystemName, ClusterAddress.UsesTls(config)) + "/system/receptionist"))
                .ToImmutableHashSet();
            var settings = ClusterClientSettings.Create(system).WithInitialContacts(contacts);
            var clusterClient = system.ActorOf(ClusterClient.Props(settings), "farm-client");
            var client = new FarmClient(new ClusterClientFarmEndpoint(clusterClient), system,
                config.GetTimeSpan("actorfarm.client.farm-gone-after"));
            // One round trip proves the farm answers; a wrong address fails here, not later. It is
            // retried: right after the farm starts, the receptionist may not know the gateway yet
            // (its registration spreads by gossip) and drops the question.
            var deadline = DateTime.UtcNow + options.ConnectTimeout;
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                try
                {
                    await client.ListAsync(left < ConnectRetry ? left : ConnectRetry, cancellationToken);
                    return client;
                }
                catch (AskTimeoutException) when (DateTime.UtcNow + TimeSpan.FromMilliseconds(100) < deadline)
                {
                }
            }
        }
        catch
        {
            await system.Terminate();
            throw;
        }
    }

    /// <summary>Submits a job, or reaches the existing one when the same spec was submitted before (it then resumes).</summary>
    public Task<JobSubmitted> SubmitAsync(JobSpec spec, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _endpoint.AskAsync<JobSubmitted>(new SubmitJob(JobIds.For(spec), spec), timeout ?? DefaultTimeout, cancellationToken);

    public Task<JobStatusReport> StatusAsync(string jobId, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _endpoint.AskAsync<JobStatusReport>(new GetJobStatus(jobId), timeout ?? DefaultTimeout, cancellationToken);

    public Task<JobStatusReport> CancelAsync(string jobId, string reason = "cancelled by user", TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        _endpoint.AskAsync<JobStatusReport>(new CancelJob(jobId, reason), timeout ?? DefaultTimeout, cancellationToken);

    /// <summary>Every job the farm has seen, newest first.</summary>
    public async Task<JobListEntry[]> ListAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        (await _endpoint.AskAsync<JobList>(ListJobs.Instance, timeout ?? DefaultTimeout, cancellationToken)).Jobs;

    /// <summary>
    /// The job's status at once, then about once per <paramref name="pollInterval"/> until it has
    /// ended and its results file is written (<see cref="JobStatusReport.IsSettled"/>), which is the
    /// last item. Each query is held by the job until it settles or the interval passes (long
    /// polling), so the end is seen the moment it happens, not up to an interval later. An
    /// unanswered query (the job moving to another node after a crash) is asked again, not fatal:
    /// the watch outlives a coordinator fail-over. A remote farm that answers nothing for
    /// <c>actorfarm.client.farm-gone-after</c> (its allocation ended, every node stopped) is gone:
    /// the watch then throws a <see cref="TimeoutException"/> saying so, never waits without end.
    /// </summary>
    public async IAsyncEnumerable<JobStatusReport> WatchAsync(string jobId, TimeSpan? pollInterval = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var interval = pollInterval ?? DefaultPollInterval;
        TimeSpan? hold = null; // the first answer comes at once
        var lastAnswer = DateTime.UtcNow;
        while (true)
        {
            var asked = DateTime.UtcNow;
            if (_farmGoneAfter is { } goneAfter && asked - lastAnswer > goneAfter)
                throw new TimeoutException(
                    $"no answer from the farm for {goneAfter.TotalSeconds:0} s: it stopped or cannot be reached; job {jobId} stays journaled and resumes when a farm on its journal runs again");
            JobStatusReport? status = null;
            try
            {
                status = await _endpoint.AskAsync<JobStatusReport>(new GetJobStatus(jobId, hold),
                    TimeSpan.FromSeconds(5) + interval, cancellationToken);
            }
            catch (AskTimeoutException)
            {
                // The job is moving or recovering; ask again.
            }
            if (status is not null)
            {
                lastAnswer = DateTime.UtcNow;
                yield return status;
                if (status.IsSettled || status.Phase == JobPhase.Unknown) yield break;
            }
            // A held reply that came well before its hold ran out came from a job that could not
            // hold it (it was stopping): wait out the rest rather than asking in a tight loop.
            var left = interval - (DateTime.UtcNow - asked);
            if (hold is not null && left > interval / 2)
                await Task.Delay(left, cancellationToken);
            hold = interval;
        }
    }

    /// <summary>
    /// Writes the job's results (JSONL or CSV) to <paramref name="path"/> (default: the job's
    /// output directory) from the journal, paged through the farm, and returns the path. Works
    /// from any client; results journaled so far are written even while the job runs.
    /// </summary>
    public Task<string> ExportResultsAsync(string jobId, ResultsFormat format = ResultsFormat.Jsonl, string? path = null,
        TimeSpan? timeoutPerPage = null, CancellationToken cancellationToken = default) =>
        ResultsFileWriter.WriteAsync(ReadResultsAsync(jobId, timeoutPerPage ?? DefaultTimeout, cancellationToken), format, path, cancellationToken);

    private async IAsyncEnumerable<ResultsPage> ReadResultsAsync(string jobId, TimeSpan timeout,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long from = 1;
        while (true)
        {
            var page = await _endpoint.AskAsync<ResultsPage>(new GetResults(jobId, from, ResultsPageSize), timeout, cancellationToken);
            yield return page;
            if (page.End || page.Error is not null) yield break;
            from = page.NextSequenceNr;
        }
    }

    /// <summary>Closes a connection made by <see cref="ConnectAsync"/>; nothing to do for an in-process client.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ownedSystem is not null)
            await _ownedSystem.Terminate();
    }
}
