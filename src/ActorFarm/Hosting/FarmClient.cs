using ActorFarm.Results.Journal;
using ActorFarm.Results.Files;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Results;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster.Tools.Client;
using ActorFarm.Security;

namespace ActorFarm.Hosting;

/// <summary>
/// The <see cref="IFarmClient"/> of every farm: the same class serves an in-process farm
/// (<see cref="FarmHost.Client"/>, <see cref="ForGateway"/>, the client a service embedding the
/// farm resolves) and a farm reached from outside the cluster (<see cref="ConnectAsync"/>); the
/// CLI is a thin client of it. Every call that waits for an answer has a timeout.
/// </summary>
public sealed class FarmClient : IFarmClient, IAsyncDisposable
{
    /// <summary>How long a call waits for the farm's answer when its timeout is null.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How often <see cref="WatchAsync"/> asks for a job's status.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Results records per page when exporting through the farm (each page is one remote message).</summary>
    private const int ResultsPageSize = 1_000;

    private static readonly TimeSpan ConnectRetry = TimeSpan.FromSeconds(2);

    /// <summary>How long a client outside the cluster waits without any answer before the farm counts as gone.</summary>
    public const string FarmLostTimeoutKey = "actorfarm.client.farm-lost-timeout";

    /// <summary>The default of <see cref="FarmLostTimeoutKey"/>.</summary>
    public static readonly TimeSpan DefaultFarmLostTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long the first round trip may take (unless <see cref="FarmConnectionOptions.ConnectTimeout"/> says).</summary>
    public const string ConnectTimeoutKey = "actorfarm.client.connect-timeout";

    /// <summary>The default of <see cref="ConnectTimeoutKey"/>, used when the configuration has none.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly IFarmEndpoint _endpoint;
    private readonly ActorSystem? _ownedSystem;

    internal FarmClient(IFarmEndpoint endpoint, ActorSystem? ownedSystem = null)
    {
        _endpoint = endpoint;
        _ownedSystem = ownedSystem;
    }

    /// <summary>
    /// A client of the farm whose gateway is <paramref name="gateway"/>, in this actor system (an
    /// actor of a service embedding the farm that holds the gateway from Akka.Hosting's registry:
    /// <c>registry.Get&lt;FarmGatewayKey&gt;()</c>). Nothing to dispose.
    /// </summary>
    public static FarmClient ForGateway(IActorRef gateway) => new(new LocalFarmEndpoint(gateway));

