using ActorFarm.Persistence;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Event;

namespace ActorFarm.Coordinator;

// Reruns: a finished job runs its failed tasks again. The rerun is journaled (TasksReopened, a
// rule, not a list) before anything is leased; its tasks and their next attempts are then read
// from the journal (ReopenedTasks), the same way whether the rerun was just asked for or is
// resumed after a crash, so no task that already has its rerun result runs again.
internal sealed partial class JobEntity
{
    /// <summary>A finished job asked to rerun: journal the rerun, then find its tasks.</summary>
    private void HandleRerunOfEnded(RerunJob rerun)
    {
        // A job its own max-fails stopped is resumed: its failed tasks run again, and so do those
        // it never got to run. One a client cancelled stays cancelled.
        if (_phase == JobPhase.Cancelled && !_stoppedByMaxFails)
        {
            Refuse($"job {_jobId} was cancelled; only a finished job, or one stopped by its max-fails, can be rerun (submit it again as a new job)");
            return;
        }
        if (_recordedFailed == 0)
        {
            Sender.Tell(new JobRerun(_jobId, RerunOutcome.NothingToRerun, 0, Status()));
            return;
        }
        if (_journal is null || _writing is not null)
        {
            Refuse($"job {_jobId} cannot be rerun now: {_fault?.Describe() ?? "its journal is busy"}");
            return;
        }
        Write(new TasksReopened(rerun.Selection, DateTimeOffset.UtcNow));
        Become(() => Reopening(Sender));
    }

    /// <summary>What a job that is not finished answers a rerun.</summary>
    private void HandleRerunOfUnfinished(RerunJob rerun)
    {
        if (_spec is null)
        {
            Refuse($"no job {_jobId} is known to this farm");
            return;
        }
        // A rerun that runs already (asked twice, a lost reply, resumed after a crash) is the
        // same rerun: answered, not refused, so asking again is always safe.
        if (_rerunSequenceNr > 0)
        {
            Sender.Tell(new JobRerun(_jobId, RerunOutcome.AlreadyRunning, _spec.TaskCount - (_ledger?.Recorded ?? 0), Status()));
            return;
        }
        Refuse($"job {_jobId} is still running ({_succeeded + _failed:N0} of {_spec.TaskCount:N0} tasks done); " +
               "rerun its failed tasks once it has finished");
    }

    private void Refuse(string reason) =>
        Sender.Tell(new JobRerun(_jobId, RerunOutcome.Refused, 0, Status(), reason));

    /// <summary>
    /// The rerun's event is being written (<paramref name="asker"/> waits for the answer), then
    /// its tasks are read from the journal; or, with no asker, a recovered job resumes its rerun.
    /// Everything else waits, so nothing is leased before the tasks to run are known.
    /// </summary>
    private void Reopening(IActorRef? asker)
    {
        Receive<JobJournal.Written>(written =>
        {
            _writing = null;
            _lastSequenceNr = written.SequenceNr;
            Apply((TasksReopened)written.Event, written.SequenceNr);
            // The file of the run before is complete or abandoned: the rerun's starts from the
            // journal, its superseded failures left out, and its results are appended.
            StopAppender();
            CancelExport();
            _appender = StartAppender(keep: null);
            SetReceiveTimeout(null);
            _leaveWhenExported = false;
            _log.Info("Job {0}: rerun {1} journaled; reading which tasks run again", _jobId, _reruns);
            StartReopenScan();
        });
        Receive<ReopenScanned>(scanned =>
        {
            var reopened = _ledger!.Reopen(scanned.Tasks, resumeUnrun: _rerunResumesUnrun);
            _log.Info("Job {0}: rerun {1}: {2} tasks run again", _jobId, _reruns, reopened);
            if (asker is null)
            {
                OnRecovered();
                return;
            }
            AnnounceActive();
            Become(Running);
            asker.Tell(new JobRerun(_jobId, RerunOutcome.Started, reopened, Status()));
            Stash.UnstashAll();
            CheckFinished();
        });
        Receive<ReopenScanFailed>(failed =>
        {
            _log.Warning("Job {0}: reading the tasks of rerun {1} from the journal failed ({2}); retrying", _jobId, _reruns, failed.Cause.Message);
            Timers.StartSingleTimer(nameof(RetryReopenScan), RetryReopenScan.Instance, _settings.JournalRetryMinBackoff);
        });
        Receive<RetryReopenScan>(_ => StartReopenScan());
        void WriteFailed(IActorRef journal, Exception cause)
        {
            if (_writing is not TasksReopened)
            {
                // The rerun is journaled: the job runs and handles the failure once its tasks are known.
                Stash.Stash();
                return;
            }
            _writing = null;
            OnJournalFailed(journal, cause, whileRecovering: false);
            if (_journal is not null) return; // an earlier child's last words
            asker?.Tell(new JobRerun(_jobId, RerunOutcome.Refused, 0, Status(),
                $"job {_jobId} cannot be rerun now: {_fault?.Describe() ?? "its journal failed"}"));
            Become(Ended);
            Stash.UnstashAll();
        }
        Receive<JobJournal.Failed>(failed => WriteFailed(Sender, failed.Cause));
        Receive<JournalStopped>(stopped => WriteFailed(stopped.Journal, stopped.Cause));
        ReceiveAny(_ => Stash.Stash());
    }

