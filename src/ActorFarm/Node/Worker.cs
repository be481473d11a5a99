using ActorFarm.Manifest;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Node;

/// <summary>
/// One slot of a node: runs one task at a time (a batch of very short ones in turn). A task runs
/// asynchronously (a process or an in-process handler) and its outcome is piped back, so the
/// worker never blocks a thread and still answers a cancel while its task runs. A crash (an
/// unexpected fault of the executor, not a failing task) restarts the worker; the new instance
/// reports itself ready and the node supervisor re-queues the tasks it held.
/// </summary>
internal sealed class Worker : ReceiveActor
{
    private readonly int _slot;
    private readonly IActorRef _node;
    private readonly ITaskExecutor _executor;
    private readonly string _nodeName;

    // The batch in hand (see RunTasks): its leases, the next to start, the results so far.
    private RunTasks? _batch;
    private int _next;
    private readonly List<TaskResult> _done = new();
    private bool _cancelled;
    private CancellationTokenSource? _running;

    public Worker(int slot, IActorRef node, ITaskExecutor executor, string nodeName)
    {
        _slot = slot;
        _node = node;
        _executor = executor;
        _nodeName = nodeName;
        Idle();
    }

    public static Props Props(int slot, IActorRef node, ITaskExecutor executor, string nodeName) =>
        Akka.Actor.Props.Create(() => new Worker(slot, node, executor, nodeName));

    protected override void PreStart() => _node.Tell(new WorkerReady(_slot));

    protected override void PostStop()
    {
        // A stopping worker takes its process tree down with it.
        _running?.Cancel();
        _running?.Dispose();
    }

    private void Idle()
    {
        Receive<RunTasks>(run =>
        {
            _batch = run;
            _next = 0;
            _cancelled = false;
            RunNext();
        });
        Receive<CancelRunningTask>(_ => { });
    }

    private void Busy()
    {
        Receive<TaskExecuted>(executed =>
        {
            _running?.Dispose();
            _running = null;
            _done.Add(ToResult(executed.Lease, executed.Outcome));
            Become(Idle);
            RunNext();
        });
        Receive<CancelRunningTask>(cancel =>
        {
            if (cancel.JobId != _batch?.JobId) return;
            _cancelled = true;
            _running?.Cancel();
        });
        // The executor reports a task's failures as outcomes; a faulted task here is a bug or a
        // broken environment. Crash, so the supervisor restarts this worker with backoff, after
        // telling the node exactly what became of the batch: the tasks that finished, the one that
        // crashed (its attempt counts) and those not started (given back, no attempt used).
        Receive<Status.Failure>(failure =>
        {
            var batch = _batch!;
            var now = DateTimeOffset.UtcNow;
            var crashed = batch.Leases[_next - 1];
            _done.Add(new TaskResult(crashed.Index, crashed.Attempt, TaskOutcome.WorkerCrashed, null, now, now,
                "worker crashed: " + failure.Cause.Message));
            foreach (var lease in batch.Leases.AsSpan(_next))
                _done.Add(new TaskResult(lease.Index, lease.Attempt, TaskOutcome.Returned, null, now, now));
            _node.Tell(new WorkerFinished(_slot, batch.JobId, _done.ToArray(), Crashing: true));
            throw new TaskExecutionCrashedException(batch.JobId, failure.Cause);
        });
    }

    /// <summary>
    /// Starts the batch's tasks in turn. Tasks that complete synchronously (noop) run right here,
    /// with no round trip through PipeTo and the mailbox; at the first asynchronous one the worker
    /// waits (Busy) and carries on when its outcome arrives. The node hears once, at the end.
    /// </summary>
    private void RunNext()
    {
        var batch = _batch!;
        while (_next < batch.Leases.Length)
        {
            var lease = batch.Leases[_next++];
            var started = DateTimeOffset.UtcNow;
            if (_cancelled)
            {
                _done.Add(new TaskResult(lease.Index, lease.Attempt, TaskOutcome.Cancelled, null, started, started,
                    "cancelled before it started"));
                continue;
            }
            RenderedTask rendered;
            try
            {
                rendered = TaskRenderer.Render(batch.Spec, lease.Index, lease.Attempt, _nodeName);
            }
            catch (Exception e) when (e is IOException or KeyNotFoundException or UnauthorizedAccessException or FormatException)
            {
                _done.Add(new TaskResult(lease.Index, lease.Attempt, TaskOutcome.FailedToStart, null,
                    started, DateTimeOffset.UtcNow, "could not render the task: " + e.Message));
                continue;
            }

            _running = new CancellationTokenSource();
            var execution = _executor.ExecuteAsync(batch.Spec, rendered, lease.Attempt, _nodeName, _running.Token);
            if (execution.IsCompletedSuccessfully)
            {
                // Completed: reading the result cannot block.
                _running.Dispose();
                _running = null;
                _done.Add(ToResult(lease, execution.Result));
                continue;
            }
            var jobId = batch.JobId;
            execution.PipeTo(Self, success: outcome => new TaskExecuted(jobId, lease, outcome));
            Become(Busy);
            return;
        }
        _node.Tell(new WorkerFinished(_slot, batch.JobId, _done.ToArray()));
        _done.Clear();
        _batch = null;
    }

    internal static TaskResult ToResult(TaskLease lease, ExecutionOutcome outcome)
    {
        var kind = outcome.Reason switch
        {
            TaskEndReason.Exited when outcome.ExitCode == 0 => TaskOutcome.Succeeded,
            TaskEndReason.Exited => TaskOutcome.Failed,
            TaskEndReason.TimedOut => TaskOutcome.TimedOut,
            TaskEndReason.FailedToStart => TaskOutcome.FailedToStart,
            TaskEndReason.Cancelled => TaskOutcome.Cancelled,
            _ => TaskOutcome.Failed,
        };
        // A success has no error: a note of the runner on a run that succeeded (output it could
        // not capture) is a message, beside the handler's own (a process task has none).
        var (error, message) = kind == TaskOutcome.Succeeded && outcome.Error is { } note
            ? (null, outcome.Message is null ? note : outcome.Message + "; " + note)
            : (outcome.Error, outcome.Message);
        return new TaskResult(lease.Index, lease.Attempt, kind, outcome.ExitCode, outcome.Started, outcome.Ended,
            error, outcome.OutputTruncated, message, outcome.Payload?.Array, outcome.Payload?.IsJson ?? false);
    }

    private sealed record TaskExecuted(string JobId, TaskLease Lease, ExecutionOutcome Outcome) : INoSerializationVerificationNeeded;
}

/// <summary>A worker's executor faulted unexpectedly; the worker crashes and is restarted.</summary>
internal sealed class TaskExecutionCrashedException(string? jobId, Exception cause)
    : Exception($"Task execution crashed (job {jobId}): {cause.Message}", cause);
