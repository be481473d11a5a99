using System.Runtime.InteropServices;
using ActorFarm.Results.Files;
using ActorFarm.Persistence;
using ActorFarm.Protocol;
using ActorFarm.Results;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorFarm.Coordinator;

// The journal: recovery, acceptance and writes (at most one in flight); its failures are in JobEntity.JournalFaults.cs.
internal sealed partial class JobEntity
{
    private int _journalChildren;

    // ---- recovery -------------------------------------------------------------------------

    private void ApplyReplayed(JobJournal.Replayed replayed)
    {
        _lastSequenceNr = replayed.SequenceNr;
        switch (replayed.Event)
        {
            case JobAccepted e: Apply(e); break;
            case TaskResultsRecorded e: Apply(e); break;
            case JobFinished e: Apply(e); break;
            case JobCancelled e: Apply(e); break;
            case TasksReopened e: Apply(e, replayed.SequenceNr); break;
            case JobSnapshot s: Apply(s); break;
        }
        // Progress counts what is journaled plus what waits for the journal.
        _succeeded = _recordedSucceeded + _unrecorded.Count(r => r.Outcome == TaskOutcome.Succeeded);
        _failed = _recordedFailed + _unrecorded.Count(r => r.Outcome != TaskOutcome.Succeeded);
    }

    private void Apply(JobAccepted e)
    {
        _spec = e.Spec;
        _phase = JobPhase.Running;
        _acceptedAt = e.At;
        _ledger = new TaskLedger(e.Spec.TaskCount);
    }

    private void Apply(TaskResultsRecorded e)
    {
        foreach (var r in e.Results)
        {
            _ledger!.MarkRecorded(r.Index);
            if (r.Outcome == TaskOutcome.Succeeded) _recordedSucceeded++;
            else _recordedFailed++;
            _insights.Record(r);
        }
        _appender?.Tell(new ResultsAppender.Append(e.Results));
    }

    private void Apply(JobFinished e)
    {
        _phase = JobPhase.Finished;
        _endedAt = e.At;
    }

    private void Apply(JobCancelled e)
    {
        _phase = JobPhase.Cancelled;
        _endedAt = e.At;
        _endReason = e.Reason;
        _stoppedByMaxFails = e.MaxFails is not null;
        _ledger?.Clear();
    }

    private void Apply(JobSnapshot s)
    {
        _spec = s.Spec;
        _phase = s.Phase;
        _acceptedAt = s.AcceptedAt;
        _endedAt = s.EndedAt;
        _recordedSucceeded = s.Succeeded;
        _recordedFailed = s.Failed;
        _reruns = s.Reruns;
        _rerunSequenceNr = s.RerunSequenceNr;
        _rerunResumesUnrun = s.RerunResumesUnrun;
        _ledger = new TaskLedger(s.Spec.TaskCount, CompletionBitmap.FromWords(s.Spec.TaskCount, s.CompletedBits));
        _insights.Restore(s.DurationCounts, s.RecentFailures, s.DurationTicks);
        if (_phase != JobPhase.Running) _ledger.Clear();
    }

    /// <summary>A failed recovery applied part of the journal: the next one starts from nothing.</summary>
    private void ForgetRecoveredState()
    {
        _spec = null;
        _phase = JobPhase.Unknown;
        _acceptedAt = _endedAt = null;
        _ledger = null;
        _recordedSucceeded = _recordedFailed = _succeeded = _failed = 0;
        _reruns = 0;
        _rerunSequenceNr = 0;
        _rerunResumesUnrun = false;
        _endReason = null;
        _stoppedByMaxFails = false;
        _insights.Restore(null, null, 0);
        _lastSequenceNr = 0;
    }

    private void OnRecovered()
    {
        // Nothing waited for the recovery: the shard started the entity because it remembers it.
        var startedByTheShard = Stash.IsEmpty;
        Stash.UnstashAll();
        if (_spec is null)
        {
            Become(AwaitingSubmit);
            return;
        }
        _resultsFile = ResultsFileWriter.DefaultPath(_spec);
        if (_phase != JobPhase.Running)
        {
            Become(Ended);
            // An ended job with nothing to do leaves the shard, which forgets it: the next start
            // of the farm does not start it again (a message for it starts it on demand). Left
            // remembered, every old job started with every farm, and a farm stopping while they
            // started waited 10 s for the shard region (messages buffered for shards handed off).
            _leaveWhenExported = startedByTheShard;
            // The file its end wrote is kept when it is whole; otherwise it is written again.
            _appender ??= StartAppender(_endedAt is { } ended
                ? new ResultsAppender.KeepIf(ended, _recordedSucceeded + _recordedFailed)
                : null);
            StartExport();
            return;
        }
        // The file goes on from what the journal holds, whatever the previous life left in it.
        _appender ??= StartAppender(keep: null);
        _log.Info("Job {0} recovered: {1} of {2} tasks already done", _jobId, _ledger!.Recorded, _spec.TaskCount);
        // Nodes that stayed up may still hold leases of the previous life: give them a moment
        // to re-attach before handing out anything, so their tasks are not run twice.
        if (_settings.ReattachGrace > TimeSpan.Zero)
        {
            _awaitingReattach = true;
            Timers.StartSingleTimer(nameof(ReattachGraceOver), ReattachGraceOver.Instance, _settings.ReattachGrace);
        }
        AnnounceActive();
        Become(Running);
        // Failures journaled up to max-fails, and the stop not yet: it is written before anything runs.
        StopIfTooManyFailed();
        CheckFinished();
    }

