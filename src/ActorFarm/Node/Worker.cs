using ActorFarm.Manifest;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Node;

/// <summary>
/// One slot of a node: runs one task at a time. The task runs asynchronously (a process or an
/// in-process handler) and its outcome is piped back, so the worker never blocks a thread and
/// still answers a cancel while its task runs. A crash (an unexpected fault of the executor,
/// not a failing task) restarts the worker; the new instance reports itself ready and the node
/// supervisor re-queues the task it held.
/// </summary>
public sealed class Worker : ReceiveActor
{
    private readonly int _slot;
    private readonly IActorRef _node;
    private readonly ITaskExecutor _executor;
    private readonly string _nodeName;
    private CancellationTokenSource? _running;
    private string? _runningJob;

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
        Receive<RunTask>(Start);
        Receive<CancelRunningTask>(_ => { });
    }

    private void Busy()
    {
        Receive<TaskExecuted>(executed =>
        {
            Finish(executed);
            Become(Idle);
        });
        Receive<CancelRunningTask>(cancel =>
        {
            if (cancel.JobId == _runningJob) _running?.Cancel();
        });
        // The executor reports a task's failures as outcomes; a faulted task here is a bug or a
        // broken environment. Crash, so the supervisor restarts this worker with backoff.
        Receive<Status.Failure>(failure => throw new TaskExecutionCrashedException(_runningJob, failure.Cause));
    }

    private void Start(RunTask run)
    {
        RenderedTask rendered;
        var started = DateTimeOffset.UtcNow;
        try
        {
            rendered = TaskRenderer.Render(run.Spec, run.Lease.Index, run.Lease.Attempt, _nodeName);
        }
        catch (Exception e) when (e is IOException or KeyNotFoundException or UnauthorizedAccessException or FormatException)
        {
            var result = new TaskResult(run.Lease.Index, run.Lease.Attempt, TaskOutcome.FailedToStart, null,
                started, DateTimeOffset.UtcNow, "could not render the task: " + e.Message);
            _node.Tell(new WorkerFinished(_slot, run.JobId, result));
            return;
        }

        _running = new CancellationTokenSource();
        _runningJob = run.JobId;
        var lease = run.Lease;
        var jobId = run.JobId;
        var execution = _executor.ExecuteAsync(run.Spec, rendered, lease.Attempt, _nodeName, _running.Token);
        if (execution.IsCompletedSuccessfully)
        {
            // An in-process handler that finished synchronously (noop): completed, so reading the
            // result cannot block, and the round trip through PipeTo and the mailbox is saved.
            Finish(new TaskExecuted(jobId, lease, execution.Result));
            return;
        }
        execution.PipeTo(Self, success: outcome => new TaskExecuted(jobId, lease, outcome));
        Become(Busy);
    }

    private void Finish(TaskExecuted executed)
    {
        _running?.Dispose();
        _running = null;
        _runningJob = null;
        _node.Tell(new WorkerFinished(_slot, executed.JobId, ToResult(executed.Lease, executed.Outcome)));
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
        return new TaskResult(lease.Index, lease.Attempt, kind, outcome.ExitCode, outcome.Started, outcome.Ended,
            outcome.Error, outcome.OutputTruncated);
    }

    private sealed record TaskExecuted(string JobId, TaskLease Lease, ExecutionOutcome Outcome) : INoSerializationVerificationNeeded;
}

/// <summary>A worker's executor faulted unexpectedly; the worker crashes and is restarted.</summary>
public sealed class TaskExecutionCrashedException(string? jobId, Exception cause)
    : Exception($"Task execution crashed (job {jobId}): {cause.Message}", cause);
