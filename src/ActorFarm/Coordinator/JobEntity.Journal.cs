using System.Runtime.InteropServices;
using ActorFarm.Results.Files;
using ActorFarm.Persistence;
using ActorFarm.Protocol;
using ActorFarm.Results;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorFarm.Coordinator;

// The journal: recovery, writes (at most one in flight), and what happens when it fails.
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
        _ledger = new TaskLedger(s.Spec.TaskCount, CompletionBitmap.FromWords(s.Spec.TaskCount, s.CompletedBits));
        _insights.Restore(s.DurationCounts, s.RecentFailures);
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
            if (ResultsFileWrittenSinceTheEnd())
                HandleExported(new ResultsExported(_resultsFile, _exportGeneration));
            else
                StartExport();
            return;
        }
        _log.Info("Job {0} recovered: {1} of {2} tasks already done", _jobId, _ledger!.Recorded, _spec.TaskCount);
        // Nodes that stayed up may still hold leases of the previous life: give them a moment
        // to re-attach before handing out anything, so their tasks are not run twice.
        if (_settings.ReattachGrace > TimeSpan.Zero)
        {
            _awaitingReattach = true;
            Timers.StartSingleTimer(nameof(ReattachGraceOver), ReattachGraceOver.Instance, _settings.ReattachGrace);
        }
        _directory.Tell(new JobActivated(_jobId, _spec.Name, _spec.Priority, _incarnation, _spec.Command.Handler));
        Become(Running);
        CheckFinished();
    }

    /// <summary>
    /// Whether the results file on disk is the one this end of the job wrote. An ended job is
    /// recovered when its shard still remembers it (its farm stopped before it passivated) or when
    /// a message starts it on demand; rewriting its results from the journal each time made a
    /// state directory with a few finished jobs slow to start. The export writes a temporary file
    /// and renames it, and it starts only once
    /// the end is journaled: a file there, last written at or after the end, is complete and
    /// current. One written before (the previous end of a job rerun since) or none at all is
    /// exported again. Clocks that disagree (a coordinator moved to another machine, an NFS server)
    /// at worst export once more.
    /// </summary>
    private bool ResultsFileWrittenSinceTheEnd()
    {
        if (_endedAt is not { } ended || !File.Exists(_resultsFile)) return false;
        return File.GetLastWriteTimeUtc(_resultsFile) >= ended.UtcDateTime;
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
        _appender = Context.ActorOf(ResultsAppender.Props(accepted.Spec, _resultsFile, $"{_resultsFile}.{_incarnation}.partial"), "results");
        _log.Info("Job {0} accepted: {1} tasks", _jobId, accepted.Spec.TaskCount);
        _directory.Tell(new JobActivated(_jobId, accepted.Spec.Name, accepted.Spec.Priority, _incarnation, accepted.Spec.Command.Handler));
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
                _log.Info("Job {0} cancelled: {1}", _jobId, e.Reason);
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
            _insights.DurationCounts(), _insights.Failures())));
    }

    // ---- failing --------------------------------------------------------------------------

    /// <summary>
    /// The journal child failed and is gone. What was being written goes back to the waiting
    /// results (it is written again once the journal works); the job pauses; the journal is
    /// reopened with backoff. One log line when the trouble starts, one when it ends.
    /// </summary>
    private void OnJournalFailed(IActorRef journal, Exception cause, bool whileRecovering)
    {
        if (!journal.Equals(_journal)) return; // an earlier child's last words
        Context.Unwatch(journal);
        _journal = null;
        if (_writing is TaskResultsRecorded unwritten)
            _unrecorded.InsertRange(0, unwritten.Results);
        _writing = null;

        var fault = JournalFault.From(cause, _journalLocation);
        if (fault.AnotherWriter)
        {
            // Two farms write this job at once (the single-writer locks were bypassed): carrying
            // on would run its tasks twice. Stop everything and say so; nothing is retried.
            Fence(fault, "another farm writes the same job");
            return;
        }
        RecordFault(fault);
        if (whileRecovering)
        {
            ForgetRecoveredState();
            return;
        }
        PauseRunningJob();
    }

    /// <summary>
    /// A fault of the journal (or of the job's writer lock): one line when the trouble starts,
    /// halted once it lasts past the limit, and the next attempt scheduled with backoff.
    /// </summary>
    private void RecordFault(JournalFault fault)
    {
        // "Refusing writes after repeated failures" says less than the failure that led to it.
        if (fault.BreakerOpen && _fault is not null) fault = _fault;
        var now = DateTimeOffset.UtcNow;
        if (_fault is null)
        {
            _faultSince = now;
            _log.Warning(_phase == JobPhase.Running
                    ? "{0}; job {1} paused: nothing new starts until the journal takes writes again (retrying; halted after {2:0} s)"
                    : "{0}; job {1} waits for it (retrying; halted after {2:0} s)",
                fault.Describe(), _jobId, _settings.JournalGiveUpAfter.TotalSeconds);
        }
        _fault = fault;
        if (!_halted && now - _faultSince >= _settings.JournalGiveUpAfter)
            Halt($"job {_jobId} halted: {fault.Describe()} for {(now - _faultSince!.Value).TotalSeconds:0} s; " +
                 "every result journaled before is kept, and the job goes on when the journal works again");
        Timers.StartSingleTimer(nameof(RetryJournal), RetryJournal.Instance, JournalBackoff(_journalRetries++));
        ReleaseHeldStatuses();
    }

    /// <summary>A running job whose journal fails: nothing more is leased until a write succeeds.</summary>
    private void PauseRunningJob()
    {
        if (_phase != JobPhase.Running) return;
        _cancelRequested?.Asker.Tell(Status());
        _cancelRequested = null;
        Become(Paused);
        // A leaving node cannot wait for results that cannot be journaled: the nodes keep them
        // (unacknowledged) for the job's next life.
        foreach (var waiter in _drainWaiters) waiter.Tell(new NodesDrained(_jobId));
        _drainWaiters.Clear();
    }

    /// <summary>Another farm writes this job: stop its tasks here, halt, never retry.</summary>
    private void Fence(JournalFault fault, string why)
    {
        _fault = fault;
        _faultSince ??= DateTimeOffset.UtcNow;
        Timers.Cancel(nameof(RetryJournal));
        _log.Error("job {0} halted: {1} in {2}; it is not run here", _jobId, why, _journalLocation);
        Halt($"job {_jobId} halted: {why} in {_journalLocation}");
        foreach (var node in _ledger?.LeaseHolders() ?? []) node.Tell(new StopJobTasks(_jobId));
        PauseRunningJob();
    }

    private void Halt(string reason)
    {
        _halted = true;
        // Info, not error: clients that wait on the job report the halt themselves, in one line.
        _log.Info("{0}", reason);
        ReleaseHeldStatuses();
    }

    private TimeSpan JournalBackoff(int retries)
    {
        var backoff = _settings.JournalRetryMinBackoff * Math.Pow(2, Math.Min(retries, 16));
        return backoff < _settings.JournalRetryMaxBackoff ? backoff : _settings.JournalRetryMaxBackoff;
    }

    private string NextJournalName() => $"journal-{++_journalChildren}";

    private void ReopenJournal()
    {
        if (_journal is not null || (_fault?.AnotherWriter ?? false)) return;
        if (_writerLock is not null && !_writerLockChecked)
        {
            // The database may have restarted, ending the lock's session: make sure the job is
            // still ours before writing to it again.
            RenewWriterLock();
            return;
        }
        _writerLockChecked = false;
        _journal = Context.Watch(Context.ActorOf(JobJournal.Reopen(PersistenceId, _lastSequenceNr, _settings.Journal), NextJournalName()));
    }

    private void RetryRecovery()
    {
        ForgetRecoveredState();
        _journal = Context.Watch(Context.ActorOf(JobJournal.Recover(PersistenceId, _settings.Journal), NextJournalName()));
    }

    /// <summary>
    /// The journal opens again (paused job): catch up with what got in, then try the write that
    /// failed. Opening proves little (a full disk still reads); only a write that succeeds ends
    /// the pause (<see cref="ResumeAfterFault"/>), and a failed one continues the same episode,
    /// its backoff and its give-up clock.
    /// </summary>
    private void HandleReopened(JobJournal.Opened opened)
    {
        if (!Sender.Equals(_journal)) return;
        if (opened.HighestSequenceNr > _lastSequenceNr)
        {
            // A write reported as failed was stored after all (a connection lost after the
            // commit): read it back rather than write its results a second time.
            Context.Unwatch(_journal);
            Context.Stop(_journal);
            _journal = Context.Watch(Context.ActorOf(JobJournal.CatchUp(PersistenceId, _lastSequenceNr, _settings.Journal), NextJournalName()));
            return;
        }
        // Results that a catch-up found journaled are not written again: this life's write got
        // in, so they are counted as journaled now (the catch-up's replay counted nothing).
        var caughtUp = _unrecorded.FindAll(r => _ledger!.Bitmap.IsSet(r.Index));
        if (caughtUp.Count > 0)
        {
            _unrecorded.RemoveAll(r => _ledger!.Bitmap.IsSet(r.Index));
            CountFinals(CollectionsMarshal.AsSpan(caughtUp));
            OnJournaled(caughtUp.Count);
        }
        if (_phase != JobPhase.Running)
        {
            ClearFault();
            OnEnded();
            return;
        }
        FlushResults();
        if (_writing is null) ResumeAfterFault(); // nothing to write: nothing left to prove
    }

    /// <summary>A write went through while paused: the job runs again.</summary>
    private void ResumeAfterFault()
    {
        var pausedFor = DateTimeOffset.UtcNow - (_faultSince ?? DateTimeOffset.UtcNow);
        _log.Warning("journal: writable again at {0}; job {1} resumed after {2:0.0} s", _journalLocation, _jobId, pausedFor.TotalSeconds);
        ClearFault();
        Become(Running);
        WakeHungryNodes();
        ReleaseHeldStatuses();
    }

    private void ClearFault()
    {
        _fault = null;
        _faultSince = null;
        _journalRetries = 0;
        _halted = false;
        Timers.Cancel(nameof(RetryJournal));
    }
}