    /// <summary>
    /// Tells the directory the job has work, with what a node needs to know before it asks
    /// (handler, slots per task), and again every <c>announce-retry</c> until the directory says it
    /// recorded it: a directory whose journal failed under that write starts again without it.
    /// </summary>
    private void AnnounceActive()
    {
        AnnounceAgain();
        Timers.StartPeriodicTimer(nameof(AnnounceDue), AnnounceDue.Instance, _settings.AnnounceRetry);
    }

    private void AnnounceAgain() =>
        _directory.Tell(new JobActivated(_jobId, _spec!.Name, _spec.Priority, _incarnation, _spec.Command.Handler, _spec.SlotsPerTask));

    private void HandleActivationRecorded(JobActivationRecorded recorded)
    {
        if (recorded.Incarnation == _incarnation) Timers.Cancel(nameof(AnnounceDue));
    }

    // ---- accepting ------------------------------------------------------------------------

    private void HandleSubmit(SubmitJob submit)
    {
        if (_journal is null)
        {
            // The journal is down (the fault is in the status): a job that cannot be journaled
            // is not accepted.
            Sender.Tell(new JobSubmitted(_jobId, false, Status()));
            return;
        }
        Write(new JobAccepted(_jobId, submit.Spec, DateTimeOffset.UtcNow));
        Become(() => Accepting(Sender));
    }

    private void OnAccepted(JobAccepted accepted, IActorRef submitter)
    {
        Apply(accepted);
        _resultsFile = ResultsFileWriter.DefaultPath(accepted.Spec);
        _appender = StartAppender(ResultsAppender.Fresh.Instance);
        _log.Info("Job {0} accepted: {1} tasks", _jobId, accepted.Spec.TaskCount);
        AnnounceActive();
        Become(Running);
        submitter.Tell(new JobSubmitted(_jobId, Resumed: false, Status()));
        CheckFinished();
    }

    // ---- writing --------------------------------------------------------------------------

    private void Write(IJobEvent e)
    {
        _writing = e;
        _journal!.Tell(new JobJournal.Write(e));
    }

    private void HandleWritten(JobJournal.Written written)
    {
        _writing = null;
        _lastSequenceNr = written.SequenceNr;
        switch (written.Event)
        {
            case TaskResultsRecorded e:
                Apply(e);
                CountWritten(e, written.Took);
                OnJournaled(e.Results.Length);
                MaybeSnapshot();
                FlushResults();
                if (!JournalBehind) WakeHungryNodes();
                break;
            case JobFinished e:
                Apply(e);
                _log.Info("Job {0} finished: {1} succeeded, {2} failed", _jobId, e.Succeeded, e.Failed);
                OnEnded();
                FlushResults(); // a pending hand-off stops the entity now
                break;
            case JobCancelled e:
                var holders = _ledger!.LeaseHolders();
                Apply(e);
                // Results that arrived while the cancellation was being written are not the job's:
                // it ended before them, so the final counts are the journal's and match the results
                // file (their batches are acknowledged by the ended job, as any later one).
                _unrecorded.Clear();
                _succeeded = _recordedSucceeded;
                _failed = _recordedFailed;
                foreach (var node in holders) node.Tell(new StopJobTasks(_jobId));
                if (e.MaxFails is null) _log.Info("Job {0} cancelled: {1}", _jobId, e.Reason);
                else _log.Warning("Job {0} {1}", _jobId, e.Reason);
                _cancelRequested?.Asker.Tell(Status());
                _cancelRequested = null;
                OnEnded();
                FlushResults();
                break;
        }
    }

    private void MaybeSnapshot()
    {
        // Only when no other write is pending: the journal's last sequence number then names
        // exactly the events the bitmap reflects.
        if (++_eventsSinceSnapshot < _settings.SnapshotEveryEvents || _writing is not null) return;
        _eventsSinceSnapshot = 0;
        _journal!.Tell(new JobJournal.TakeSnapshot(new JobSnapshot(_jobId, _spec!, _phase, _acceptedAt!.Value, _endedAt,
            _recordedSucceeded, _recordedFailed, _ledger!.Bitmap.CopyWords(), _reruns, _rerunSequenceNr,
            _insights.DurationCounts(), _insights.Failures(), _rerunResumesUnrun, _insights.DurationTicks)));
    }
}
