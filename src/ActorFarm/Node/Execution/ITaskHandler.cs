namespace ActorFarm.Node.Execution;

/// <summary>
/// An in-process task body, selected by a job's <c>handler = name</c>. A host registers its
/// handlers in a <see cref="TaskHandlerRegistry"/> before the farm starts. One instance serves
/// every task of every job on the node, concurrently, so an implementation must be thread-safe.
/// </summary>
/// <remarks>
/// Report a task's failure as a non-zero <see cref="HandlerResult.ExitCode"/>; an exception is
/// recorded as a handler failure. Honour the cancellation token: it fires when the job's
/// timeout passes or the worker stops. A handler that ignores it is abandoned (its task
/// counts as timed out or cancelled) but keeps running in the background.
/// A handler that finishes synchronously should return <c>new ValueTask&lt;HandlerResult&gt;(result)</c>,
/// which costs no allocation.
/// </remarks>
public interface ITaskHandler
{
    /// <summary>The name jobs use to select this handler (case-sensitive).</summary>
    string Name { get; }

    /// <summary>Runs one task; called for many tasks at once (see the remarks on threading and cancellation).</summary>
    /// <param name="context">The task: its job, index, attempt, node, sweep values and handler arguments.</param>
    /// <param name="cancellationToken">Fires at the job's timeout, on cancellation and when the node stops.</param>
    ValueTask<HandlerResult> RunAsync(HandlerContext context, CancellationToken cancellationToken);
}

/// <summary>What a handler knows about the task it runs.</summary>
/// <param name="JobName">The job's name.</param>
/// <param name="Index">The task's index within the job's sweep.</param>
/// <param name="Attempt">1 for the first attempt, 2 for the first retry, and so on.</param>
/// <param name="NodeName">The node running the task.</param>
/// <param name="Parameters">The sweep values of this task.</param>
/// <param name="Args">The job's handler arguments with placeholders expanded.</param>
public sealed record HandlerContext(
    string JobName,
    long Index,
    int Attempt,
    string NodeName,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyDictionary<string, string> Args);

/// <summary>A handler's verdict: an exit code (0 = success) and an optional message recorded with the result.</summary>
public readonly record struct HandlerResult(int ExitCode, string? Message = null)
{
    /// <summary>Exit code 0 and no message.</summary>
    public static HandlerResult Success => default;

    /// <summary>Whether <see cref="ExitCode"/> is 0.</summary>
    public bool Succeeded => ExitCode == 0;
}
