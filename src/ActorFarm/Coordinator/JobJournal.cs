using System.Diagnostics;
using ActorFarm.Persistence;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Persistence;

namespace ActorFarm.Coordinator;

/// <summary>
/// The journal of one job: the only actor that reads or writes the persistence id
/// <c>job-&lt;id&gt;</c>. A child of the <see cref="JobEntity"/>, which keeps all of the job's
/// state. It exists because Akka.Persistence stops a persistent actor whenever a write fails:
/// were the entity itself persistent, a full disk or a database restart would kill it, lose the
/// leases it granted and start a new incarnation that runs the same tasks again. With the journal
/// in a child, only the child dies; the entity pauses the job, keeps what it holds and opens a
/// new journal child when it retries (<see cref="Reopen"/>).
/// </summary>
/// <remarks>
/// Replies to the parent only: <see cref="Replayed"/> for each event of a recovery,
/// <see cref="Opened"/> when it is ready to write, <see cref="Written"/> after each write, and
/// <see cref="Failed"/> when the journal fails (the child is then stopped by Akka.Persistence or
/// by the parent).
/// </remarks>
internal sealed class JobJournal : ReceivePersistentActor
{
    private readonly string _persistenceId;
    private readonly long _forwardAfter;
    private readonly bool _replay;

    public JobJournal(string persistenceId, bool replay, long forwardAfter, JournalPlugins? plugins)
    {
        _persistenceId = persistenceId;
        // Null: the process's default plugins.
        if (plugins is not null)
        {
            JournalPluginId = plugins.JournalPluginId;
            SnapshotPluginId = plugins.SnapshotPluginId;
        }
        _replay = replay;
        _forwardAfter = forwardAfter;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is JobSnapshot snapshot && offer.Metadata.SequenceNr > _forwardAfter)
                Context.Parent.Tell(new Replayed(snapshot, offer.Metadata.SequenceNr));
        });
        Recover<IJobEvent>(e =>
        {
            if (LastSequenceNr > _forwardAfter)
                Context.Parent.Tell(new Replayed(e, LastSequenceNr));
        });
        Recover<RecoveryCompleted>(_ => Context.Parent.Tell(new Opened(LastSequenceNr)));

        Command<Write>(write =>
        {
            // Timed here, not by the entity: its reply may wait behind result batches in the
            // entity's mailbox, which is not the journal's time.
            var started = Stopwatch.GetTimestamp();
            PersistAsync(write.Event, e => Context.Parent.Tell(new Written(e, LastSequenceNr, Stopwatch.GetElapsedTime(started))));
        });
        Command<TakeSnapshot>(take => SaveSnapshot(take.Snapshot));
        Command<SaveSnapshotSuccess>(_ => { });
        // A snapshot only shortens recovery: a failed one is reported and the job goes on.
        Command<SaveSnapshotFailure>(failed => Context.Parent.Tell(new SnapshotFailed(failed.Cause)));
    }

    /// <summary>Recovers the whole job (from its latest snapshot) and forwards every event.</summary>
    public static Props Recover(string persistenceId, JournalPlugins? plugins) =>
        Props.Create(() => new JobJournal(persistenceId, true, 0, plugins));

    /// <summary>
    /// Opens the journal again after a failure, knowing the job up to <paramref name="knownSequenceNr"/>:
    /// nothing is replayed, only the highest sequence number is read, so the next write follows it.
    /// </summary>
    public static Props Reopen(string persistenceId, long knownSequenceNr, JournalPlugins? plugins) =>
        Props.Create(() => new JobJournal(persistenceId, false, knownSequenceNr, plugins));

    /// <summary>Replays the events after <paramref name="knownSequenceNr"/> (a write reported as failed got in after all).</summary>
    public static Props CatchUp(string persistenceId, long knownSequenceNr, JournalPlugins? plugins) =>
        Props.Create(() => new JobJournal(persistenceId, true, knownSequenceNr, plugins));

    public override string PersistenceId => _persistenceId;

    public override Recovery Recovery => _replay ? Recovery.Default : Recovery.None;

    // The parent reports a failure once, in one line, naming the journal; Akka's default would log
    // an error with a stack trace for every failed write.
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        Context.Parent.Tell(new Failed(cause, Writing: true));

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        // The journal refused the event itself (it could not be serialized): a bug, never
        // transient. This actor is not stopped by Akka here; it stops itself so the parent's
        // state and the journal cannot drift apart.
        Context.Parent.Tell(new Failed(cause, Writing: true));
        Context.Stop(Self);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        Context.Parent.Tell(new Failed(reason, Writing: false));

    /// <summary>Journal this event; replies <see cref="Written"/>.</summary>
    public sealed record Write(IJobEvent Event) : INoSerializationVerificationNeeded;

    /// <summary>Save this snapshot (taken when no write is pending, so it reflects every event so far).</summary>
    public sealed record TakeSnapshot(JobSnapshot Snapshot) : INoSerializationVerificationNeeded;

    /// <summary>An event of a recovery, with its sequence number.</summary>
    public sealed record Replayed(IJobEvent Event, long SequenceNr) : INoSerializationVerificationNeeded;

    /// <summary>The journal is open: recovered, or reopened; <paramref name="HighestSequenceNr"/> is the last event in it.</summary>
    public sealed record Opened(long HighestSequenceNr) : INoSerializationVerificationNeeded;

    /// <summary>The event is journaled; <paramref name="Took"/> from the write's start to its confirmation.</summary>
    public sealed record Written(IJobEvent Event, long SequenceNr, TimeSpan Took) : INoSerializationVerificationNeeded;

    /// <summary>The journal failed while writing (or reading, <paramref name="Writing"/> false); this child is gone.</summary>
    public sealed record Failed(Exception Cause, bool Writing) : INoSerializationVerificationNeeded;

    public sealed record SnapshotFailed(Exception Cause) : INoSerializationVerificationNeeded;
}
