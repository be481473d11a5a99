using System.Runtime.CompilerServices;
using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Results;

namespace ActorFarm.Embedding;

/// <summary>
/// The <see cref="IFarmClient"/> <see cref="FarmClientServiceExtensions.AddActorFarmClient(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/>
/// registers, and the one <c>actorfarm dashboard</c> polls with: it connects
/// (<see cref="FarmClient.ConnectAsync"/>) on its first call rather than when it is built, so a
/// service starts while its farm is still starting; a failed connection is tried again by the next
/// call; and a connection that found the farm gone (<see cref="FarmUnavailableException"/>: no
/// contact answered for the farm-lost timeout, e.g. the farm was restarted) is dropped, so the next
/// call connects anew instead of failing for good. Disposed, it closes the connection.
/// </summary>
internal sealed class ConnectingFarmClient : IFarmClient, IAsyncDisposable
{
    private readonly FarmConnectionOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private FarmClient? _client;
    private bool _disposed;

    /// <param name="options">How to reach the farm.</param>
    /// <param name="connected">A connection already made with these options (the first call uses it), or null.</param>
    public ConnectingFarmClient(FarmConnectionOptions options, FarmClient? connected = null)
    {
        _options = options;
        _client = connected;
    }

    private async Task<FarmClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _client) is { } ready) return ready;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _client ??= await FarmClient.ConnectAsync(_options, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="call"/> on the connection; one that found the farm gone is forgotten, and the exception goes on.</summary>
    private async Task<T> UseAsync<T>(Func<FarmClient, Task<T>> call, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        try
        {
            return await call(client);
        }
        catch (FarmUnavailableException)
        {
            await ForgetAsync(client);
            throw;
        }
    }

    private async Task ForgetAsync(FarmClient lost)
    {
        await _gate.WaitAsync();
        try
        {
            if (!ReferenceEquals(_client, lost)) return; // another call forgot it already
            _client = null;
        }
        finally
        {
            _gate.Release();
        }
        await lost.DisposeAsync();
    }

    public Task<JobSubmitted> SubmitAsync(JobSpec spec, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        UseAsync(c => c.SubmitAsync(spec, timeout, cancellationToken), cancellationToken);

    public Task<JobStatusReport> StatusAsync(string jobId, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        UseAsync(c => c.StatusAsync(jobId, timeout, cancellationToken), cancellationToken);

    public Task<JobStatusReport> CancelAsync(string jobId, string reason = "cancelled by user", TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        UseAsync(c => c.CancelAsync(jobId, reason, timeout, cancellationToken), cancellationToken);

    public Task<JobListEntry[]> ListAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        UseAsync(c => c.ListAsync(timeout, cancellationToken), cancellationToken);

    public Task<FarmOverview> OverviewAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        UseAsync(c => c.OverviewAsync(timeout, cancellationToken), cancellationToken);

    public Task<JobInsight> InsightAsync(string jobId, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        UseAsync(c => c.InsightAsync(jobId, timeout, cancellationToken), cancellationToken);

    public Task<AllocationQueueAdded> AddAllocationQueueAsync(AllocationQueueSpec spec, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        UseAsync(c => c.AddAllocationQueueAsync(spec, timeout, cancellationToken), cancellationToken);

    public Task<AllocationQueueView[]> AllocationQueuesAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        UseAsync(c => c.AllocationQueuesAsync(timeout, cancellationToken), cancellationToken);

    public Task<AllocationQueueRemoved> RemoveAllocationQueueAsync(int queueId, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        UseAsync(c => c.RemoveAllocationQueueAsync(queueId, timeout, cancellationToken), cancellationToken);

    public Task<JobRerun> RerunAsync(string jobId, RerunSelection selection = RerunSelection.Failed, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        UseAsync(c => c.RerunAsync(jobId, selection, timeout, cancellationToken), cancellationToken);

    public Task<string> ExportResultsAsync(string jobId, ResultsFormat format = ResultsFormat.Jsonl, string? path = null,
        TimeSpan? timeoutPerPage = null, bool history = false, CancellationToken cancellationToken = default) =>
        UseAsync(c => c.ExportResultsAsync(jobId, format, path, timeoutPerPage, history, cancellationToken), cancellationToken);

    // The streams end with the connection they started on (a farm gone mid-stream ends them with
    // FarmUnavailableException); the next call connects anew.
    public async IAsyncEnumerable<JobStatusReport> WatchAsync(string jobId, TimeSpan? pollInterval = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var client = await ClientAsync(cancellationToken);
        await using var statuses = client.WatchAsync(jobId, pollInterval, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (await NextAsync(client, statuses))
            yield return statuses.Current;
    }

    public async IAsyncEnumerable<TaskResultRow> ReadResultsAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var client = await ClientAsync(cancellationToken);
        await using var rows = client.ReadResultsAsync(jobId, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (await NextAsync(client, rows))
            yield return rows.Current;
    }

    private async Task<bool> NextAsync<T>(FarmClient client, IAsyncEnumerator<T> items)
    {
        try
        {
            return await items.MoveNextAsync();
        }
        catch (FarmUnavailableException)
        {
            await ForgetAsync(client);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _disposed = true;
            if (_client is not null) await _client.DisposeAsync();
            _client = null;
        }
        finally
        {
            _gate.Release();
        }
    }
}
