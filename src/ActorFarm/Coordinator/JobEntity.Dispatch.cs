using ActorFarm.Results.Journal;
using ActorFarm.Metrics;
using ActorFarm.Persistence;
using ActorFarm.Results;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorFarm.Coordinator;

// The hot path: leases out, results in, results journaled in batches.
internal sealed partial class JobEntity
{
    private void HandleRequest(RequestTasks request)
    {
        var spec = request.NeedSpec ? _spec : null;
        if (!MayLease || JournalBehind)
        {
            // Nothing is handed out while nodes re-attach, while the entity leaves or the job is
            // being cancelled, or while results arrive faster than the journal takes them
            // (backpressure: more would only grow the backlog in memory). The node is woken
            // (TasksAvailable) when that ends, or asks the next incarnation.
            _hungryNodes.Add(request.Node);
            request.Node.Tell(new TaskBatch(_jobId, _incarnation, spec, [], Exhausted: true));
            return;
        }
        _leaseBuffer.Clear();
        _ledger!.LeaseTo(request.Node, request.Credits, _leaseBuffer);
        // Fewer than asked means the ready queue is empty and the cursor reached the end.
        var exhausted = _leaseBuffer.Count < request.Credits || !_ledger.HasRunnable;
        if (exhausted)
            _hungryNodes.Add(request.Node);
        if (_leaseBuffer.Count > 0)
        {
            WatchNode(request.Node);
            FarmMetrics.LeasesGranted.Add(_leaseBuffer.Count, _jobTag);
        }
        request.Node.Tell(new TaskBatch(_jobId, _incarnation, spec, _leaseBuffer.ToArray(), exhausted));
    }

    /// <summary>The one rule for whether this running job hands out tasks now (backpressure aside).</summary>
    private bool MayLease => !_awaitingReattach && !_stopWhenFlushed && !_leaving && _cancelRequested is null && _fault is null;

    /// <summary>More results wait for the journal than <see cref="JournalBacklogEvents"/> full events hold.</summary>
    private bool JournalBehind => _unrecorded.Count >= JournalBacklogEvents * _settings.MaxResultsPerEvent;

    private const int JournalBacklogEvents = 4;

    private void WatchNode(IActorRef node)
    {
        if (_watchedNodes.Add(node))
            Context.Watch(node);
    }

    private void HandleResults(TaskResults batch)
    {
        FarmMetrics.ResultsReceived.Add(batch.Results.Length, _jobTag);
        Absorb(batch.Results, batch.NodeName);
        ExpectAck(batch.Node, batch.BatchId);
    }

    private void HandleReturn(ReturnLeases returned)
    {
        var now = DateTimeOffset.UtcNow;
        var results = returned.Leases
            .Select(l => new TaskResult(l.Index, l.Attempt, TaskOutcome.Returned, null, now, now))
            .ToArray();
        Absorb(results, returned.Node.Path.Address.ToString());
    }

    /// <summary>Takes in a batch of results: final ones are buffered for the journal, the rest re-queued.</summary>
    private void Absorb(IReadOnlyList<TaskResult> results, string nodeName)
    {
        var now = DateTimeOffset.UtcNow;
        // Attempts back in the ready queue at once, of them crashed workers' (they count as
        // attempts: retries), and attempts waiting for their backoff.
        int requeued = 0, crashed = 0, retryLater = 0;
        foreach (var result in results)
        {
            switch (_ledger!.Resolve(result, _spec!.Retry, _settings.MinAttemptsOnLoss, now))
            {
                case Verdict.Final:
                    if (result.Outcome == TaskOutcome.Succeeded) _succeeded++;
                    else _failed++;
                    _finalsAbsorbed++;
                    _unrecorded.Add(new TaskRecord(result.Index, result.Attempt, result.Outcome, result.ExitCode,
                        nodeName, result.Started, result.Ended, result.Error, result.OutputTruncated,
                        result.Message, result.Payload, result.PayloadIsJson));
                    break;
                case Verdict.Requeued:
                    requeued++;
                    if (result.Outcome == TaskOutcome.WorkerCrashed) crashed++;
                    break;
                case Verdict.RetryLater:
                    retryLater++;
                    break;
            }
        }
        CountRequeued(requeued - crashed, retryLater + crashed);
        if (retryLater > 0) ScheduleRetry();
        StopIfTooManyFailed();
        if (requeued > 0 || retryLater > 0) WakeHungryNodes();
        FlushResults();
    }

