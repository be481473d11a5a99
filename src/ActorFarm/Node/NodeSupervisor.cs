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
    // Slots whose worker is ready and holds nothing (may hold stale entries: checked on pop),
    // and the leases all workers hold: both kept as they change, never counted by a scan.
    private readonly Stack<int> _idle = new();
    private int _busyLeases;
    private readonly Queue<QueuedTask> _queue = new();
    private ActiveJob[] _activeJobs = [];
    private readonly HashSet<string> _exhausted = new();
    // Jobs whose tasks would outlast this node's scheduled leave (see FitsBeforeLeaving).
    private readonly HashSet<string> _unfit = new();
    private readonly Dictionary<string, PendingRequest> _outstanding = new();
    private readonly Dictionary<string, JobSpec> _specs = new();
    private readonly Dictionary<string, PrefetchPolicy> _prefetch = new();
    // Jobs whose worker crashed mid-task: their tasks go one per worker from then on.
    private readonly HashSet<string> _unbatched = new();
    private readonly Dictionary<string, List<TaskResult>> _results = new();
    // Estimated wire bytes of each job's buffered results (see WireLimits).
    private readonly Dictionary<string, long> _resultBytes = new();
    // Jobs whose results had their text cut, and how many: warned about once, counted after.
    private readonly Dictionary<string, int> _truncated = new();
    // Result batches sent and not yet acknowledged as journaled, per job, oldest first.
    private readonly Dictionary<string, List<SentBatch>> _unacked = new();
    private readonly Dictionary<string, long> _batchIds = new();
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
        Receive<ResultsAcknowledged>(HandleAcknowledged);
        Receive<Reregister>(_ => Register());
        Receive<CheckRequests>(_ => ExpireRequests());
        Receive<Drain>(HandleDrain);
        Receive<DrainDeadline>(_ => GiveUpRunningTasks());
        Receive<StopSignalled>(_ => HandleStopSignalled());
        Receive<ReleaseHeldResults>(_ => ReleaseHeld());
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

    private void Register() =>
        _directory.Tell(new RegisterNode(Self, _settings.NodeName, _settings.Slots, _settings.Handlers?.Order(StringComparer.Ordinal).ToArray()));

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
            if (!_specs.TryGetValue(batch.JobId, out var spec) || IsStopping || !_settings.CanRun(spec.Command.Handler))
            {
                // The job ended (we forgot its spec), this node is leaving, or the job needs a
                // handler this node lacks (the directory did not say so, e.g. it had just moved):
                // give them back unrun, no attempt used; the job is not asked again (RequestMore).
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
            Release(slot);
        }
        else if (slot.JobId is { } crashedJob)
        {
            // The worker crashed without reporting (a worker reports a faulted task itself) while
            // it held tasks: give them back to their job, which re-queues them, counting the
            // attempt so a task that always crashes ends. Which task of a batch crashed is unknown:
            // the job's tasks go one at a time from now on, so the culprit alone uses up its attempts.
            _log.Warning("Worker in slot {0} crashed running task {1} of job {2}; re-queuing {3} task(s)",
                ready.Slot, slot.Leases[0].Index, crashedJob, slot.Leases.Length);
            var now = DateTimeOffset.UtcNow;
            foreach (var lease in slot.Leases)
                BufferResult(crashedJob, new TaskResult(lease.Index, lease.Attempt, TaskOutcome.WorkerCrashed,
                    null, now, now, "worker crashed"));
            _unbatched.Add(crashedJob);
            Release(slot);
        }
        slot.Worker = Sender;
        MarkIdle(ready.Slot);
        Dispatch();
        RequestMore();
        CheckDrained();
    }

    private void HandleWorkerFinished(WorkerFinished finished)
    {
        var slot = _slots[finished.Slot];
        var returned = slot.Returned;
        Release(slot);
        if (finished.Crashing) slot.Worker = null; // its successor announces itself
        else MarkIdle(finished.Slot);
        if (returned)
        {
            // Its lease went back to the job when the drain deadline passed; the job ignores it.
            Dispatch();
            CheckDrained();
            return;
        }
        _prefetch.TryGetValue(finished.JobId, out var policy);
        foreach (var ended in finished.Results)
        {
            // A task killed by the node's own stop goes back instead of failing (NodeSupervisor.Stopping.cs).
            if (ScreenForInterruption(finished.JobId, ended) is not { } result) continue;
            if (result.Outcome == TaskOutcome.Returned && ended.Outcome != TaskOutcome.Returned)
                CountReturned(1);
            else if (_drain is not null)
                _drain.Finished++;
            if (result.Outcome is not (TaskOutcome.Returned or TaskOutcome.WorkerCrashed))
                policy?.Observe(result.Ended - result.Started);
            BufferResult(finished.JobId, result);
        }
        Dispatch();
        RequestMore();
        CheckDrained();
    }

    /// <summary>
    /// Hands queued leases to idle workers. O(1) per task: the idle slots are kept in a stack,
    /// so a node of thousands of slots does not scan them all for every finished task.
    /// </summary>
    private void Dispatch()
    {
        while (_queue.Count > 0 && _idle.TryPop(out var index))
        {
            var slot = _slots[index];
            slot.Idle = false;
            if (slot.Worker is null || slot.JobId is not null) continue; // stale: crashed meanwhile
            var free = _idle.Count + 1;
            QueuedTask next;
            JobSpec? spec;
            do
            {
                if (!_queue.TryDequeue(out next))
                {
                    MarkIdle(index);
                    return;
                }
            } while (!_specs.TryGetValue(next.JobId, out spec) || !FitsBeforeLeaving(next, spec));

            // Very short tasks go several at a time, the queue shared fairly among the free slots.
            var size = Math.Min(BatchSizeFor(next.JobId), Math.Max(1, (_queue.Count + 1) / free));
            var leases = new TaskLease[size];
            leases[0] = next.Lease;
            var count = 1;
            while (count < size && _queue.TryPeek(out var following) && following.JobId == next.JobId)
            {
                _queue.Dequeue();
                if (FitsBeforeLeaving(following, spec)) leases[count++] = following.Lease;
            }
            slot.JobId = next.JobId;
            slot.Leases = count == size ? leases : leases[..count];
            _busyLeases += slot.Leases.Length;
            slot.Worker.Tell(new RunTasks(next.JobId, spec, slot.Leases));
        }
    }

    private void MarkIdle(int index)
    {
        var slot = _slots[index];
        if (slot.Idle || slot.Worker is null || slot.JobId is not null) return;
        slot.Idle = true;
        _idle.Push(index);
    }

    /// <summary>The slot's worker no longer holds its leases (finished, crashed, given up).</summary>
    private void Release(Slot slot)
    {
        _busyLeases -= slot.Leases.Length;
        slot.JobId = null;
        slot.Leases = [];
        slot.Returned = false;
    }

    private int BatchSizeFor(string jobId) =>
        !_unbatched.Contains(jobId) && _prefetch.TryGetValue(jobId, out var policy) ? policy.BatchPerWorker : 1;

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
        /// <summary>The tasks handed to the worker (while <see cref="JobId"/> is set).</summary>
        public TaskLease[] Leases { get; set; } = [];

        /// <summary>The lease was given back while the task still ran (drain deadline).</summary>
        public bool Returned { get; set; }

        /// <summary>On the idle stack.</summary>
        public bool Idle { get; set; }
    }

    private readonly record struct QueuedTask(string JobId, TaskLease Lease);

    private readonly record struct PendingRequest(int Credits, DateTime SentAt);

    private readonly record struct SentBatch(long BatchId, TaskResult[] Results, DateTime SentAt);

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