    /// <summary>
    /// Connects to a farm cluster from outside it, through ClusterClient: the seeds (usually the
    /// Lighthouse) serve as contact points and the answers come back through them. The process
    /// does not join the cluster. Dispose the client to close the connection.
    /// </summary>
    /// <exception cref="AccessFileException">The farm's access file is missing, open to others, or not an access file.</exception>
    public static async Task<FarmClient> ConnectAsync(FarmConnectionOptions options, CancellationToken cancellationToken = default)
    {
        // Before anything else: a missing or exposed access file is the caller's to fix, not a timeout.
        var security = RemotingSecurity.Resolve(options.EffectiveAccess, options.Config);
        var config = FarmConfig.BuildClient(options, security);
        var system = security.CreateSystem(options.SystemName + "-client", config);
        if (security.IsInsecure)
            Akka.Event.LoggingExtensions.Warning(system.Log, RemotingSecurity.InsecureClientWarning);
        try
        {
            var contacts = options.Contacts
                .Select(c => ActorPath.Parse(ClusterAddress.Normalize(c, options.SystemName, security.Tls) + "/system/receptionist"))
                .ToImmutableHashSet();
            var farmLostAfter = config.GetTimeSpan(FarmLostTimeoutKey, DefaultFarmLostTimeout);
            // ClusterClient retries its contact points forever by default: a farm that is gone
            // (or never was) would keep the client waiting for good.
            var settings = ClusterClientSettings.Create(system).WithInitialContacts(contacts).WithReconnectTimeout(farmLostAfter);
            var clusterClient = system.ActorOf(ClusterClient.Props(settings), "farm-client");
            var endpoint = new ClusterClientFarmEndpoint(clusterClient, "/user/" + options.GatewayName, string.Join(", ", options.Contacts), farmLostAfter);
            var client = new FarmClient(endpoint, system);
            // One round trip proves the farm answers; a wrong address fails here, not later. It is
            // retried: right after the farm starts, the receptionist may not know the gateway yet
            // (its registration spreads by gossip) and drops the question.
            var deadline = DateTime.UtcNow + (options.ConnectTimeout ?? config.GetTimeSpan(ConnectTimeoutKey, DefaultConnectTimeout));
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                try
                {
                    await client.ListAsync(left < ConnectRetry ? left : ConnectRetry, cancellationToken);
                    return client;
                }
                catch (Exception e) when (e is AskTimeoutException or FarmUnavailableException
                                          && security.Refusal(system, string.Join(", ", options.Contacts)) is { } refusal)
                {
                    throw new CredentialRefusedException(refusal);
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

    /// <summary>
    /// Submits a job, or reaches the existing one when the same spec was submitted before (it then
    /// resumes). The spec is checked first, with the manifest's rules (<see cref="JobSpecValidator"/>,
    /// default <see cref="ManifestOptions"/>): an invalid one is refused before anything is sent.
    /// </summary>
    /// <exception cref="InvalidJobSpecException">The spec breaks a rule; its <c>Errors</c> list every problem.</exception>
    /// <exception cref="JobSpecTooLargeException">A remote farm could never receive the spec (see <see cref="EnsureSpecFits"/>).</exception>
    /// <exception cref="JobNotAcceptedException">The farm could not journal the job (its journal fails).</exception>
    public async Task<JobSubmitted> SubmitAsync(JobSpec spec, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        JobSpecValidator.EnsureValid(spec);
        EnsureSpecFits(spec);
        var submitted = await _endpoint.AskAsync<JobSubmitted>(new SubmitJob(JobIds.For(spec), spec), timeout ?? DefaultTimeout, cancellationToken);
        if (submitted.Status.Phase == JobPhase.Unknown && submitted.Status.Fault is { } fault)
            throw new JobNotAcceptedException(submitted.JobId, fault);
        return submitted;
    }

    /// <summary>
    /// Throws when the job's spec is too big for one remote message (half the frame size, see
    /// <see cref="WireLimits"/>): remoting would drop it without a word and the submission would
    /// only time out. Long value lists belong in a file (a file-lines sweep). An in-process farm
    /// takes any spec.
    /// </summary>
    /// <exception cref="JobSpecTooLargeException">The spec does not fit.</exception>
    public void EnsureSpecFits(JobSpec spec)
    {
        if (_ownedSystem is null) return;
        var message = new SubmitJob(JobIds.For(spec), spec);
        var bytes = _ownedSystem.Serialization.FindSerializerFor(message).ToBinary(message).LongLength;
        var budget = WireLimits.From(_ownedSystem.Settings.Config).MessageBudget;
        if (bytes > budget)
            throw new JobSpecTooLargeException(
                $"job '{spec.Name}'{(spec.SourceFile is { } file ? $" in {file}" : "")}: its description takes {bytes:N0} bytes, more than a farm message may carry ({budget:N0}, half of akka.remote.dot-netty.tcp.maximum-frame-size); put long value lists in a file and sweep its lines (file-lines)");
    }

    /// <inheritdoc />
    public async Task<JobStatusReport> StatusAsync(string jobId, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        UnknownJobException.ThrowIfUnknown(
            await _endpoint.AskAsync<JobStatusReport>(new GetJobStatus(jobId), timeout ?? DefaultTimeout, cancellationToken));

    /// <inheritdoc />
    public async Task<JobStatusReport> CancelAsync(string jobId, string reason = "cancelled by user", TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        UnknownJobException.ThrowIfUnknown(
            await _endpoint.AskAsync<JobStatusReport>(new CancelJob(jobId, reason), timeout ?? DefaultTimeout, cancellationToken));

    /// <summary>
    /// Runs again the tasks of a finished job that <paramref name="selection"/> picks (its failed
    /// ones): the job goes back to running, each task runs as its next attempt (one that failed
    /// after 3 attempts runs as attempt 4, with its retry policy afresh), and the earlier results
    /// stay in the journal. The rerun is journaled before any task runs again, so it survives a
    /// crash. Asked again while that rerun runs, it answers <see cref="RerunOutcome.AlreadyRunning"/>;
    /// a job with nothing to rerun answers <see cref="RerunOutcome.NothingToRerun"/>. Follow the
    /// job with <see cref="WatchAsync"/>.
    /// </summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    /// <exception cref="JobRerunRefusedException">The job is still in its first run, cancelled, or its journal fails.</exception>
    public async Task<JobRerun> RerunAsync(string jobId, RerunSelection selection = RerunSelection.Failed, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var rerun = await _endpoint.AskAsync<JobRerun>(new RerunJob(jobId, selection), timeout ?? DefaultTimeout, cancellationToken);
        if (rerun.Outcome == RerunOutcome.Refused && UnknownJobException.Names(rerun.Status))
            throw new UnknownJobException(jobId);
        if (rerun.Outcome == RerunOutcome.Refused)
            throw new JobRerunRefusedException(jobId, rerun.Reason ?? $"job {jobId} cannot be rerun now", rerun.Status.Fault is not null);
        return rerun;
    }

    /// <summary>Every job the farm has seen, newest first.</summary>
    public async Task<JobListEntry[]> ListAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        (await _endpoint.AskAsync<JobList>(ListJobs.Instance, timeout ?? DefaultTimeout, cancellationToken)).Jobs;

    /// <inheritdoc />
    public Task<FarmOverview> OverviewAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _endpoint.AskAsync<FarmOverview>(GetFarmOverview.Instance, timeout ?? DefaultTimeout, cancellationToken);

    /// <inheritdoc />
    public Task<JobInsight> InsightAsync(string jobId, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _endpoint.AskAsync<JobInsight>(new GetJobInsight(jobId), timeout ?? DefaultTimeout, cancellationToken);

    /// <inheritdoc />
    public Task<AllocationQueueAdded> AddAllocationQueueAsync(AllocationQueueSpec spec, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        _endpoint.AskAsync<AllocationQueueAdded>(new AddAllocationQueue(spec), timeout ?? DefaultTimeout, cancellationToken);

    /// <inheritdoc />
    public async Task<AllocationQueueView[]> AllocationQueuesAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        (await _endpoint.AskAsync<AllocationQueueList>(ListAllocationQueues.Instance, timeout ?? DefaultTimeout, cancellationToken)).Queues;

    /// <inheritdoc />
    public Task<AllocationQueueRemoved> RemoveAllocationQueueAsync(int queueId, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        _endpoint.AskAsync<AllocationQueueRemoved>(new RemoveAllocationQueue(queueId), timeout ?? DefaultTimeout, cancellationToken);

    /// <summary>
    /// The job's status at once, then about once per <paramref name="pollInterval"/> until it has
    /// ended and its results file is written (<see cref="JobStatusReport.IsSettled"/>), which is the
    /// last item. Each query is held by the job until it settles or the interval passes (long
    /// polling), so the end is seen the moment it happens, not up to an interval later. An
    /// unanswered query (the job moving to another node after a crash) is asked again, not fatal:
    /// the watch outlives a coordinator fail-over. It ends with the job or the token, or, for a
    /// farm outside this process, with <see cref="FarmUnavailableException"/> once nothing has
    /// answered for <c>actorfarm.client.farm-lost-timeout</c> (30 s): a farm that is gone is never
    /// waited on for good. A job whose journal cannot be read ends it with one report of phase
    /// <see cref="JobPhase.Unknown"/> carrying the fault.
    /// </summary>
    /// <exception cref="UnknownJobException">No job has this id (thrown by the first step of the enumeration).</exception>
    public async IAsyncEnumerable<JobStatusReport> WatchAsync(string jobId, TimeSpan? pollInterval = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var interval = pollInterval ?? DefaultPollInterval;
        TimeSpan? hold = null; // the first answer comes at once
        var lastAnswer = DateTime.UtcNow;
        while (true)
        {
            var asked = DateTime.UtcNow;
            JobStatusReport? status = null;
            try
            {
                status = await _endpoint.AskAsync<JobStatusReport>(new GetJobStatus(jobId, hold),
                    TimeSpan.FromSeconds(5) + interval, cancellationToken);
            }
            catch (AskTimeoutException)
            {
                // The job is moving or recovering; ask again, unless the farm has been silent
                // for too long to be only moving.
                if (_endpoint.FarmLostAfter is { } lostAfter && DateTime.UtcNow - lastAnswer >= lostAfter)
                    throw new FarmUnavailableException(
                        $"lost {_endpoint.Description}: nothing answered about job {jobId} for {(DateTime.UtcNow - lastAnswer).TotalSeconds:0} s");
            }
            if (status is not null)
            {
                UnknownJobException.ThrowIfUnknown(status);
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
    /// from any client; results journaled so far are written even while the job runs. One row
    /// per task, its latest result: failures a rerun superseded are left out (the journal keeps them).
    /// With <paramref name="history"/>, every result ever journaled instead, in journal order: a
    /// rerun task appears once per run, its <c>attempts</c> telling the runs apart.
    /// </summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    /// <exception cref="InvalidOperationException">The job's journal cannot be read.</exception>
    public async Task<string> ExportResultsAsync(string jobId, ResultsFormat format = ResultsFormat.Jsonl, string? path = null,
        TimeSpan? timeoutPerPage = null, bool history = false, CancellationToken cancellationToken = default)
    {
        var timeout = timeoutPerPage ?? DefaultTimeout;
        // Asked also for the history: an unknown job is told apart from a journal that fails.
        var status = await StatusAsync(jobId, timeout, cancellationToken);
        // Where the latest rerun is in the journal: the failures before it were run again.
        var supersededBefore = history ? 0 : status.RerunSequenceNr;
        return await ResultsFileWriter.WriteAsync(ReadPagesAsync(jobId, supersededBefore, timeout, cancellationToken),
            format, path, cancellationToken);
    }

    /// <summary>
    /// The job's results as data, read from the journal and paged through the farm (as
    /// <see cref="ExportResultsAsync"/> reads them): one row per task, its latest result, in the
    /// order the results were journaled. Results journaled so far are read even while the job runs.
    /// </summary>
    /// <exception cref="UnknownJobException">No job has this id.</exception>
    /// <exception cref="InvalidOperationException">The job's journal cannot be read.</exception>
    public async IAsyncEnumerable<TaskResultRow> ReadResultsAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Where the latest rerun is in the journal: the failures before it were run again.
        var supersededBefore = (await StatusAsync(jobId, DefaultTimeout, cancellationToken)).RerunSequenceNr;
        await foreach (var row in ResultPages.RowsAsync(ReadPagesAsync(jobId, supersededBefore, DefaultTimeout, cancellationToken), cancellationToken))
            yield return row;
    }

    private async IAsyncEnumerable<ResultsPage> ReadPagesAsync(string jobId, long supersededBefore, TimeSpan timeout,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long from = 1;
        var fromRecord = 0;
        while (true)
        {
            var page = await _endpoint.AskAsync<ResultsPage>(new GetResults(jobId, from, ResultsPageSize, fromRecord, supersededBefore),
                timeout, cancellationToken);
            yield return page;
            if (page.End || page.Error is not null) yield break;
            from = page.NextSequenceNr;
            fromRecord = page.NextRecord;
        }
    }

    /// <summary>Closes a connection made by <see cref="ConnectAsync"/>; nothing to do for an in-process client.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ownedSystem is not null)
            await _ownedSystem.Terminate();
    }
}