    /// <summary>
    /// The journal reopened under an ended job (a rerun's write had failed). If that write got in
    /// after all, the job is in a rerun this life does not hold: it passivates, and its next life
    /// recovers and runs the rerun.
    /// </summary>
    private void HandleReopenedWhenEnded(JobJournal.Opened opened)
    {
        if (!Sender.Equals(_journal)) return;
        if (opened.HighestSequenceNr > _lastSequenceNr)
        {
            _log.Warning("Job {0}: a rerun reported as failed was journaled after all; the job restarts to run it", _jobId);
            Context.Parent.Tell(new Akka.Cluster.Sharding.Passivate(HandOff.Instance));
            return;
        }
        ClearFault();
    }

    private void Apply(TasksReopened e, long sequenceNr)
    {
        _phase = JobPhase.Running;
        _endedAt = null;
        _reruns++;
        _rerunSequenceNr = sequenceNr;
        // A job stopped by its max-fails has tasks that never ran: this rerun runs them too.
        _rerunResumesUnrun = _stoppedByMaxFails;
        _stoppedByMaxFails = false;
        _endReason = null;
        // The rule reopens every task whose latest result is a failure: each gets a newer one
        // before the job ends again (a cancelled rerun records one for those it did not run).
        _recordedFailed = 0;
        _failed = 0;
        _insights.ForgetFailures();
        _exported = false;
        _exportError = null;
    }

    /// <summary>Whether a recovered job is in a rerun whose tasks must be read before it runs.</summary>
    private bool ResumesRerun => _phase == JobPhase.Running && _rerunSequenceNr > 0;

    private void StartReopenScan() =>
        ReopenedTasks.ReadAsync(Context.System, _jobId, _rerunSequenceNr, _settings.Journal?.QueryPluginId)
            .PipeTo(Self, success: tasks => new ReopenScanned(tasks), failure: e => new ReopenScanFailed(e));

    /// <summary>
    /// A rerun is cancelled: the tasks it did not run again keep a result of this rerun (cancelled,
    /// with the attempts they used), so every task still has exactly one latest result.
    /// </summary>
    private void RecordTasksTheRerunDidNotRun()
    {
        if (_rerunSequenceNr == 0) return;
        var now = DateTimeOffset.UtcNow;
        foreach (var node in _ledger!.LeaseHolders()) node.Tell(new StopJobTasks(_jobId));
        foreach (var task in _ledger.Outstanding())
        {
            _failed++;
            _finalsAbsorbed++;
            _unrecorded.Add(new TaskRecord(task.Index, task.Attempt, TaskOutcome.Cancelled, null, "", now, now,
                "the rerun was cancelled before this task ran again", false));
        }
        // Their late results are stale now: nothing more is recorded for them.
        _ledger.Clear();
    }

    private sealed record ReopenScanned(List<TaskLease> Tasks) : INoSerializationVerificationNeeded;

    private sealed record ReopenScanFailed(Exception Cause) : INoSerializationVerificationNeeded;

    private sealed record RetryReopenScan : INoSerializationVerificationNeeded
    {
        public static readonly RetryReopenScan Instance = new();
    }
}
