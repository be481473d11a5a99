using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Event;

namespace ActorFarm.Node;

// Credits out (task requests) and results back (batches).
public sealed partial class NodeSupervisor
{
    private int Busy => _busyLeases;

    /// <summary>
    /// Asks the highest-priority job that is not exhausted for as many tasks as fit. One request
    /// per job at a time; a lower-priority job is asked only once every higher one said it has
    /// nothing right now.
    /// </summary>
    private void RequestMore()
    {
        if (IsStopping) return;
        foreach (var job in _activeJobs)
        {
            if (_exhausted.Contains(job.JobId) || _unfit.Contains(job.JobId) || !CanRun(job)) continue;
            if (_outstanding.ContainsKey(job.JobId)) return;
            var policy = PrefetchFor(job.JobId);
            var capacity = _settings.Slots * (1 + policy.PrefetchPerSlot);
            var inHand = Busy + _queue.Count + _outstanding.Values.Sum(p => p.Credits);
            // No more than one message can carry back (a very large node asks in several rounds).
            var credits = Math.Min(capacity - inHand, _settings.Wire.MaxLeasesPerMessage);
            if (credits <= 0) return;
            _outstanding[job.JobId] = new PendingRequest(credits, DateTime.UtcNow);
            _jobs.Tell(new RequestTasks(job.JobId, Self, _settings.NodeName, credits, NeedSpec: !_specs.ContainsKey(job.JobId)));
            return;
        }
    }

    /// <summary>A job whose handler this node lacks is never asked for tasks: they would fail here for good.</summary>
    private bool CanRun(ActiveJob job) =>
        _settings.CanRun(_specs.TryGetValue(job.JobId, out var spec) ? spec.Command.Handler : job.Handler);

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
        ResendOverdueBatches();
    }

    private void BufferResult(string jobId, TaskResult result)
    {
        result = BoundText(jobId, result);
        if (!_results.TryGetValue(jobId, out var buffer))
            _results[jobId] = buffer = new List<TaskResult>();
        buffer.Add(result);
        var bytes = _resultBytes[jobId] = _resultBytes.GetValueOrDefault(jobId) + WireLimits.EstimateBytes(result);
        if (buffer.Count >= _settings.ResultBatchSize || bytes >= _settings.Wire.MessageBudget || IsStopping)
            Flush(jobId, buffer);
        else if (!Timers.IsTimerActive(nameof(FlushResults)))
            Timers.StartSingleTimer(nameof(FlushResults), FlushResults.Instance, _settings.ResultFlushInterval);
    }

    /// <summary>
    /// A task's text beyond the bound is cut (and the cut marked), so that no result is too big
    /// to reach its job: a result that remoting drops would leave its task running for ever.
    /// </summary>
    private TaskResult BoundText(string jobId, TaskResult result)
    {
        var (bounded, cut) = ResultBatching.Truncate(result, _settings.Wire.ResultTextLimit);
        if (cut == 0) return result;
        var count = _truncated[jobId] = _truncated.GetValueOrDefault(jobId) + 1;
        if (count == 1)
            _log.Warning("Job {0}: task {1} returned more text than a result may carry ({2} bytes, actorfarm.wire.max-result-text); {3} bytes cut. Further cuts in this job are not logged.",
                jobId, result.Index, _settings.Wire.ResultTextLimit, cut);
        return bounded;
    }

    private void FlushAll()
    {
        foreach (var (jobId, buffer) in _results)
            if (buffer.Count > 0) Flush(jobId, buffer);
    }

    /// <summary>Sends the buffered results as one batch, or as several when one message could not carry them all.</summary>
    private void Flush(string jobId, List<TaskResult> buffer)
    {
        var batches = _resultBytes.GetValueOrDefault(jobId) <= _settings.Wire.MessageBudget && buffer.Count <= _settings.ResultBatchSize
            ? [buffer.ToArray()]
            : ResultBatching.Split(buffer, _settings.ResultBatchSize, _settings.Wire.MessageBudget);
        buffer.Clear();
        _resultBytes[jobId] = 0;
        if (!_unacked.TryGetValue(jobId, out var sent))
            _unacked[jobId] = sent = new List<SentBatch>();
        foreach (var results in batches)
        {
            var batchId = _batchIds.GetValueOrDefault(jobId) + 1;
            _batchIds[jobId] = batchId;
            sent.Add(new SentBatch(batchId, results, DateTime.UtcNow));
            _jobs.Tell(new TaskResults(jobId, Self, _settings.NodeName, batchId, results));
        }
    }

    private void HandleAcknowledged(ResultsAcknowledged ack)
    {
        if (_unacked.TryGetValue(ack.JobId, out var sent))
            sent.RemoveAll(b => ack.Covers(b.BatchId));
        CheckDrained();
    }

    /// <summary>
    /// Batches unacknowledged for long were lost on the way (a remoting hiccup, the job moving):
    /// send them again. A duplicate is harmless: the job ignores results it no longer expects.
    /// </summary>
    private void ResendOverdueBatches()
    {
        var overdue = DateTime.UtcNow - _settings.UnackedResendAfter;
        foreach (var (jobId, sent) in _unacked)
            for (var i = 0; i < sent.Count; i++)
                if (sent[i].SentAt < overdue)
                {
                    sent[i] = sent[i] with { SentAt = DateTime.UtcNow };
                    _jobs.Tell(new TaskResults(jobId, Self, _settings.NodeName, sent[i].BatchId, sent[i].Results));
                }
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
        DropHeld(jobId);
        FlushAll();
        _specs.Remove(jobId);
        _prefetch.Remove(jobId);
        _exhausted.Remove(jobId);
        _outstanding.Remove(jobId);
        _results.Remove(jobId);
        _resultBytes.Remove(jobId);
        _truncated.Remove(jobId);
        _incarnations.Remove(jobId);
        _unfit.Remove(jobId);
        _unbatched.Remove(jobId);
        _unacked.Remove(jobId);
        _batchIds.Remove(jobId);
    }
}
