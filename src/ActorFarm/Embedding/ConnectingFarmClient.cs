using System.Runtime.CompilerServices;
using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Results;

namespace ActorFarm.Embedding;

/// <summary>
/// The <see cref="IFarmClient"/> <see cref="FarmClientServiceExtensions.AddActorFarmClient(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/>
/// registers: it connects (<see cref="FarmClient.ConnectAsync"/>) on its first call rather than
/// when the container builds it, so a service starts while its farm is still starting; a failed
/// connection is tried again by the next call. Disposed with the container, it closes the connection.
/// </summary>
internal sealed class ConnectingFarmClient(FarmConnectionOptions options) : IFarmClient, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private FarmClient? _client;
    private bool _disposed;

    private async Task<FarmClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { } ready) return ready;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _client ??= await FarmClient.ConnectAsync(options, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<JobSubmitted> SubmitAsync(JobSpec spec, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).SubmitAsync(spec, timeout, cancellationToken);

    public async Task<JobStatusReport> StatusAsync(string jobId, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).StatusAsync(jobId, timeout, cancellationToken);

    public async Task<JobStatusReport> CancelAsync(string jobId, string reason = "cancelled by user", TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).CancelAsync(jobId, reason, timeout, cancellationToken);

    public async Task<JobListEntry[]> ListAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).ListAsync(timeout, cancellationToken);

    public async Task<FarmOverview> OverviewAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).OverviewAsync(timeout, cancellationToken);

    public async Task<JobInsight> InsightAsync(string jobId, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).InsightAsync(jobId, timeout, cancellationToken);

    public async IAsyncEnumerable<JobStatusReport> WatchAsync(string jobId, TimeSpan? pollInterval = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var client = await ClientAsync(cancellationToken);
        await foreach (var status in client.WatchAsync(jobId, pollInterval, cancellationToken))
            yield return status;
    }

    public async Task<JobRerun> RerunAsync(string jobId, RerunSelection selection = RerunSelection.Failed, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).RerunAsync(jobId, selection, timeout, cancellationToken);

    public async Task<string> ExportResultsAsync(string jobId, ResultsFormat format = ResultsFormat.Jsonl, string? path = null,
        TimeSpan? timeoutPerPage = null, bool history = false, CancellationToken cancellationToken = default) =>
        await (await ClientAsync(cancellationToken)).ExportResultsAsync(jobId, format, path, timeoutPerPage, history, cancellationToken);

    public async IAsyncEnumerable<TaskResultRow> ReadResultsAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var client = await ClientAsync(cancellationToken);
        await foreach (var row in client.ReadResultsAsync(jobId, cancellationToken))
            yield return row;
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
