using System.Runtime.InteropServices;
using ActorFarm.Results.Files;
using ActorFarm.Persistence;
using ActorFarm.Protocol;
using ActorFarm.Results;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorFarm.Coordinator;

// The journal failing: the child gone, the pause, the reopening with backoff, the give-up.
internal sealed partial class JobEntity
{
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
        // The pause dropped a pending stop (its asker was answered then): max-fails asks again.
        StopIfTooManyFailed();
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
