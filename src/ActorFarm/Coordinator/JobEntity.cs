using ActorFarm.Manifest;
using ActorFarm.Metrics;
using ActorFarm.Persistence;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorFarm.Coordinator;

/// <summary>
/// One job: an entity placed by Cluster Sharding on a coordinator-role node. It leases tasks to
/// the nodes that ask, takes their results in batches, journals final results many per event
/// (through its <see cref="JobJournal"/> child) and ends the job by writing its results file.
/// State survives a crash of its node: the journal rebuilds it, and only tasks that were in
/// flight run again. A journal that fails (a full disk, a database restart) pauses the job
/// instead of killing the entity, so nothing runs twice because of it.
/// </summary>
/// <remarks>
/// Every field is declared here; the handlers live in the partial files named after what they
/// do (Dispatch, Journal, JournalFaults, Failover, Leaving, Acks, Watchers, Metrics). The phase is the current
/// behaviour, one of:
/// <list type="bullet">
/// <item><see cref="Locking"/>, <see cref="LockedElsewhere"/>: on a PostgreSQL journal, the job's
/// lock is being taken, or another farm holds it.</item>
/// <item><see cref="Recovering"/>: the journal child replays the job; commands wait.</item>
/// <item><see cref="AwaitingSubmit"/>: no job with this id yet.</item>
/// <item><see cref="Accepting"/>: the job's first event is being written.</item>
/// <item><see cref="Running"/>: tasks are leased and results journaled.</item>
/// <item><see cref="Paused"/>: the journal fails; nothing is leased, results are held, the
/// journal is retried with backoff (the status says why, and after
/// <see cref="JobEntitySettings.JournalGiveUpAfter"/> that the job is halted).</item>
/// <item><see cref="Ended"/>: finished or cancelled; the results file is written, then the
/// entity passivates. A finished job may be rerun (<see cref="RerunJob"/>).</item>
/// <item><see cref="Reopening"/>: a rerun's event is being written, or its tasks read from the
/// journal (also when a recovered job resumes its rerun); then <see cref="Running"/> again.</item>
/// </list>
/// </remarks>
internal sealed partial class JobEntity : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private readonly string _jobId;
    private readonly JobEntitySettings _settings;
    private readonly IActorRef _directory;
    private readonly string _journalLocation;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // ---- the job, as journaled -------------------------------------------------------------
    private JobSpec? _spec;
    private JobPhase _phase = JobPhase.Unknown;
    private DateTimeOffset? _acceptedAt;
    private DateTimeOffset? _endedAt;
    private TaskLedger? _ledger;
    private long _recordedSucceeded, _recordedFailed;
    // Why a cancelled job ended (its JobCancelled's reason), and whether its max-fails stopped it
    // (JobEntity.MaxFails.cs): such a job may be resumed by a rerun.
    private string? _endReason;
    private bool _stoppedByMaxFails;
    // Reruns (JobEntity.Rerun.cs): how many, the sequence number of the latest one's event, and
    // whether it also runs the tasks that never ran (it resumes a job its max-fails stopped).
    private int _reruns;
    private long _rerunSequenceNr;
    private bool _rerunResumesUnrun;
    // Task durations and the latest failures (JobInsights.cs), from every results event applied.
    private readonly JobInsights _insights = new();

    // ---- this life of the entity -----------------------------------------------------------
    // Nodes holding leases from an earlier life re-attach them when they see it change.
    private readonly string _incarnation = Guid.NewGuid().ToString("N")[..12];
    // Final results counted as they arrive (for progress), before they are journaled.
    private long _succeeded, _failed;
    // Final results waiting for the journal, oldest first, and the write in flight (at most one).
    private List<TaskRecord> _unrecorded = new();
    private IJobEvent? _writing;
    private int _eventsSinceSnapshot;
    // The journal child, and the sequence number of the last event this entity knows is written.
    private IActorRef? _journal;
    private long _lastSequenceNr;
    // Set by RecoveryCompleted while the re-attach grace runs: nothing is leased.
    private bool _awaitingReattach;

    // The job's lock in a shared PostgreSQL journal (none on SQLite), and whether it was checked
    // since the journal last failed.
    private PostgresJobLock? _writerLock;
    private bool _writerLockChecked;

    // Journal failures: since when, how many retries, and whether the job is halted (given up).
    private JournalFault? _fault;
    private DateTimeOffset? _faultSince;
    private int _journalRetries;
    private bool _halted;

    // Leasing and nodes.
    private readonly HashSet<IActorRef> _hungryNodes = new();
    private readonly HashSet<IActorRef> _watchedNodes = new();
    private readonly List<TaskLease> _leaseBuffer = new();

    // Acknowledgements (JobEntity.Acks.cs): finals absorbed and journaled in this life.
    private long _finalsAbsorbed;
    private long _finalsJournaled;
    private readonly Queue<PendingAck> _pendingAcks = new();

    // Cancellation asked (by a client, or by the job's max-fails) while a write was in flight: written next.
    private CancelRequest? _cancelRequested;

    // Leaving (JobEntity.Leaving.cs): this node leaves; nothing more is leased.
    private bool _leaving;
    private bool _stopWhenFlushed;
    private readonly List<IActorRef> _drainWaiters = new();

    // Status queries held until the job settles (JobEntity.Watchers.cs).
    private readonly HashSet<IActorRef> _heldStatusQueries = new();

    // The results file: kept by the appender as results are journaled, in every life (a recovered
    // one rewrites it from the journal first); exported from the journal only when that failed.
    private string? _resultsFile;
    private bool _exported;
    // Started by its shard (remembered) in the Ended phase with nothing asked of it: it leaves
    // the shard once its results file is written, so the shard forgets it.
    private bool _leaveWhenExported;
    private string? _exportError;
    private IActorRef? _appender;
    // Appenders started by this life: each has a name of its own (a stopped one may not be gone yet).
    private int _appenders;
    // The export from the journal in flight, if any. A rerun that starts while the export of the
    // job's previous end still runs (a recovered finished job exports at once) cancels it: left
    // to finish, it would write the file late, with the rerun's first results next to the
    // failures they supersede. Its answer, come what may, is recognised by its generation.
    private CancellationTokenSource? _export;
    private int _exportGeneration;

    // Metrics (JobEntity.Metrics.cs): the job's tag on every instrument, and what this entity
    // publishes for the task gauges (from PreStart to PostStop).
    private readonly KeyValuePair<string, object?> _jobTag;
    private FarmMetrics.JobGauge? _gauges;

    public JobEntity(string jobId, JobEntitySettings settings, IActorRef directory)
    {
        _jobId = jobId;
        _settings = settings;
        _directory = directory;
        _jobTag = FarmMetrics.JobTag(jobId);
        _journalLocation = JournalFault.LocationOf(Context.System.Settings.Config, (_settings.Journal ?? JournalPlugins.Sql).JournalPluginId);
        Become(Recovering);
    }

    public static Props Props(string jobId, JobEntitySettings settings, IActorRef directory) =>
        Akka.Actor.Props.Create(() => new JobEntity(jobId, settings, directory));

    /// <summary>
    /// Sharding's hand-off (the entity's node leaves) and passivation stop message: results
    /// already received are journaled before the entity stops, so a graceful leave loses none.
    /// </summary>
    public sealed record HandOff : INoSerializationVerificationNeeded
    {
        public static readonly HandOff Instance = new();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    private string PersistenceId => JobIds.PersistenceId(_jobId);

    // A child that throws is stopped, never restarted: a restarted journal child would recover
    // the job a second time into a parent that already holds it. A journal child that stops
    // without saying why is taken as a failed journal (see JournalStopped).
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        _gauges = FarmMetrics.TrackJob(_jobId);
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.MemberDowned));
        if (_settings.WriterLockConnectionString is not null)
        {
            Become(Locking);
            AcquireWriterLock();
            return;
        }
        _journal = Context.Watch(Context.ActorOf(JobJournal.Recover(PersistenceId, _settings.Journal), NextJournalName()));
    }

    protected override void PostStop()
    {
        CancelExport();
        ReleaseWriterLock();
        // Held status queries get what is known now rather than waiting out their hold.
        ReleaseHeldStatuses();
        Cluster.Get(Context.System).Unsubscribe(Self);
        _gauges?.Dispose();
    }

    private JobStatusReport Status() => _spec is null
        ? JobStatusReport.Unknown(_jobId) with { Fault = _fault?.Describe(), Halted = _halted }
        : new JobStatusReport(_jobId, _spec.Name, _phase, _spec.TaskCount, _succeeded, _failed,
            _ledger?.Leased ?? 0, _acceptedAt, _endedAt, _exported ? _resultsFile : null, _exportError,
            _fault?.Describe(), _halted, _reruns, _rerunSequenceNr, _endReason, _insights.MeanDuration);

    private JobInsight Insight() => _insights.ToInsight(_jobId, _spec);

    // ---- behaviours ---------------------------------------------------------------------------

    /// <summary>The journal child replays the job; everything else waits.</summary>
    private void Recovering()
    {
        Receive<JobJournal.Replayed>(replayed => ApplyReplayed(replayed));
        Receive<JobJournal.Opened>(opened =>
        {
            _lastSequenceNr = opened.HighestSequenceNr;
            ClearFault();
            if (ResumesRerun)
            {
                // A rerun was under way: its tasks are read from the journal before anything runs.
                Become(() => Reopening(null));
                StartReopenScan();
                return;
            }
            OnRecovered();
        });
        Receive<JobJournal.Failed>(failed => OnJournalFailed(Sender, failed.Cause, whileRecovering: true));
        Receive<JournalStopped>(stopped => OnJournalFailed(stopped.Journal, stopped.Cause, whileRecovering: true));
        Receive<Terminated>(HandleTerminated);
        Receive<RetryJournal>(_ => RetryRecovery());
        // While the journal cannot be read, a watcher hears why instead of waiting in the dark.
        Receive<GetJobStatus>(query => _fault is not null, query => Sender.Tell(Status()));
        Receive<SubmitJob>(_ => _fault is not null, _ => Sender.Tell(new JobSubmitted(_jobId, false, Status())));
        Receive<RerunJob>(_ => _fault is not null, _ => Refuse($"job {_jobId} cannot be rerun now: {_fault!.Describe()}"));
        Receive<HandOff>(_ => Context.Stop(Self));
        ReceiveAny(_ => Stash.Stash());
    }

    /// <summary>No job with this id has been accepted.</summary>
    private void AwaitingSubmit()
    {
        Receive<SubmitJob>(HandleSubmit);
        Receive<GetJobStatus>(_ => Sender.Tell(Status()));
        Receive<GetJobInsight>(_ => Sender.Tell(Insight()));
        Receive<CancelJob>(_ => Sender.Tell(Status()));
        Receive<RerunJob>(HandleRerunOfUnfinished);
        Receive<RequestTasks>(request => request.Node.Tell(new TaskBatch(_jobId, _incarnation, null, [], Exhausted: true)));
        Receive<TaskResults>(batch => batch.Node.Tell(new ResultsAcknowledged(_jobId, batch.BatchId)));
        Receive<AwaitNodesDrained>(_ => Sender.Tell(new NodesDrained(_jobId)));
        Receive<JobJournal.Opened>(opened =>
        {
            _lastSequenceNr = opened.HighestSequenceNr;
            ClearFault();
        });
        ReceiveJournalFailures();
        Receive<RetryJournal>(_ => ReopenJournal());
        Receive<Terminated>(HandleTerminated);
        Receive<HandOff>(_ => Context.Stop(Self));
        Receive<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(HandOff.Instance)));
        ReceiveAny(_ => { });
    }

    /// <summary>The job's first event is being written; its submitter waits for the answer.</summary>
    private void Accepting(IActorRef submitter)
    {
        Receive<JobJournal.Written>(written =>
        {
            _lastSequenceNr = written.SequenceNr;
            _writing = null;
            OnAccepted((JobAccepted)written.Event, submitter);
            Stash.UnstashAll();
        });
        void Refused(IActorRef journal, Exception cause)
        {
            _writing = null;
            OnJournalFailed(journal, cause, whileRecovering: false);
            if (_journal is not null) return; // an earlier child's last words
            submitter.Tell(new JobSubmitted(_jobId, false, Status()));
            Become(AwaitingSubmit);
            Stash.UnstashAll();
        }
        Receive<JobJournal.Failed>(failed => Refused(Sender, failed.Cause));
        Receive<JournalStopped>(stopped => Refused(stopped.Journal, stopped.Cause));
        Receive<Terminated>(HandleTerminated);
        ReceiveAny(_ => Stash.Stash());
    }

    /// <summary>The job runs: tasks are leased, results absorbed and journaled in batches.</summary>
    private void Running()
    {
        Receive<RequestTasks>(HandleRequest);
        Receive<JobJournal.Written>(HandleWritten);
        ReceiveJournalFailures();
        Receive<CancelJob>(HandleCancel);
        Receive<HandOff>(_ => StopWhenFlushed());
        Receive<ReattachGraceOver>(_ => EndReattachGrace());
        ReceiveRunningJob();
    }

    /// <summary>
    /// The journal fails: nothing is leased (a task run now could not be recorded), results that
    /// arrive are held (nodes hold theirs too, unacknowledged), and the journal is reopened with
    /// backoff. Leaving stops the entity at once: the nodes give what they hold to its next life.
    /// </summary>
    private void Paused()
    {
        Receive<RequestTasks>(request =>
        {
            _hungryNodes.Add(request.Node);
            request.Node.Tell(new TaskBatch(_jobId, _incarnation, request.NeedSpec ? _spec : null, [], Exhausted: true));
        });
        Receive<RetryJournal>(_ => ReopenJournal());
        ReceiveRenewedWriterLock();
        Receive<JobJournal.Replayed>(replayed => ApplyReplayed(replayed));
        Receive<JobJournal.Opened>(HandleReopened);
        Receive<JobJournal.Written>(written =>
        {
            ResumeAfterFault();
            HandleWritten(written);
        });
        ReceiveJournalFailures();
        Receive<CancelJob>(_ => Sender.Tell(Status()));
        Receive<HandOff>(_ => Context.Stop(Self));
        Receive<AwaitNodesDrained>(_ => Sender.Tell(new NodesDrained(_jobId)));
        Receive<ReattachGraceOver>(_ => _awaitingReattach = false);
        ReceiveRunningJob();
    }

    private void ReceiveJournalFailures()
    {
        Receive<JobJournal.Failed>(failed => OnJournalFailed(Sender, failed.Cause, whileRecovering: false));
        Receive<JournalStopped>(stopped => OnJournalFailed(stopped.Journal, stopped.Cause, whileRecovering: false));
    }

    /// <summary>What a running job does whether or not its journal works.</summary>
    private void ReceiveRunningJob()
    {
        Receive<GetJobStatus>(HandleStatus);
        Receive<GetJobInsight>(_ => Sender.Tell(Insight()));
        Receive<SubmitJob>(_ => Sender.Tell(new JobSubmitted(_jobId, Resumed: true, Status())));
        Receive<RerunJob>(HandleRerunOfUnfinished);
        Receive<StatusHoldOver>(ReleaseHeldStatus);
        Receive<TaskResults>(HandleResults);
        Receive<ReturnLeases>(HandleReturn);
        Receive<ReattachLeases>(HandleReattach);
        Receive<Terminated>(HandleTerminated);
        Receive<ClusterEvent.MemberDowned>(HandleDowned);
        Receive<Results.ResultsAppender.Faulted>(HandleAppenderFaulted);
        Receive<RetryDue>(_ => OnRetryDue());
        Receive<AnnounceDue>(_ => AnnounceAgain());
        Receive<JobActivationRecorded>(HandleActivationRecorded);
        Receive<AwaitNodesDrained>(HandleAwaitNodesDrained);
        Receive<JobJournal.SnapshotFailed>(f => _log.Warning("Job {0}: snapshot failed: {1}", _jobId, f.Cause.Message));
        ReceiveAny(_ => { });
    }

    /// <summary>Finished or cancelled: answers status queries, writes the results file, then passivates.</summary>
    private void Ended()
    {
        Receive<GetJobStatus>(HandleStatus);
        Receive<GetJobInsight>(_ => Sender.Tell(Insight()));
        Receive<SubmitJob>(_ => Sender.Tell(new JobSubmitted(_jobId, Resumed: true, Status())));
        Receive<CancelJob>(_ => Sender.Tell(Status()));
        Receive<RerunJob>(HandleRerunOfEnded);
        Receive<StatusHoldOver>(ReleaseHeldStatus);
        // A journal that failed under a refused rerun is reopened, so the next rerun can be written.
        Receive<RetryJournal>(_ => ReopenJournal());
        Receive<JobJournal.Opened>(HandleReopenedWhenEnded);
        ReceiveJournalFailures();
        // Nothing more is journaled for an ended job: a node may forget its batches.
        Receive<TaskResults>(batch => batch.Node.Tell(new ResultsAcknowledged(_jobId, batch.BatchId)));
        Receive<RequestTasks>(request => request.Node.Tell(new TaskBatch(_jobId, _incarnation, null, [], Exhausted: true)));
        Receive<AwaitNodesDrained>(_ => Sender.Tell(new NodesDrained(_jobId)));
        Receive<ResultsExported>(HandleExported);
        Receive<Results.ResultsAppender.Written>(HandleAppended);
        Receive<Results.ResultsAppender.NotWritten>(HandleAppendFailed);
        Receive<Results.ResultsAppender.Faulted>(HandleAppenderFaulted);
        Receive<ResultsExportFailed>(HandleExportFailed);
        Receive<HandOff>(_ => StopWhenFlushed());
        Receive<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(HandOff.Instance)));
        Receive<JobJournal.SnapshotFailed>(f => _log.Warning("Job {0}: snapshot failed: {1}", _jobId, f.Cause.Message));
        // Ended before the directory answered: JobDeactivated says the rest.
        Receive<AnnounceDue>(_ => Timers.Cancel(nameof(AnnounceDue)));
        ReceiveAny(_ => { });
    }
}
