using System.Threading.Channels;
using ActorFarm.Hosting;
using ActorFarm.Logs;
using ActorFarm.Protocol;

namespace ActorFarm.Dashboard;

/// <summary>
/// Asks the farm for its state once per refresh, whatever the number of open pages, and hands
/// every page the same serialized snapshot: a page costs the farm nothing, the dashboard costs it
/// one overview, one job list and one status per running job each refresh. A job that has ended
/// and settled is not asked again (asking would wake its passivated entity and replay its
/// journal) until the directory says it runs again (a rerun).
/// </summary>
internal sealed class DashboardFeed : IAsyncDisposable
{
    private readonly IFarmClient _farm;
    private readonly DashboardOptions _options;
    private readonly Action<IReadOnlyList<JobView>>? _onRefresh;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    // Touched only by the loop.
    private readonly Dictionary<string, JobTrend> _trends = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JobStatusReport> _settled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JobInsight> _settledInsights = new(StringComparer.Ordinal);
    private readonly OutputTail _tails = new();
    private IReadOnlyList<JobView> _lastJobs = [];
    private FarmOverview? _lastOverview;

    // Pages listening; each gets only the newest snapshot if it falls behind.
    private readonly Lock _gate = new();
    private readonly List<Channel<byte[]>> _pages = [];
    private byte[] _latest;
    private long _sent;
    // The failures shown, by job and index: the only output files the page may open.
    private IReadOnlyDictionary<(string JobId, long Index), FailedTask> _shownFailures = new Dictionary<(string, long), FailedTask>();

