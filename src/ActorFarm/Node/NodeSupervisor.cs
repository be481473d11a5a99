using ActorFarm.Metrics;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Event;
using Akka.Pattern;

namespace ActorFarm.Node;

/// <summary>
/// The farm on one node: one worker per slot, each under a backoff supervisor (a crashing worker
/// is restarted with exponential backoff, its task re-queued). It pulls leases from the active
/// jobs, highest priority first, asking for as many as it has free slots plus a prefetch that
/// adapts to the task length, and sends results back in batches.
/// </summary>
/// <remarks>
/// Every field is declared here; the handlers live in the partial files named after what they
/// do (Tasks, Credits, Failover, Stopping, Draining). What the node holds about one job is one
/// <see cref="NodeJob"/>. The phase is the current behaviour, one of:
/// <list type="bullet">
/// <item><see cref="Serving"/>: taking and running tasks; a task that ends by a signal is held a
/// moment before it is reported (see NodeSupervisor.Stopping.cs).</item>
/// <item><see cref="Stopping"/>: the process got SIGTERM/SIGINT (<see cref="StopSignalled"/>);
/// the drain follows. Nothing is asked for; leases that arrive go back; a task that fails or is
/// cancelled goes back unrun; queued tasks still run.</item>
/// <item><see cref="Draining"/>: asked to <see cref="Drain"/>: the queued tasks went back, the
/// running ones finish within the grace, then are killed and given back. Ends when nothing runs
/// and every result sent is acknowledged (or the grace is over).</item>
/// <item><see cref="DrainComplete"/>: replied <see cref="Drained"/>; nothing runs. A drain asked
/// again is answered again.</item>
/// </list>
/// Serving → Stopping → Draining → DrainComplete, or Serving → Draining directly; a drain asked
/// again goes back to Draining until it is answered; never back to Serving.
/// </remarks>
internal sealed partial class NodeSupervisor : ReceiveActor, IWithTimers
{
    private readonly NodeSettings _settings;
    private readonly IActorRef _directory;
    // The job entities (their shard region): where requests, results and returned leases go.
    private readonly IActorRef _jobs;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // ---- slots and tasks (NodeSupervisor.Tasks.cs) ---------------------------------------------
    // One worker per slot. A task of a job with cpus = k runs on one worker but holds k slots
    // (Slot.Cpus): the node's capacity is counted in slots, its workers only carry the tasks, and
    // since every running task holds at least one slot, free slots never outnumber idle workers.
    private readonly Slot[] _slots;
    // Slots whose worker is ready and holds nothing (may hold stale entries: checked on pop).
    private readonly Stack<int> _idle = new();
    // Kept as they change, never counted by a scan: the slots held by running tasks, and what the
    // leases the workers hold stand for in slots (a batch of n one-slot tasks: n, for credits).
    private int _usedSlots;
    private int _busyLeaseSlots;
    // Leases received and not yet handed to a worker, in arrival order, and the slots they will take.
    private readonly Queue<QueuedTask> _queue = new();
    private int _queuedSlots;

    // ---- jobs (NodeJob.cs; created and removed as its remarks say) ---------------------------
    // The directory's latest list of active jobs, highest priority first.
    private ActiveJob[] _activeJobs = [];
    private readonly Dictionary<string, NodeJob> _nodeJobs = new();

    // ---- stopping and draining (NodeSupervisor.Stopping.cs, NodeSupervisor.Draining.cs) ------
    // Tasks that ended by a signal while serving, oldest first, until their hold passes.
    private readonly Queue<HeldResult> _held = new();
    // Tasks the node had taken and gave back unrun since it stopped serving (held, queued,
    // failed or killed by the stop), and tasks finished since the drain began: what Drained reports.
    private int _returned;
    private int _finished;
    // Draining: who asked (the latest asker is answered), and whether the grace is over.
    private IActorRef _drainAsker = ActorRefs.Nobody;
    private bool _graceOver;

    // ---- metrics (docs/metrics.md) -------------------------------------------------------------
    // The node's tag on its instruments, and what it publishes for the slot gauges (from
    // PreStart to PostStop).
    private readonly KeyValuePair<string, object?> _nodeTag;
    private FarmMetrics.NodeGauge? _slotGauges;

