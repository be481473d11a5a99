using ActorFarm.Persistence;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Event;

namespace ActorFarm.Coordinator;

// One writer per job on a shared PostgreSQL journal: the entity holds the job's advisory lock
// before it reads or writes the job (see PostgresJobLock). SQLite journals need no such lock.
internal sealed partial class JobEntity
{
    private static readonly TimeSpan WriterLockRetry = TimeSpan.FromSeconds(5);

    private void AcquireWriterLock() =>
        TryLockAsync(new PostgresJobLock(_settings.WriterLockConnectionString!, _jobId))
            .PipeTo(Self, failure: e => new WriterLockFailed(e));

    private static async Task<object> TryLockAsync(PostgresJobLock writerLock)
    {
        try
        {
            if (await writerLock.TryAcquireAsync()) return new WriterLockTaken(writerLock);
            var holder = await writerLock.FindHolderAsync();
            await writerLock.DisposeAsync();
            return new WriterLockRefused(holder?.ToString() ?? "another farm");
        }
        catch
        {
            await writerLock.DisposeAsync();
            throw;
        }
    }

    /// <summary>The job's lock is asked for; everything waits for the answer.</summary>
    private void Locking()
    {
        Receive<WriterLockTaken>(taken =>
        {
            _writerLock = taken.Lock;
            if (_fault is not null)
                _log.Warning("job {0}: its journal lock is ours now; recovering it", _jobId);
            ClearFault();
            Become(Recovering);
            _journal = Context.Watch(Context.ActorOf(JobJournal.Recover(PersistenceId, _settings.Journal), NextJournalName()));
        });
        Receive<WriterLockRefused>(refused =>
        {
            var fault = new JournalFault($"job in use by another farm ({refused.Holder})", _journalLocation, AnotherWriter: false);
            if (_fault is null)
                _log.Warning("{0}; job {1} is not run here while that farm holds it", fault.Describe(), _jobId);
            _fault = fault;
            _faultSince ??= DateTimeOffset.UtcNow;
            // A client of this farm stops waiting at once (as a second `run` on a SQLite state
            // directory exits at once); the entity keeps asking, and takes the job over when the
            // other farm lets it go.
            _halted = true;
            Timers.StartSingleTimer(nameof(RetryJournal), RetryJournal.Instance, WriterLockRetry);
            Become(LockedElsewhere);
            Stash.UnstashAll();
        });
        Receive<WriterLockFailed>(failed =>
        {
            RecordFault(JournalFault.From(failed.Cause, _journalLocation));
            Become(LockedElsewhere);
            Stash.UnstashAll();
        });
        Receive<HandOff>(_ => Context.Stop(Self));
        ReceiveAny(_ => Stash.Stash());
    }

    /// <summary>
    /// Another farm holds the job (or the lock cannot be asked for): nothing of it is read or run
    /// here; the status says why, and the lock is asked for again now and then.
    /// </summary>
    private void LockedElsewhere()
    {
        Receive<RetryJournal>(_ =>
        {
            Become(Locking);
            AcquireWriterLock();
        });
        Receive<GetJobStatus>(_ => Sender.Tell(Status()));
        Receive<GetJobInsight>(_ => Sender.Tell(Insight()));
        Receive<SubmitJob>(_ => Sender.Tell(new JobSubmitted(_jobId, false, Status())));
        Receive<CancelJob>(_ => Sender.Tell(Status()));
        Receive<RequestTasks>(request => request.Node.Tell(new TaskBatch(_jobId, _incarnation, null, [], Exhausted: true)));
        Receive<AwaitNodesDrained>(_ => Sender.Tell(new NodesDrained(_jobId)));
        Receive<HandOff>(_ => Context.Stop(Self));
        // Results from this farm's nodes for a job it does not hold stay with the nodes
        // (unacknowledged) until the job is ours again.
        ReceiveAny(_ => { });
    }

    /// <summary>Paused job about to reopen its journal: is the lock still ours (a database restart ends its session)?</summary>
    private void RenewWriterLock()
    {
        var held = _writerLock!;
        // The lock probes its own connection: lost means the session ended (a database restart).
        if (held.IsHeld)
        {
            Self.Tell(new WriterLockTaken(held));
            return;
        }
        _writerLock = null;
        _ = held.DisposeAsync().AsTask();
        TryLockAsync(new PostgresJobLock(_settings.WriterLockConnectionString!, _jobId))
            .PipeTo(Self, failure: e => new WriterLockFailed(e));
    }

    /// <summary>What a paused job does with the answer of <see cref="RenewWriterLock"/>.</summary>
    private void ReceiveRenewedWriterLock()
    {
        Receive<WriterLockTaken>(taken =>
        {
            _writerLock = taken.Lock;
            _writerLockChecked = true;
            ReopenJournal();
        });
        Receive<WriterLockRefused>(refused =>
        {
            _writerLock = null;
            Fence(new JournalFault($"job taken over by another farm ({refused.Holder})", _journalLocation, AnotherWriter: true),
                $"another farm ({refused.Holder}) took the job while its journal was unreachable");
        });
        Receive<WriterLockFailed>(failed => RecordFault(JournalFault.From(failed.Cause, _journalLocation)));
    }

    private void ReleaseWriterLock()
    {
        // Closing the connection ends the session and its lock; nothing waits for it.
        if (_writerLock is { } held) _ = held.DisposeAsync().AsTask();
        _writerLock = null;
    }

    private sealed record WriterLockTaken(PostgresJobLock Lock) : INoSerializationVerificationNeeded;

    private sealed record WriterLockRefused(string Holder) : INoSerializationVerificationNeeded;

    private sealed record WriterLockFailed(Exception Cause) : INoSerializationVerificationNeeded;
}