    /// <param name="farm">The farm to poll.</param>
    /// <param name="options">The refresh interval, the jobs followed, the timeout of each question.</param>
    /// <param name="onRefresh">Told the jobs of every refresh that reached the farm (the Prometheus job gauges).</param>
    public DashboardFeed(IFarmClient farm, DashboardOptions options, Action<IReadOnlyList<JobView>>? onRefresh = null)
    {
        _farm = farm;
        _options = options;
        _onRefresh = onRefresh;
        _latest = new DashboardSnapshot(DateTimeOffset.UtcNow, options.ReadOnly, null, [], "waiting for the farm's first answer").ToUtf8Json();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Snapshots written to open pages so far.</summary>
    public long SnapshotsSent => Interlocked.Read(ref _sent);

    /// <summary>A page's connection took one more snapshot.</summary>
    public void CountSent() => Interlocked.Increment(ref _sent);

    /// <summary>The newest snapshot, serialized.</summary>
    public byte[] Latest => Volatile.Read(ref _latest);

    /// <summary>
    /// The path of a failed task's stdout or stderr file as the farm named it, if that task is in
    /// the failures shown now: the page opens only files the farm pointed at, never a path it chose.
    /// </summary>
    public string? OutputFile(string jobId, long index, bool stderr) =>
        Volatile.Read(ref _shownFailures).TryGetValue((jobId, index), out var failed) ? (stderr ? failed.Stderr : failed.Stdout) : null;

    /// <summary>Snapshots from now on for one page, the newest first; complete it (or cancel) to leave.</summary>
    public ChannelReader<byte[]> Subscribe(CancellationToken leaving)
    {
        var channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        channel.Writer.TryWrite(Latest);
        lock (_gate) _pages.Add(channel);
        leaving.Register(() =>
        {
            lock (_gate) _pages.Remove(channel);
            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(_options.RefreshInterval);
        try
        {
            do
            {
                Publish((await RefreshOrSayWhyAsync(_stop.Token)).ToUtf8Json());
            } while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A refresh that fails in the dashboard itself leaves the last view up with the reason on it,
    /// and the next refresh tries again: the loop never ends with an exception, which would freeze
    /// every page on its last view without a word.
    /// </summary>
    private async Task<DashboardSnapshot> RefreshOrSayWhyAsync(CancellationToken ct)
    {
        try
        {
            return await RefreshAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return LastView("the dashboard could not refresh: " + ErrorText.Cause(e));
        }
    }

    /// <summary>The last view the page had, with why it is not moving.</summary>
    private DashboardSnapshot LastView(string why) => new(DateTimeOffset.UtcNow, _options.ReadOnly, _lastOverview, _lastJobs, why);

    private void Publish(byte[] snapshot)
    {
        Volatile.Write(ref _latest, snapshot);
        lock (_gate)
            foreach (var page in _pages)
                page.Writer.TryWrite(snapshot);
    }

    private async Task<DashboardSnapshot> RefreshAsync(CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        JobListEntry[] list;
        try
        {
            _lastOverview = await _farm.OverviewAsync(_options.FarmTimeout, ct);
            list = await _farm.ListAsync(_options.FarmTimeout, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The page keeps the last view and says why it is not moving.
            return LastView("the farm did not answer: " + ErrorText.Cause(e));
        }

        var followed = list.Take(_options.MaxJobs).ToArray();
        var statuses = await Task.WhenAll(followed.Select(job => StatusOfAsync(job, ct)));
        var insights = await Task.WhenAll(followed.Select((job, i) => InsightOfAsync(job, statuses[i], ct)));
        var views = new List<JobView>(followed.Length);
        var shown = new Dictionary<(string, long), FailedTask>();
        for (var i = 0; i < followed.Length; i++)
        {
            if (statuses[i] is not { } status) continue;
            var trend = TrendOf(followed[i].JobId);
            trend.Add(now, status.Done);
            foreach (var failed in insights[i]?.RecentFailures ?? []) shown[(status.JobId, failed.Index)] = failed;
            views.Add(View(followed[i], status, trend, insights[i], _tails));
        }
        Volatile.Write(ref _shownFailures, shown);
        _tails.KeepOnly(shown.Values.Select(f => f.Stderr).OfType<string>().ToHashSet(StringComparer.Ordinal));
        // Trends of jobs no longer followed go: the dashboard's memory is bounded by MaxJobs.
        foreach (var gone in _trends.Keys.Except(followed.Select(j => j.JobId)).ToList())
        {
            _trends.Remove(gone);
            _settled.Remove(gone);
            _settledInsights.Remove(gone);
        }
        _lastJobs = views;
        _onRefresh?.Invoke(views);
        return new DashboardSnapshot(now, _options.ReadOnly, _lastOverview, views, null);
    }

    private async Task<JobStatusReport?> StatusOfAsync(JobListEntry job, CancellationToken ct)
    {
        if (_settled.TryGetValue(job.JobId, out var settled) && settled.Phase == job.Phase)
            return settled;
        try
        {
            var status = await _farm.StatusAsync(job.JobId, _options.FarmTimeout, ct);
            return KeepIfSettled(_settled, job.JobId, status.IsSettled, status);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // One slow job (its entity recovering) does not blank the others: its last view stays.
            var last = _lastJobs.FirstOrDefault(v => v.JobId == job.JobId);
            return last is null ? null : new JobStatusReport(last.JobId, last.Name, last.Phase, last.Total, last.Succeeded, last.Failed,
                last.Running, last.AcceptedAt, last.EndedAt, last.ResultsFile, Fault: "did not answer: " + ErrorText.Cause(e));
        }
    }

    /// <summary>
    /// What a settled job answered is kept: it cannot change, and the farm is not asked again. Any
    /// other answer is forgotten, so the next refresh asks anew.
    /// </summary>
    private static T KeepIfSettled<T>(Dictionary<string, T> kept, string jobId, bool settled, T answer)
    {
        if (settled) kept[jobId] = answer;
        else kept.Remove(jobId);
        return answer;
    }

    private async Task<JobInsight?> InsightOfAsync(JobListEntry job, JobStatusReport? status, CancellationToken ct)
    {
        if (status is null || status.Phase == JobPhase.Unknown) return null;
        if (status.IsSettled && _settledInsights.TryGetValue(job.JobId, out var settled)) return settled;
        try
        {
            var insight = await _farm.InsightAsync(job.JobId, _options.FarmTimeout, ct);
            return KeepIfSettled(_settledInsights, job.JobId, status.IsSettled, insight);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A histogram a refresh late is no fault worth showing: the counters came.
            return null;
        }
    }

    private JobTrend TrendOf(string jobId)
    {
        if (!_trends.TryGetValue(jobId, out var trend))
            _trends[jobId] = trend = new JobTrend();
        return trend;
    }

    private static JobView View(JobListEntry job, JobStatusReport status, JobTrend trend, JobInsight? insight, OutputTail tails)
    {
        var ended = status.HasEnded;
        return new JobView(status.JobId, status.Name.Length > 0 ? status.Name : job.Name, status.Phase, status.Total, status.Succeeded,
            status.Failed, status.Running, status.Pending, status.AcceptedAt, status.EndedAt, status.ResultsFile,
            // What the card's warning line says: a fault, a results file not written, or why the job
            // ended early (cancelled, or stopped by its max-fails).
            status.Fault ?? status.ResultsError ?? status.EndReason, job.Waiting,
            ended ? null : trend.RatePerSecond,
            ended ? null : JobEta.Estimate(status.Pending, status.Running, status.MeanTaskDuration, trend.RatePerSecond, JobTrend.RateWindow)?.TotalSeconds,
            trend.Points.Select(p => new[] { p.At.ToUnixTimeMilliseconds(), p.Done }).ToArray(),
            insight is null ? null : Buckets(insight.Durations),
            insight?.RecentFailures.Select(f => new FailureView(f.Index, f.Parameters, f.Outcome.ToString(), f.ExitCode, f.Attempts, f.Node,
                f.Ended, f.Error, tails.Read(f.Stderr), f.Stdout is not null, f.Stderr is not null)).ToArray());
    }

    // From the first bucket holding a task to the last: the plot spans what the job's tasks took.
    private static DurationBucket[] Buckets(DurationHistogram histogram)
    {
        var counts = histogram.Counts;
        var first = Array.FindIndex(counts, c => c > 0);
        if (first < 0) return [];
        var last = Array.FindLastIndex(counts, c => c > 0);
        return Enumerable.Range(first, last - first + 1)
            .Select(i => new DurationBucket(double.IsInfinity(DurationHistogram.UpperBoundSeconds(i)) ? null : DurationHistogram.UpperBoundSeconds(i),
                counts[i]))
            .ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        lock (_gate)
            foreach (var page in _pages)
                page.Writer.TryComplete();
        _stop.Dispose();
    }
}
