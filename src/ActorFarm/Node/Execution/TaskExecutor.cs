using System.Diagnostics;
using ActorFarm.Manifest;
using ActorFarm.Node.Execution.Trees;

namespace ActorFarm.Node.Execution;

/// <summary>
/// Runs one attempt of a task: the job's in-process handler, or its process
/// (see <see cref="ProcessRunner"/>). A task's own failure (a non-zero exit, a timeout, a
/// handler exception, a program that cannot start) is an <see cref="ExecutionOutcome"/>,
/// never an exception. Thread-safe; one instance serves every worker of a node. Disposing it
/// kills every process its tasks left (see <see cref="TaskTrees"/>); so does the end of the
/// process that holds it, even by SIGKILL.
/// </summary>
/// <remarks>
/// A built-in handler that completes synchronously (<c>noop</c>) runs on a fast path with no
/// async state machine and no thread hop; it costs the handler context, the outcome and its
/// completed task (plus a cancellation source when the job has a timeout, whose timer is armed
/// only if the handler goes asynchronous). Every other handler is started on the thread pool
/// (<see cref="IInlineTaskHandler"/>).
/// </remarks>
internal sealed class TaskExecutor : ITaskExecutor, IAsyncDisposable
{
    private readonly TaskHandlerRegistry _handlers;

    // Made on the first process task, off the caller's thread (it may start a probe process):
    // a farm of in-process handlers never makes a cgroup or starts a watchdog.
    private readonly Lazy<Task<TaskTrees>> _trees;

    public TaskExecutor(TaskHandlerRegistry handlers)
        : this(handlers, TaskTrees.Create)
    {
    }

    /// <param name="handlers">The in-process handlers.</param>
    /// <param name="trees">Makes the process-tree mechanism (tests choose one).</param>
    internal TaskExecutor(TaskHandlerRegistry handlers, Func<TaskTrees> trees)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(trees);
        _handlers = handlers;
        _trees = new Lazy<Task<TaskTrees>>(() => Task.Run(trees));
    }

    public TaskHandlerRegistry Handlers => _handlers;

    public Task<ExecutionOutcome> ExecuteAsync(JobSpec job, RenderedTask task, int attempt, string nodeName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(nodeName);
        return job.Command.Handler is { } handlerName
            ? RunHandler(handlerName, job, task, attempt, nodeName, cancellationToken)
            : ProcessRunner.RunAsync(job, task, attempt, nodeName, _trees.Value, cancellationToken);
    }

    /// <summary>What keeps the tasks' process trees (made on first use).</summary>
    internal Task<TaskTrees> Trees => _trees.Value;

    /// <summary>Kills every process the tasks left and releases the trees (cgroups, watchdog).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_trees.IsValueCreated)
            await (await _trees.Value.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
    }

    private Task<ExecutionOutcome> RunHandler(string name, JobSpec job, RenderedTask task, int attempt, string nodeName, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        if (!_handlers.TryGet(name, out var handler))
            return Task.FromResult(new ExecutionOutcome(TaskEndReason.HandlerFailed, null, started, started, _handlers.UnknownHandlerMessage(name)));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromResult(new ExecutionOutcome(TaskEndReason.Cancelled, null, started, started, "cancelled before the handler started"));

        var context = new HandlerContext(job.Name, task.Index, attempt, nodeName, task.Parameters, task.HandlerArgs);

        // The timeout's source is created unarmed: a handler that completes synchronously never
        // needs the timer, so it is armed (for the time left) only when the handler goes async.
        var timeout = TaskTimeout.IsActive(job.Timeout) ? job.Timeout : null;
        var limit = timeout is null ? null : TaskTimeout.CreateSource(null, cancellationToken);
        long startTimestamp = limit is null ? 0 : Stopwatch.GetTimestamp();

        ValueTask<HandlerResult> pending;
        try
        {
            var token = limit?.Token ?? cancellationToken;
            // The caller is the worker actor: only the built-ins, which return at once, run on its
            // thread; any other handler starts on the thread pool, so neither a blocking call nor
            // CPU work before its first await holds the actor (nor stops it hearing a cancel).
            pending = handler is IInlineTaskHandler
                ? handler.RunAsync(context, token)
                : new ValueTask<HandlerResult>(Task.Run(() => handler.RunAsync(context, token).AsTask()));
        }
        catch (Exception e)
        {
            var outcome = Interrupted(e, started, timeout, limit, cancellationToken);
            limit?.Dispose();
            return Task.FromResult(outcome);
        }

        if (pending.IsCompletedSuccessfully)
        {
            // Completed: reading the result does not block.
            var result = pending.Result;
            limit?.Dispose();
            return Task.FromResult(Exited(result, started));
        }

        if (limit is not null)
        {
            var left = timeout!.Value - Stopwatch.GetElapsedTime(startTimestamp);
            if (left > TimeSpan.Zero) limit.CancelAfter(left);
            else limit.Cancel();
        }
        return AwaitHandlerAsync(pending, started, timeout, limit, cancellationToken);
    }

    private static async Task<ExecutionOutcome> AwaitHandlerAsync(
        ValueTask<HandlerResult> pending, DateTimeOffset started, TimeSpan? timeout, CancellationTokenSource? limit, CancellationToken cancellationToken)
    {
        try
        {
            var token = limit?.Token ?? cancellationToken;
            HandlerResult result;
            if (token.CanBeCanceled)
            {
                // WaitAsync ends the attempt on time even if the handler ignores its token.
                var running = pending.AsTask();
                try
                {
                    result = await running.WaitAsync(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!running.IsCompleted)
                {
                    Abandon(running);
                    throw;
                }
            }
            else
            {
                result = await pending.ConfigureAwait(false);
            }
            return Exited(result, started);
        }
        catch (Exception e)
        {
            return Interrupted(e, started, timeout, limit, cancellationToken);
        }
        finally
        {
            limit?.Dispose();
        }
    }

    private static ExecutionOutcome Exited(HandlerResult result, DateTimeOffset started) =>
        new(TaskEndReason.Exited, result.ExitCode, started, DateTimeOffset.UtcNow, Message: result.Message, Payload: result.Payload);

    /// <summary>A cancellation caused by the worker's token or the timeout, else a handler failure.</summary>
    private static ExecutionOutcome Interrupted(
        Exception exception, DateTimeOffset started, TimeSpan? timeout, CancellationTokenSource? limit, CancellationToken cancellationToken)
    {
        var ended = DateTimeOffset.UtcNow;
        if (exception is OperationCanceledException)
        {
            if (cancellationToken.IsCancellationRequested)
                return new ExecutionOutcome(TaskEndReason.Cancelled, null, started, ended, "cancelled");
            if (limit is { IsCancellationRequested: true })
                return new ExecutionOutcome(TaskEndReason.TimedOut, null, started, ended, $"timed out after {TaskTimeout.Describe(timeout!.Value)}");
        }
        return new ExecutionOutcome(TaskEndReason.HandlerFailed, null, started, ended, exception.Message);
    }

    /// <summary>A handler that outlives its attempt runs on unobserved; its eventual failure is observed here.</summary>
    private static void Abandon(Task<HandlerResult> running) =>
        running.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
