using ActorFarm.Manifest;
using ActorFarm.Persistence;
using ActorFarm.Results;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;

namespace ActorFarm.Coordinator;

/// <summary>
/// One job: a persistent entity placed by Cluster Sharding on a coordinator-role node. It leases
/// tasks to the nodes that ask, takes their results in batches, journals final results many per
/// event, and ends the job by writing its results file. State survives a crash of its node: the
/// journal (plus snapshots of the completion bitmap) rebuilds it, and only tasks that were in
/// flight run again.
/// </summary>
public sealed partial class JobEntity : ReceivePersistentActor, IWithTimers
{
    private readonly string _jobId;
    private readonly JobEntitySettings _settings;
    private readonly IActorRef _directory;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private JobSpec? _spec;
    private JobPhase _phase = JobPhase.Unknown;
    private DateTimeOffset? _acceptedAt;
    private DateTimeOffset? _endedAt;
    private TaskLedger? _ledger;

    // Final results counted as they arrive (for progress), and as journaled (for snapshots).
    private long _succeeded, _failed, _recordedSucceeded, _recordedFailed;
    private List<TaskRecord> _unrecorded = new();
    private int _writesInFlight;
    private int _eventsSinceSnapshot;
    private string? _resultsFile;
    private bool _exported;
    // Writes the results file as results are journaled; only in a life that accepted the job
    // (it then sees every result event). Otherwise the file is exported from the journal.
    private IActorRef? _appender;

    private readonly HashSet<IActorRef> _hungryNodes = new();
    private readonly HashSet<IActorRef> _watchedNodes = new();
    private readonly List<TaskLease> _leaseBuffer = new();

    // This life of the entity. Nodes holding leases from an earlier life re-attach them when
    // they see it change (see ReattachLeases).
    private readonly string _incarnation = Guid.NewGuid().ToString("N")[..12];
    private bool _awaitingReattach;
    private bool _stopWhenFlushed;
    private string? _exportError;

