using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Event;

namespace ActorFarm.Node;

// Shutdown is not failure: a task killed because its node stops goes back to its job unrun (no
// attempt used); it is never reported as failed.
//
// The race this answers: a signal meant for the whole farm (a plain scancel signals every process
// of the allocation by pid, the time limit too; Ctrl+C a terminal's process group; systemd a
// service's cgroup) reaches the node's tasks at the same moment as the node, and a task may die of
// it (exit 143) before the node hears of its own stop. Starting tasks in a session of their own
// would not help: SLURM finds a step's processes by their ancestry (proctrack/linuxproc) or cgroup,
// not by process group. So the node decides by time instead, by phase (see NodeSupervisor.cs):
//   Serving  → a task that ends by a signal (exit code 129-192) is held for
//              interrupted-task-hold before it is reported, and its slot rests as long (a task
//              started in its place would die of the same stop); a stop that begins meanwhile
//              turns it into a returned lease.
//   Stopping (the process got SIGTERM/SIGINT, see FarmHost) and Draining (the coordinated
//              shutdown asked to drain) → every failed or cancelled task is returned: it may have
//              caught the signal and exited with a code of its own, and a real failure shows
//              again on the next run at the cost of one re-run.
//   DrainComplete → nothing runs any more.
internal sealed partial class NodeSupervisor
{
    /// <summary>
    /// The process received SIGTERM or SIGINT and is about to shut down (sent by
    /// <see cref="Hosting.FarmHost"/> from the signal handler, before the coordinated shutdown
    /// gets as far as <see cref="Drain"/>): from now on a task that fails was likely killed by
    /// the same signal.
    /// </summary>
    public sealed record StopSignalled : INoSerializationVerificationNeeded
    {
        public static readonly StopSignalled Instance = new();
    }

    /// <summary>Serving → Stopping.</summary>
    private void BeginStopping()
    {
        Become(Stopping);
        ForgetRequests();
        _log.Info("Node {0} stopping (signal received): tasks that fail from now on go back to their jobs", _settings.NodeName);
        ReturnHeld();
    }

    /// <summary>
    /// Serving: a task that ended by a signal is held until its hold passes (or a stop begins);
    /// every other result is reported as it is.
    /// </summary>
    private void ReportWhileServing(WorkerFinished finished)
    {
        _nodeJobs.TryGetValue(finished.JobId, out var job);
        foreach (var result in finished.Results)
        {
            if (EndedBySignal(result))
            {
                Hold(finished.JobId, finished.Slot, result);
                continue;
            }
            job?.Observe(result);
            BufferResult(finished.JobId, result);
        }
    }

    /// <summary>
    /// Stopping, Draining, DrainComplete: a task that failed or was cancelled may have caught the stop
    /// and goes back unrun; any other result is reported, at once.
    /// </summary>
    private void ReportWhileLeaving(WorkerFinished finished)
    {
        _nodeJobs.TryGetValue(finished.JobId, out var job);
        foreach (var ended in finished.Results)
        {
            var result = ended;
            if (ended.Outcome is TaskOutcome.Failed or TaskOutcome.Cancelled)
            {
                result = AsReturned(ended, "the node was stopping");
                _returned++;
            }
            else
            {
                _finished++;
            }
            job?.Observe(result);
            SendResult(finished.JobId, result);
        }
    }

    private void Hold(string jobId, int slot, TaskResult result)
    {
        _slots[slot].Resting = true;
        _held.Enqueue(new HeldResult(jobId, slot, result, DateTime.UtcNow + _settings.InterruptedTaskHold));
        if (!Timers.IsTimerActive(nameof(ReleaseHeldResults)))
            Timers.StartSingleTimer(nameof(ReleaseHeldResults), ReleaseHeldResults.Instance, _settings.InterruptedTaskHold);
    }

    /// <summary>The hold of the oldest held tasks passed with the node still serving: they failed by themselves.</summary>
    private void ReleaseHeld()
    {
        var now = DateTime.UtcNow;
        while (_held.TryPeek(out var held) && held.ReleaseAt <= now)
        {
            _held.Dequeue();
            Wake(held.Slot);
            BufferResult(held.JobId, held.Result);
        }
        if (_held.TryPeek(out var next))
            Timers.StartSingleTimer(nameof(ReleaseHeldResults), ReleaseHeldResults.Instance, next.ReleaseAt - now);
    }

    /// <summary>The node stopped serving: every held task was the stop's doing; it goes back.</summary>
    private void ReturnHeld()
    {
        Timers.Cancel(nameof(ReleaseHeldResults));
        if (_held.Count == 0) return;
        _log.Info("Node {0}: {1} task(s) that ended by a signal just before the stop go back to their jobs", _settings.NodeName, _held.Count);
        while (_held.TryDequeue(out var held))
        {
            Wake(held.Slot);
            _returned++;
            SendResult(held.JobId, AsReturned(held.Result, "killed by the signal that stopped the node"));
        }
    }

    /// <summary>A job forgotten by the node (ended, cancelled) no longer wants its held tasks.</summary>
    private void DropHeld(string jobId)
    {
        if (_held.Count == 0) return;
        var keep = _held.Where(h => h.JobId != jobId).ToList();
        foreach (var dropped in _held.Where(h => h.JobId == jobId)) Wake(dropped.Slot);
        _held.Clear();
        foreach (var held in keep) _held.Enqueue(held);
    }

    /// <summary>A resting slot's hold is over (passed, the stop began, or its job went): it may take tasks again.</summary>
    private void Wake(int index)
    {
        _slots[index].Resting = false;
        MarkIdle(index);
    }

    /// <summary>Leases of held tasks of a job, for a re-attach to its new incarnation.</summary>
    private IEnumerable<TaskLease> HeldLeases(string jobId) =>
        _held.Where(h => h.JobId == jobId).Select(h => new TaskLease(h.Result.Index, h.Result.Attempt));

    /// <summary>Exit codes 129-192: the process was killed by a signal (128 + its number), or says so.</summary>
    internal static bool EndedBySignal(TaskResult result) =>
        result.Outcome == TaskOutcome.Failed && result.ExitCode is > 128 and <= 128 + 64;

    private static TaskResult AsReturned(TaskResult result, string why) =>
        result with
        {
            Outcome = TaskOutcome.Returned,
            ExitCode = null,
            Error = $"interrupted ({why}); given back unrun" + (result.ExitCode is { } code ? $", exit code {code}" : ""),
        };
}
