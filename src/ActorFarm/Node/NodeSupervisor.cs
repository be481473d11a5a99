using ActorFarm.Manifest;
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
public sealed partial class NodeSupervisor : ReceiveActor, IWithTimers
{
    private readonly NodeSettings _settings;
    private readonly IActorRef _directory;
    private readonly IActorRef _jobs;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private readonly Slot[] _slots;
    private readonly Queue<QueuedTask> _queue = new();
    private ActiveJob[] _activeJobs = [];
    private readonly HashSet<string> _exhausted = new();
    // Jobs whose tasks would outlast this node's scheduled leave (see FitsBeforeLeaving).
    private readonly HashSet<string> _unfit = new();
    private readonly Dictionary<string, PendingRequest> _outstanding = new();
    private readonly Dictionary<string, JobSpec> _specs = new();
    private readonly Dictionary<string, PrefetchPolicy> _prefetch = new();
    private readonly Dictionary<string, List<TaskResult>> _results = new();
    // The incarnation of each job entity our leases came from (see ReattachLeases).
    private readonly Dictionary<string, string> _incarnations = new();

    public NodeSupervisor(NodeSettings settings, IActorRef directory, IActorRef jobs, ITaskExecutor executor)
    {
        _settings = settings;
        _directory = directory;
        _jobs = jobs;
        _slots = new Slot[settings.Slots];
        for (var i = 0; i < _slots.Length; i++)
        {
            var workerProps = Worker.Props(i, Self, executor, settings.NodeName);
            var options = Backoff.OnFailure(workerProps, "worker", settings.WorkerRestartMinBackoff,
                    settings.WorkerRestartMaxBackoff, 0.2, maxNrOfRetries: 20);
            _slots[i] = new Slot { Supervisor = Context.ActorOf(BackoffSupervisor.Props(options), $"slot-{i}") };
            Context.Watch(_slots[i].Supervisor);
        }

        Receive<ActiveJobs>(HandleActiveJobs);
        Receive<TaskBatch>(HandleBatch);
        Receive<TasksAvailable>(available =>
        {
            _exhausted.Remove(available.JobId);
            RequestMore();
        });
        Receive<WorkerReady>(HandleWorkerReady);
        Receive<WorkerFinished>(HandleWorkerFinished);
        Receive<StopJobTasks>(stop => StopJob(stop.JobId));
        Receive<FlushResults>(_ => FlushAll());
        Receive<Reregister>(_ => Register());
        Receive<CheckRequests>(_ => ExpireRequests());
        Receive<Drain>(HandleDrain);
        Receive<DrainDeadline>(_ => GiveUpRunningTasks());
        Receive<Terminated>(t => _log.Error("Slot {0} stopped for good after repeated worker crashes", t.ActorRef.Path.Name));
    }

