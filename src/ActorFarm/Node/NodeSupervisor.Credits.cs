using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Event;

namespace ActorFarm.Node;

// Credits out (task requests) and results back (batches).
internal sealed partial class NodeSupervisor
{
    /// <summary>
    /// Asks the highest-priority job that is not exhausted for as many tasks as fit. One request
    /// per job at a time; a lower-priority job is asked only once every higher one said it has
    /// nothing right now. Only while serving.
    /// </summary>
    /// <remarks>
    /// Credits are counted in slots: everything the node holds (running, queued, asked for) counts
    /// the slots its tasks take, and a job whose tasks take k slots is asked for ⌊room / k⌋ of them.
    /// A job whose next task does not fit yet is still the one the node waits for: asking a lower
    /// one instead would fill the slots it waits for with one-slot tasks, again and again.
    /// </remarks>
    private void RequestMore()
    {
        foreach (var listed in _activeJobs)
        {
            var job = JobFor(listed.JobId);
            if (job.Exhausted || job.Unfit || !CanRun(job, listed)) continue;
            if (job.Outstanding is not null) return;
            var capacity = _settings.Slots * (1 + job.PrefetchPerSlot);
            var inHand = _busyLeaseSlots + _queuedSlots + _nodeJobs.Values.Sum(j => j.OutstandingSlots);
            // No more than one message can carry back (a very large node asks in several rounds).
            var credits = Math.Min((capacity - inHand) / job.Cpus, _settings.Wire.MaxLeasesPerMessage);
            if (credits <= 0) return;
            job.Outstanding = new NodeJob.PendingRequest(credits, DateTime.UtcNow);
            _jobs.Tell(new RequestTasks(job.Id, Self, _settings.NodeName, credits, NeedSpec: job.Spec is null));
            return;
        }
    }

    /// <summary>
    /// A job whose handler this node lacks is never asked for tasks: they would fail here for good;
    /// nor one whose tasks take more slots than the node has: they would never start here.
    /// </summary>
    private bool CanRun(NodeJob job, ActiveJob listed) =>
        _settings.CanRun(job.Spec is { } spec ? spec.Command.Handler : listed.Handler) && job.Cpus <= _settings.Slots;

    /// <summary>A request lost on the way (the job moving to another node) is forgotten and asked again.</summary>
    private void ExpireRequests()
    {
        var cutoff = DateTime.UtcNow - _settings.RequestTimeout;
        foreach (var job in _nodeJobs.Values)
        {
            job.ExpireRequest(cutoff);
            // Exhausted marks are refreshed too: a TasksAvailable may have been lost the same way.
            job.Exhausted = false;
        }
    }

    /// <summary>The node stopped serving: requests in flight are forgotten (their answers go back).</summary>
    private void ForgetRequests()
    {
        foreach (var job in _nodeJobs.Values) job.Outstanding = null;
    }

    /// <summary>Serving: results wait for a full batch or the flush timer.</summary>
    private void BufferResult(string jobId, TaskResult result)
    {
        var job = JobFor(jobId);
        if (job.Buffer(BoundText(job, result), _settings.ResultBatchSize, _settings.Wire.MessageBudget))
            Flush(job);
        else if (!Timers.IsTimerActive(nameof(FlushResults)))
            Timers.StartSingleTimer(nameof(FlushResults), FlushResults.Instance, _settings.ResultFlushInterval);
    }

    /// <summary>Leaving: a result goes at once, the node may be gone before a flush timer fires.</summary>
    private void SendResult(string jobId, TaskResult result)
    {
        var job = JobFor(jobId);
        job.Buffer(BoundText(job, result), _settings.ResultBatchSize, _settings.Wire.MessageBudget);
        Flush(job);
    }

    /// <summary>
    /// A task's text beyond the bound is cut (and the cut marked), and a payload beyond its bound
    /// fails the task, so that no result is too big to reach its job: a result that remoting drops
    /// would leave its task running for ever.
    /// </summary>
    private TaskResult BoundText(NodeJob job, TaskResult result)
    {
        if (result.Payload is not null)
            result = ResultBatching.RefuseOversizedPayload(result, job.Spec?.Command.Handler, _settings.PayloadLimit, _settings.MaxPayloadBytes);
        var (bounded, cut, first) = job.Bound(result, _settings.Wire.ResultTextLimit);
        if (first)
            _log.Warning("Job {0}: task {1} returned more text than a result may carry ({2} bytes, actorfarm.wire.max-result-text); {3} bytes cut. Further cuts in this job are not logged.",
                job.Id, result.Index, _settings.Wire.ResultTextLimit, cut);
        return bounded;
    }

    private void FlushAll()
    {
        foreach (var job in _nodeJobs.Values)
            if (job.Buffered.Count > 0) Flush(job);
    }

    /// <summary>Sends the buffered results as one batch, or as several when one message could not carry them all.</summary>
    private void Flush(NodeJob job)
    {
        foreach (var batch in job.TakeBatches(_settings.ResultBatchSize, _settings.Wire.MessageBudget, DateTime.UtcNow))
            Send(job, batch);
    }

    private void Send(NodeJob job, NodeJob.SentBatch batch) =>
        _jobs.Tell(new TaskResults(job.Id, Self, _settings.NodeName, batch.BatchId, batch.Results));

    private void HandleAcknowledged(ResultsAcknowledged ack)
    {
        if (_nodeJobs.TryGetValue(ack.JobId, out var job)) job.Acknowledge(ack);
    }

    /// <summary>
    /// Batches unacknowledged for long were lost on the way (a remoting hiccup, the job moving):
    /// send them again. A duplicate is harmless: the job ignores results it no longer expects.
    /// </summary>
    private void ResendOverdueBatches()
    {
        var now = DateTime.UtcNow;
        foreach (var job in _nodeJobs.Values)
            foreach (var batch in job.TakeOverdue(now - _settings.UnackedResendAfter, now))
                Send(job, batch);
    }
}