    /// <summary>
    /// Group commit: one write in flight at a time; results that arrive meanwhile wait and go
    /// out together in the next event. Under load every event carries a full batch; when idle a
    /// single result is written at once. A cancellation waits for the results before it, and
    /// the job's end for everything.
    /// </summary>
    private void FlushResults()
    {
        ReplyIfNodesSettled();
        // While paused the journal child is gone; once reopened, the next write is the probe
        // that ends the pause (see HandleReopened).
        if (_writing is not null || _journal is null) return;
        if (_unrecorded.Count > 0 && _phase == JobPhase.Running)
        {
            TaskRecord[] records;
            if (_unrecorded.Count <= _settings.MaxResultsPerEvent)
            {
                records = _unrecorded.ToArray();
                _unrecorded.Clear();
            }
            else
            {
                records = _unrecorded.GetRange(0, _settings.MaxResultsPerEvent).ToArray();
                _unrecorded.RemoveRange(0, _settings.MaxResultsPerEvent);
            }
            Write(new TaskResultsRecorded(records));
            return;
        }
        if (_cancelRequested is { } cancel && _phase == JobPhase.Running)
        {
            Write(new JobCancelled(cancel.Reason, DateTimeOffset.UtcNow, cancel.MaxFails));
            return;
        }
        CheckFinished();
        if (_stopWhenFlushed && _writing is null) Context.Stop(Self);
    }

    private void HandleCancel(CancelJob cancel) => RequestCancel(cancel.Reason, Sender, maxFails: null);

    /// <summary>
    /// Stops the job: nothing more is leased (<see cref="MayLease"/>), results that already arrived
    /// are journaled first, then the cancellation, which kills the running tasks. The first reason
    /// stands; a client asking while the job stops itself gets the answer.
    /// </summary>
    private void RequestCancel(string reason, IActorRef asker, int? maxFails)
    {
        if (_cancelRequested is { } pending)
        {
            if (pending.Asker.IsNobody()) _cancelRequested = pending with { Asker = asker };
        }
        else
        {
            RecordTasksTheRerunDidNotRun();
            _cancelRequested = new CancelRequest(reason, asker, maxFails);
        }
        FlushResults();
    }

    /// <summary>
    /// A cancellation waiting to be journaled: its reason, who waits for the answer (nobody when
    /// the job stops itself), and the max-fails that stopped the job (null for a client's).
    /// </summary>
    private readonly record struct CancelRequest(string Reason, IActorRef Asker, int? MaxFails);

    private void CheckFinished()
    {
        if (_phase != JobPhase.Running || _writing is not null || _journal is null || _unrecorded.Count > 0) return;
        if (_ledger!.Recorded < _ledger.Total) return;
        Write(new JobFinished(_recordedSucceeded, _recordedFailed, DateTimeOffset.UtcNow));
    }

    private void OnEnded()
    {
        Become(Ended);
        Timers.Cancel(nameof(RetryDue));
        _directory.Tell(new JobDeactivated(_jobId, _phase));
        foreach (var node in _hungryNodes) node.Tell(new TaskBatch(_jobId, _incarnation, null, [], Exhausted: true));
        _hungryNodes.Clear();
        foreach (var node in _watchedNodes) Context.Unwatch(node);
        _watchedNodes.Clear();
        ReplyIfNodesSettled();
        StartExport();
    }

    private void StartExport()
    {
        // A fault the appender reported while the job ran is behind: what follows writes the file
        // or says why it could not (until then the ended job is not settled).
        _exportError = null;
        if (_appender is not null)
        {
            _appender.Tell(ResultsAppender.Complete.Instance);
            return;
        }
        CancelExport();
        _export = new CancellationTokenSource();
        var generation = _exportGeneration;
        // After a rerun, the failures it superseded are left out: one row per task, its latest.
        ResultsExporter.ExportAsync(Context.System, _jobId, supersededBefore: _rerunSequenceNr,
                cancellationToken: _export.Token, queryPluginId: _settings.Journal?.QueryPluginId)
            .PipeTo(Self, success: path => new ResultsExported(path, generation),
                failure: cause => new ResultsExportFailed(cause, generation));
    }

    /// <summary>An export in flight is abandoned: it stops, and whatever it answers is ignored.</summary>
    private void CancelExport()
    {
        _exportGeneration++;
        if (_export is null) return;
        _export.Cancel();
        _export.Dispose();
        _export = null;
    }

