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
// not by process group. So the node decides by time instead:
//   Serving  → a task that ends by a signal (exit code 129-192) is held for
//              interrupted-task-hold before it is reported; a stop that begins meanwhile turns it
//              into a returned lease.
//   Stopping (the process got SIGTERM/SIGINT, see FarmHost) and Draining (the coordinated
//              shutdown asked to drain) → every failed or cancelled task is returned: it may have
//              caught the signal and exited with a code of its own, and a real failure shows
//              again on the next run at the cost of one re-run.
//   Drained  → nothing runs any more.
public sealed partial class NodeSupervisor
{
    /// <summary>Where the node is in its life; each rule of this file says which phases it applies to.</summary>
    private enum NodePhase
    {
        /// <summary>Taking and running tasks.</summary>
        Serving,

        /// <summary>The process received a stop signal; the drain follows. No new tasks.</summary>
        Stopping,

        /// <summary>Asked to drain (<see cref="Drain"/>): running tasks finish within the grace, the rest go back.</summary>
        Draining,

        /// <summary>Drained: replied <see cref="Drained"/>; nothing runs.</summary>
        Drained,
    }

    private NodePhase _phase = NodePhase.Serving;

    // Tasks that ended by a signal while the node was serving, oldest first, until their hold passes.
    private readonly Queue<HeldResult> _held = new();
    // Leases given back by the stop rules before the drain began (the drain's count starts from these).
    private int _returnedBeforeDrain;

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

    private sealed record ReleaseHeldResults : INoSerializationVerificationNeeded
    {
        public static readonly ReleaseHeldResults Instance = new();
    }

    private readonly record struct HeldResult(string JobId, TaskResult Result, DateTime ReleaseAt);

    private bool IsStopping => _phase != NodePhase.Serving;

    private void HandleStopSignalled()
    {
        if (_phase != NodePhase.Serving) return;
        _phase = NodePhase.Stopping;
        _outstanding.Clear();
        _log.Info("Node {0} stopping (signal received): tasks that fail from now on go back to their jobs", _settings.NodeName);
        ReturnHeld();
    }

    /// <summary>
    /// Applies the stop rules to one finished attempt. Returns the result to report: as it is, or
    /// turned into <see cref="TaskOutcome.Returned"/>; null when it is held for now.
    /// </summary>
    private TaskResult? ScreenForInterruption(string jobId, TaskResult result)
    {
        if (IsStopping)
            return result.Outcome is TaskOutcome.Failed or TaskOutcome.Cancelled ? AsReturned(result, "the node was stopping") : result;
        if (!EndedBySignal(result)) return result;
        _held.Enqueue(new HeldResult(jobId, result, DateTime.UtcNow + _settings.InterruptedTaskHold));
        if (!Timers.IsTimerActive(nameof(ReleaseHeldResults)))
            Timers.StartSingleTimer(nameof(ReleaseHeldResults), ReleaseHeldResults.Instance, _settings.InterruptedTaskHold);
        return null;
    }

    /// <summary>The hold of the oldest held tasks passed with the node still serving: they failed by themselves.</summary>
    private void ReleaseHeld()
    {
        var now = DateTime.UtcNow;
        while (_held.TryPeek(out var held) && held.ReleaseAt <= now)
        {
            _held.Dequeue();
            BufferResult(held.JobId, held.Result);
        }
        if (_held.TryPeek(out var next))
            Timers.StartSingleTimer(nameof(ReleaseHeldResults), ReleaseHeldResults.Instance, next.ReleaseAt - now);
    }

    /// <summary>The node began stopping: every held task was the stop's doing; it goes back.</summary>
    private void ReturnHeld()
    {
        Timers.Cancel(nameof(ReleaseHeldResults));
        if (_held.Count == 0) return;
        _log.Info("Node {0}: {1} task(s) that ended by a signal just before the stop go back to their jobs", _settings.NodeName, _held.Count);
        while (_held.TryDequeue(out var held))
        {
            CountReturned(1);
            BufferResult(held.JobId, AsReturned(held.Result, "killed by the signal that stopped the node"));
        }
    }

    private void CountReturned(int leases)
    {
        if (_drain is not null) _drain.Returned += leases;
        else _returnedBeforeDrain += leases;
    }

    /// <summary>A job forgotten by the node (ended, cancelled) no longer wants its held tasks.</summary>
    private void DropHeld(string jobId)
    {
        if (_held.Count == 0) return;
        var keep = _held.Where(h => h.JobId != jobId).ToList();
        _held.Clear();
        foreach (var held in keep) _held.Enqueue(held);
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