    public NodeSupervisor(NodeSettings settings, IActorRef directory, IActorRef jobs, ITaskExecutor executor)
    {
        _settings = settings;
        _directory = directory;
        _jobs = jobs;
        _nodeTag = FarmMetrics.NodeTag(settings.NodeName);
        _slots = new Slot[settings.Slots];
        for (var i = 0; i < _slots.Length; i++)
        {
            var workerProps = Worker.Props(i, Self, executor, settings.NodeName);
            var options = Backoff.OnFailure(workerProps, "worker", settings.WorkerRestartMinBackoff,
                    settings.WorkerRestartMaxBackoff, 0.2, maxNrOfRetries: 20);
            _slots[i] = new Slot { Supervisor = Context.ActorOf(BackoffSupervisor.Props(options), $"slot-{i}") };
            Context.Watch(_slots[i].Supervisor);
        }
        Become(Serving);
    }

    public static Props Props(NodeSettings settings, IActorRef directory, IActorRef jobs, ITaskExecutor executor) =>
        Akka.Actor.Props.Create(() => new NodeSupervisor(settings, directory, jobs, executor));

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        _slotGauges = FarmMetrics.TrackNode(_settings.NodeName, _slots.Length);
        Register();
        Timers.StartPeriodicTimer(nameof(Reregister), Reregister.Instance, _settings.RegisterInterval);
        Timers.StartPeriodicTimer(nameof(CheckRequests), CheckRequests.Instance, _settings.RequestTimeout);
    }

    protected override void PostStop() => _slotGauges?.Dispose();

    private void Register() =>
        _directory.Tell(new RegisterNode(Self, _settings.NodeName, _settings.Slots, _settings.Handlers?.Order(StringComparer.Ordinal).ToArray(),
            BusySlots(), _settings.Allocation));

    // A worker may hold several leases (an inline handler's batch), and a task several slots
    // (cpus): busy slots are the slots held, not leases nor workers.
    private int BusySlots() => _usedSlots;

    /// <summary>Slots no running task holds.</summary>
    private int FreeSlots => _settings.Slots - _usedSlots;

    // ---- behaviours ---------------------------------------------------------------------------

    /// <summary>Taking and running tasks: whatever changes, the node asks for more if it has room.</summary>
    private void Serving()
    {
        Receive<ActiveJobs>(active =>
        {
            UpdateActiveJobs(active);
            RequestMore();
        });
        Receive<TaskBatch>(batch =>
        {
            QueueBatch(batch);
            RequestMore();
        });
        Receive<TasksAvailable>(available =>
        {
            MarkAvailable(available);
            RequestMore();
        });
        Receive<CheckRequests>(_ =>
        {
            ExpireRequests();
            RequestMore();
            ResendOverdueBatches();
        });
        Receive<WorkerReady>(ready =>
        {
            TakeReadyWorker(ready, BufferResult);
            Dispatch();
            RequestMore();
        });
        Receive<WorkerFinished>(finished =>
        {
            if (FreeSlot(finished)) ReportWhileServing(finished);
            Dispatch();
            RequestMore();
        });
        Receive<ResultsAcknowledged>(HandleAcknowledged);
        Receive<ReleaseHeldResults>(_ =>
        {
            ReleaseHeld();
            Dispatch();
            RequestMore();
        });
        Receive<StopSignalled>(_ => BeginStopping());
        Receive<Drain>(BeginDraining);
        ReceiveInAnyPhase();
    }

    /// <summary>The process got a stop signal; the drain follows. Nothing is asked for.</summary>
    private void Stopping()
    {
        ReceiveWhileLeaving(afterChange: () => { });
        Receive<Drain>(BeginDraining);
        ReceiveInAnyPhase();
    }

    /// <summary>Running tasks finish within the grace; every change may be the last one it waits for.</summary>
    private void Draining()
    {
        ReceiveWhileLeaving(afterChange: CheckDrained);
        Receive<Drain>(AskAgain);
        Receive<DrainDeadline>(_ => GiveUpRunningTasks());
        ReceiveInAnyPhase();
    }

    /// <summary>Replied <see cref="Drained"/>: nothing runs; a late result still goes back to its job.</summary>
    private void DrainComplete()
    {
        ReceiveWhileLeaving(afterChange: () => { });
        Receive<Drain>(AskAgain);
        Receive<DrainDeadline>(_ => { }); // sent before the drain ended; nothing is left to give up
        ReceiveInAnyPhase();
    }

    /// <summary>
    /// What the node does once it stopped serving (Stopping, Draining, DrainComplete): leases that
    /// arrive go back, nothing is asked for and nothing queued starts (the drain gives the queue
    /// back: a task started now would only be killed by the stop), a failed or cancelled task goes
    /// back unrun and results are sent at once. <paramref name="afterChange"/> runs after each change to
    /// what the node holds.
    /// </summary>
    private void ReceiveWhileLeaving(Action afterChange)
    {
        Receive<ActiveJobs>(UpdateActiveJobs);
        Receive<TaskBatch>(GiveBackBatch);
        Receive<TasksAvailable>(MarkAvailable);
        Receive<CheckRequests>(_ =>
        {
            ExpireRequests();
            ResendOverdueBatches();
        });
        Receive<WorkerReady>(ready =>
        {
            TakeReadyWorker(ready, SendResult);
            afterChange();
        });
        Receive<WorkerFinished>(finished =>
        {
            if (FreeSlot(finished)) ReportWhileLeaving(finished);
            afterChange();
        });
        Receive<ResultsAcknowledged>(ack =>
        {
            HandleAcknowledged(ack);
            afterChange();
        });
        // The stop returned every held task; a release already on its way finds none.
        Receive<ReleaseHeldResults>(_ => { });
        // Already applying the stop's rules.
        Receive<StopSignalled>(_ => { });
    }

    /// <summary>What every phase does alike.</summary>
    private void ReceiveInAnyPhase()
    {
        Receive<StopJobTasks>(stop => StopJob(stop.JobId));
        Receive<FlushResults>(_ => FlushAll());
        Receive<Reregister>(_ => Register());
        Receive<Terminated>(t => _log.Error("Slot {0} stopped for good after repeated worker crashes", t.ActorRef.Path.Name));
    }

    // ---- nested types, timers and private messages ----------------------------------------------

    private sealed class Slot
    {
        public required IActorRef Supervisor { get; init; }
        public IActorRef? Worker { get; set; }
        public string? JobId { get; set; }
        /// <summary>The tasks handed to the worker (while <see cref="JobId"/> is set).</summary>
        public TaskLease[] Leases { get; set; } = [];

        /// <summary>The node's slots its task holds (the job's cpus) while <see cref="JobId"/> is set.</summary>
        public int Cpus { get; set; }

        /// <summary>The lease was given back while the task still ran (drain deadline).</summary>
        public bool Returned { get; set; }

        /// <summary>On the idle stack.</summary>
        public bool Idle { get; set; }

        /// <summary>
        /// Its task ended by a signal while the node was serving (its result is held): it takes no
        /// task until the hold passes or the stop begins, so that a stop signal that killed the
        /// task cannot also kill a task started in its place.
        /// </summary>
        public bool Resting { get; set; }
    }

    /// <summary>A lease waiting for a worker, and the slots its task will take.</summary>
    private readonly record struct QueuedTask(string JobId, TaskLease Lease, int Cpus);

    private readonly record struct HeldResult(string JobId, int Slot, TaskResult Result, DateTime ReleaseAt);

    private sealed record FlushResults : INoSerializationVerificationNeeded
    {
        public static readonly FlushResults Instance = new();
    }

    private sealed record Reregister : INoSerializationVerificationNeeded
    {
        public static readonly Reregister Instance = new();
    }

    private sealed record CheckRequests : INoSerializationVerificationNeeded
    {
        public static readonly CheckRequests Instance = new();
    }

    private sealed record ReleaseHeldResults : INoSerializationVerificationNeeded
    {
        public static readonly ReleaseHeldResults Instance = new();
    }

    private sealed record DrainDeadline : INoSerializationVerificationNeeded
    {
        public static readonly DrainDeadline Instance = new();
    }
}