    private void HandleExported(ResultsExported exported)
    {
        if (exported.Generation != _exportGeneration) return;
        _exported = true;
        _resultsFile = exported.Path;
        _exportError = null;
        ReleaseHeldStatuses();
        PassivateWhenIdle();
    }

    private static readonly TimeSpan FailedExportKeptFor = TimeSpan.FromSeconds(30);

    /// <summary>An ended job with its results file written leaves its shard (which then forgets it), at once or once idle.</summary>
    private void PassivateWhenIdle()
    {
        if (_leaveWhenExported || _settings.PassivateEndedAfter <= TimeSpan.Zero)
            Context.Parent.Tell(new Passivate(HandOff.Instance));
        else
            SetReceiveTimeout(_settings.PassivateEndedAfter);
    }

    private void HandleAppended(ResultsAppender.Written written)
    {
        StopAppender();
        HandleExported(new ResultsExported(written.Path, _exportGeneration));
    }

    /// <summary>The file written while the job ran is lost: export it from the journal instead.</summary>
    private void HandleAppendFailed(ResultsAppender.NotWritten failed)
    {
        // The appender said so in a warning already; a failure of the export is an error of its own.
        _log.Info("Job {0}: {1}; exporting the results from the journal", _jobId, failed.Reason);
        StopAppender();
        StartExport();
    }

    private void StopAppender()
    {
        if (_appender is not null) Context.Stop(_appender);
        _appender = null;
    }

    /// <summary>
    /// An appender that first writes the file from the journal up to the last event this life
    /// knows (the results after it reach the appender as they are journaled), leaving out the
    /// failures of the latest rerun; for an ended job, <paramref name="keep"/> says when the
    /// file on disk is whole already.
    /// </summary>
    private IActorRef StartAppender(ResultsAppender.KeepIf? keep) =>
        StartAppender(new ResultsAppender.FromJournal(_lastSequenceNr, _rerunSequenceNr, _settings.Journal?.QueryPluginId, keep));

    private IActorRef StartAppender(ResultsAppender.Start start)
    {
        // A random int names the staged file: OutputLayout bounds the derived paths with one, and
        // two lives of the job (one dying, one starting) never share it.
        var staged = $"{_resultsFile}.{Random.Shared.Next()}.partial";
        return Context.ActorOf(ResultsAppender.Props(_jobId, _spec!, _resultsFile!, staged, start), $"results-{++_appenders}");
    }

    /// <summary>
    /// The file misses rows the journal has (a write failed): a running job's status says so
    /// until the end writes the file. Once the job has ended the appender's answer to Complete
    /// (NotWritten) follows, and the export decides; an error shown meanwhile would settle the
    /// job before that.
    /// </summary>
    private void HandleAppenderFaulted(ResultsAppender.Faulted faulted)
    {
        if (!Sender.Equals(_appender) || _phase != JobPhase.Running) return;
        _exportError = faulted.Reason;
    }

    private void HandleExportFailed(ResultsExportFailed failure)
    {
        if (failure.Generation != _exportGeneration) return;
        // The journal keeps every result: `actorfarm results` can still export them elsewhere.
        _exportError = $"writing {_resultsFile} failed: {failure.Cause.Message}";
        _log.Error(failure.Cause, "Job {0}: {1}", _jobId, _exportError);
        ReleaseHeldStatuses();
        // Kept a while, so that a status query can say why; left, its next recovery tries again.
        SetReceiveTimeout(_settings.PassivateEndedAfter > TimeSpan.Zero ? _settings.PassivateEndedAfter : FailedExportKeptFor);
    }

    private void ScheduleRetry()
    {
        var next = _ledger!.PromoteDue(DateTimeOffset.UtcNow);
        if (next is { } due)
            Timers.StartSingleTimer(nameof(RetryDue), RetryDue.Instance, Max(due - DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1)));
    }

    private void OnRetryDue()
    {
        ScheduleRetry();
        WakeHungryNodes();
    }

    private void WakeHungryNodes()
    {
        // While nodes re-attach or the entity leaves, nothing is handed out: waking them would
        // only earn an empty batch (the grace's end wakes them).
        if (_hungryNodes.Count == 0 || !_ledger!.HasRunnable || !MayLease) return;
        var available = new TasksAvailable(_jobId);
        foreach (var node in _hungryNodes) node.Tell(available);
        _hungryNodes.Clear();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