    public JobEntity(string jobId, JobEntitySettings settings, IActorRef directory)
    {
        _jobId = jobId;
        _settings = settings;
        _directory = directory;

        Recover<JobAccepted>(Apply);
        Recover<TaskResultsRecorded>(Apply);
        Recover<JobFinished>(Apply);
        Recover<JobCancelled>(Apply);
        Recover<SnapshotOffer>(offer => { if (offer.Snapshot is JobSnapshot s) Apply(s); });
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<SubmitJob>(HandleSubmit);
        Command<GetJobStatus>(HandleStatus);
        Command<StatusHoldOver>(ReleaseHeldStatus);
        Command<CancelJob>(HandleCancel);
        Command<RequestTasks>(HandleRequest);
        Command<ReattachLeases>(HandleReattach);
        Command<TaskResults>(HandleResults);
        Command<ReturnLeases>(HandleReturn);
        Command<Terminated>(HandleTerminated);
        Command<ClusterEvent.MemberDowned>(HandleDowned);
        Command<ClusterEvent.CurrentClusterState>(_ => { });
        Command<RetryDue>(_ => OnRetryDue());
        Command<ReattachGraceOver>(_ => EndReattachGrace());
        Command<ResultsExported>(HandleExported);
        Command<ResultsAppender.Written>(HandleAppended);
        Command<ResultsAppender.NotWritten>(HandleAppendFailed);
        Command<Status.Failure>(HandleExportFailed);
        Command<HandOff>(_ => StopWhenFlushed());
        Command<AwaitNodesDrained>(HandleAwaitNodesDrained);
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(HandOff.Instance)));
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => _log.Warning("Job {0}: snapshot failed: {1}", _jobId, f.Cause.Message));
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

    public override string PersistenceId => JobIds.PersistenceId(_jobId);

    protected override void PreStart()
    {
        base.PreStart();
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.MemberDowned));
    }

    protected override void PostStop()
    {
        // Held status queries get what is known now rather than waiting out their hold.
        ReleaseHeldStatuses();
        Cluster.Get(Context.System).Unsubscribe(Self);
        base.PostStop();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private JobStatusReport Status() => _spec is null
        ? JobStatusReport.Unknown(_jobId)
        : new JobStatusReport(_jobId, _spec.Name, _phase, _spec.TaskCount, _succeeded, _failed,
            _ledger?.Leased ?? 0, _acceptedAt, _endedAt, _exported ? _resultsFile : null, _exportError);

    // ---- recovery -------------------------------------------------------------------------

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
        }
        _appender?.Tell(new ResultsAppender.Append(e.Results));
        if (IsRecovering)
        {
            _succeeded = _recordedSucceeded;
            _failed = _recordedFailed;
        }
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
        _succeeded = _recordedSucceeded = s.Succeeded;
        _failed = _recordedFailed = s.Failed;
        _ledger = new TaskLedger(s.Spec.TaskCount, CompletionBitmap.FromWords(s.Spec.TaskCount, s.CompletedBits));
        if (_phase != JobPhase.Running) _ledger.Clear();
    }

    private void OnRecovered()
    {
        if (_spec is null)
            return;
        _resultsFile = ResultsFileWriter.DefaultPath(_spec);
        if (_phase == JobPhase.Running)
        {
            _log.Info("Job {0} recovered: {1} of {2} tasks already done", _jobId, _ledger!.Recorded, _spec.TaskCount);
            // Nodes that stayed up may still hold leases of the previous life: give them a moment
            // to re-attach before handing out anything, so their tasks are not run twice.
            if (_settings.ReattachGrace > TimeSpan.Zero)
            {
                _awaitingReattach = true;
                Timers.StartSingleTimer(nameof(ReattachGraceOver), ReattachGraceOver.Instance, _settings.ReattachGrace);
            }
            _directory.Tell(new JobActivated(_jobId, _spec.Name, _spec.Priority, _incarnation, _spec.Command.Handler));
            CheckFinished();
        }
        else
        {
            StartExport();
        }
    }

    // ---- commands -------------------------------------------------------------------------

    private void HandleSubmit(SubmitJob submit)
    {
        if (_spec is not null)
        {
            Sender.Tell(new JobSubmitted(_jobId, Resumed: true, Status()));
            return;
        }
        var sender = Sender;
        _writesInFlight++;
        Persist(new JobAccepted(_jobId, submit.Spec, DateTimeOffset.UtcNow), e =>
        {
            _writesInFlight--;
            Apply(e);
            _resultsFile = ResultsFileWriter.DefaultPath(e.Spec);
            _appender = Context.ActorOf(ResultsAppender.Props(e.Spec, _resultsFile, $"{_resultsFile}.{_incarnation}.partial"), "results");
            _log.Info("Job {0} accepted: {1} tasks", _jobId, e.Spec.TaskCount);
            _directory.Tell(new JobActivated(_jobId, e.Spec.Name, e.Spec.Priority, _incarnation, e.Spec.Command.Handler));
            sender.Tell(new JobSubmitted(_jobId, Resumed: false, Status()));
            CheckFinished();
        });
    }

    private void HandleCancel(CancelJob cancel)
    {
        if (_phase != JobPhase.Running)
        {
            Sender.Tell(Status());
            return;
        }
        var sender = Sender;
        var holders = _ledger!.LeaseHolders();
        // Results that already arrived are kept: journal them before the cancellation.
        if (_unrecorded.Count > 0)
        {
            var remaining = _unrecorded.ToArray();
            _unrecorded.Clear();
            _writesInFlight++;
            PersistAsync(new TaskResultsRecorded(remaining), e =>
            {
                _writesInFlight--;
                Apply(e);
                OnJournaled(e.Results.Length);
            });
        }
        _writesInFlight++;
        Persist(new JobCancelled(cancel.Reason, DateTimeOffset.UtcNow), e =>
        {
            _writesInFlight--;
            Apply(e);
            foreach (var node in holders) node.Tell(new StopJobTasks(_jobId));
            _log.Info("Job {0} cancelled: {1}", _jobId, e.Reason);
            sender.Tell(Status());
            OnEnded();
        });
    }

    private sealed record RetryDue : INoSerializationVerificationNeeded
    {
        public static readonly RetryDue Instance = new();
    }

    private sealed record ReattachGraceOver : INoSerializationVerificationNeeded
    {
        public static readonly ReattachGraceOver Instance = new();
    }

    private sealed record ResultsExported(string Path) : INoSerializationVerificationNeeded;
}
