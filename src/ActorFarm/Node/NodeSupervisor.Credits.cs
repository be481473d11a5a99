using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Node;

// Credits out (task requests) and results back (batches).
public sealed partial class NodeSupervisor
{
    private int Busy => _slots.Count(s => s.JobId is not null);

    /// <summary>
    /// Asks the highest-priority job that is not exhausted for as many tasks as fit. One request
    /// per job at a time; a lower-priority job is asked only once every higher one said it has
    /// nothing right now.
    /// </summary>
    private void RequestMore()
    {
        if (_drain is not null) return;
        foreach (var job in _activeJobs)
        {
            if (_exhausted.Contains(job.JobId) || _unfit.Contains(job.JobId)) continue;
            if (_outstanding.ContainsKey(job.JobId)) return;
            var policy = PrefetchFor(job.JobId);
            var capacity = _settings.Slots * (1 + policy.PrefetchPerSlot);
            var inHand = Busy + _queue.Count + _outstanding.Values.Sum(p => p.Credits);
            var credits = capacity - inHand;
            if (credits <= 0) return;
            _outstanding[job.JobId] = new PendingRequest(credits, DateTime.UtcNow);
            _jobs.Tell(new RequestTasks(job.JobId, Self, _settings.NodeName, credits, NeedSpec: !_specs.ContainsKey(job.JobId)));
            return;
        }
    }

    private PrefetchPolicy PrefetchFor(string jobId)
    {
        if (!_prefetch.TryGetValue(jobId, out var policy))
            _prefetch[jobId] = policy = new PrefetchPolicy(_settings.MaxPrefetchPerSlot);
        return policy;
    }

    /// <summary>A request lost on the way (the job moving to another node) is forgotten and asked again.</summary>
    private void ExpireRequests()
    {
        var cutoff = DateTime.UtcNow - _settings.RequestTimeout;
        foreach (var (jobId, pending) in _outstanding.ToList())
            if (pending.SentAt < cutoff) _outstanding.Remove(jobId);
        // Exhausted marks are refreshed too: a TasksAvailable may have been lost the same way.
        _exhausted.Clear();
        RequestMore();
    }

    private void BufferResult(string jobId, TaskResult result)
    {
        if (!_results.TryGetValue(jobId, out var buffer))
            _results[jobId] = buffer = new List<TaskResult>();
        buffer.Add(result);
        if (buffer.Count >= _settings.ResultBatchSize || _drain is not null)
            Flush(jobId, buffer);
        else if (!Timers.IsTimerActive(nameof(FlushResults)))
            Timers.StartSingleTimer(nameof(FlushResults), FlushResults.Instance, _settings.ResultFlushInterval);
    }

    private void FlushAll()
    {
        foreach (var (jobId, buffer) in _results)
            if (buffer.Count > 0) Flush(jobId, buffer);
    }

    private void Flush(string jobId, List<TaskResult> buffer)
    {
        _jobs.Tell(new TaskResults(jobId, _settings.NodeName, buffer.ToArray()));
        buffer.Clear();
    }

    /// <summary>The job was cancelled: drop its queued leases and kill its running tasks.</summary>
    private void StopJob(string jobId)
    {
        var keep = _queue.Where(q => q.JobId != jobId).ToList();
        _queue.Clear();
        foreach (var q in keep) _queue.Enqueue(q);
        foreach (var slot in _slots)
            if (slot.JobId == jobId) slot.Worker?.Tell(new CancelRunningTask(jobId));
    }

    private void ForgetJob(string jobId)
    {
        StopJob(jobId);
        FlushAll();
        _specs.Remove(jobId);
        _prefetch.Remove(jobId);
        _exhausted.Remove(jobId);
        _outstanding.Remove(jobId);
        _results.Remove(jobId);
        _incarnations.Remove(jobId);
        _unfit.Remove(jobId);
    }
}