    public static Props Props(NodeSettings settings, IActorRef directory, IActorRef jobs, ITaskExecutor executor) =>
        Akka.Actor.Props.Create(() => new NodeSupervisor(settings, directory, jobs, executor));

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Register();
        Timers.StartPeriodicTimer(nameof(Reregister), Reregister.Instance, _settings.RegisterInterval);
        Timers.StartPeriodicTimer(nameof(CheckRequests), CheckRequests.Instance, _settings.RequestTimeout);
    }

    private void Register() => _directory.Tell(new RegisterNode(Self, _settings.NodeName, _settings.Slots));

    private void HandleActiveJobs(ActiveJobs active)
    {
        _activeJobs = active.Jobs;
        foreach (var job in active.Jobs)
            ObserveIncarnation(job.JobId, job.Incarnation);
        var ids = active.Jobs.Select(j => j.JobId).ToHashSet();
        foreach (var gone in _specs.Keys.Where(id => !ids.Contains(id)).ToList())
            ForgetJob(gone);
        RequestMore();
    }

    private void HandleBatch(TaskBatch batch)
    {
        _outstanding.Remove(batch.JobId);
        ObserveIncarnation(batch.JobId, batch.Incarnation);
        if (batch.Spec is not null)
            _specs[batch.JobId] = batch.Spec;
        if (batch.Exhausted)
            _exhausted.Add(batch.JobId);
        if (batch.Leases.Length > 0)
        {
            if (!_specs.ContainsKey(batch.JobId) || _drain is not null)
            {
                // The job ended (we forgot its spec) or this node is leaving: give them back.
                _jobs.Tell(new ReturnLeases(batch.JobId, Self, batch.Leases));
            }
            else
            {
                foreach (var lease in batch.Leases) _queue.Enqueue(new QueuedTask(batch.JobId, lease));
                Dispatch();
            }
        }
        RequestMore();
    }

    private void HandleWorkerReady(WorkerReady ready)
    {
        var slot = _slots[ready.Slot];
        if (slot.Returned)
        {
            // Crashed after its lease went back to the job: nothing to report.
            slot.JobId = null;
            slot.Returned = false;
        }
        else if (slot.JobId is { } crashedJob)
        {
            // The worker was restarted while it held a task: give the task back to its job,
            // which re-queues it (counting the attempt, so a task that always crashes ends).
            _log.Warning("Worker in slot {0} crashed running task {1} of job {2}; re-queuing it",
                ready.Slot, slot.Lease.Index, crashedJob);
            var now = DateTimeOffset.UtcNow;
            BufferResult(crashedJob, new TaskResult(slot.Lease.Index, slot.Lease.Attempt, TaskOutcome.WorkerCrashed,
                null, now, now, "worker crashed"));
            slot.JobId = null;
        }
        slot.Worker = Sender;
        Dispatch();
        RequestMore();
        CheckDrained();
    }

    private void HandleWorkerFinished(WorkerFinished finished)
    {
        var slot = _slots[finished.Slot];
        var returned = slot.Returned;
        slot.JobId = null;
        slot.Returned = false;
        if (returned)
        {
            // Its lease went back to the job when the drain deadline passed; the job ignores it.
            Dispatch();
            CheckDrained();
            return;
        }
        if (_prefetch.TryGetValue(finished.JobId, out var policy))
            policy.Observe(finished.Result.Ended - finished.Result.Started);
        BufferResult(finished.JobId, finished.Result);
        if (_drain is not null) _drain.Finished++;
        Dispatch();
        RequestMore();
        CheckDrained();
    }

    private void Dispatch()
    {
        foreach (var slot in _slots)
        {
            if (slot.Worker is null || slot.JobId is not null) continue;
            QueuedTask next;
            JobSpec? spec;
            do
            {
                if (!_queue.TryDequeue(out next)) return;
            } while (!_specs.TryGetValue(next.JobId, out spec) || !FitsBeforeLeaving(next, spec));
            slot.JobId = next.JobId;
            slot.Lease = next.Lease;
            slot.Worker.Tell(new RunTask(next.JobId, spec, next.Lease));
        }
    }

    /// <summary>
    /// A node that must leave at a known time does not start a task expected to outlast it: the
    /// lease goes back (no attempt used) and the node stops asking that job for tasks.
    /// </summary>
    private bool FitsBeforeLeaving(QueuedTask task, JobSpec spec)
    {
        if (_settings.DrainAt is not { } drainAt || spec.ExpectedDuration is not { } expected) return true;
        if (DateTimeOffset.UtcNow + expected <= drainAt + _settings.DrainGrace) return true;
        if (_unfit.Add(task.JobId))
            _log.Info("Job {0}: tasks take up to {1}, more than this node has left; leaving them for other nodes", task.JobId, expected);
        _jobs.Tell(new ReturnLeases(task.JobId, Self, [task.Lease]));
        return false;
    }

    private sealed class Slot
    {
        public required IActorRef Supervisor { get; init; }
        public IActorRef? Worker { get; set; }
        public string? JobId { get; set; }
        public TaskLease Lease { get; set; }

        /// <summary>The lease was given back while the task still ran (drain deadline).</summary>
        public bool Returned { get; set; }
    }

    private readonly record struct QueuedTask(string JobId, TaskLease Lease);

    private readonly record struct PendingRequest(int Credits, DateTime SentAt);

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
}
