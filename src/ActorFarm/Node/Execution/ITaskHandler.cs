namespace ActorFarm.Node.Execution;

/// <summary>
/// An in-process task body, selected by a job's <c>handler = name</c>. A host registers its
/// handlers in a <see cref="TaskHandlerRegistry"/> before the farm starts, or a node loads them
/// from assemblies (<see cref="Hosting.FarmOptions.HandlerAssemblies"/>, <c>actorfarm node --handlers</c>).
/// One instance serves every task of every job on the node, concurrently, so an implementation
/// must be thread-safe. It is called on the .NET thread pool, never on an actor's thread; while a
/// task runs it holds a worker slot, and a pool thread for as long as it computes or blocks.
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

/// <summary>
/// A handler's verdict: an exit code (0 = success), an optional message and an optional payload,
/// both kept with the result whatever the outcome. The message is exported as <c>"message"</c>; it is
/// not an error (a failure's reason, such as a handler exception or a timeout, is the result's
/// <c>"error"</c>). A payload larger than <c>actorfarm.node.max-payload-bytes</c> fails the task.
/// </summary>
public readonly record struct HandlerResult(int ExitCode, string? Message = null, TaskPayload? Payload = null)
{
    /// <summary>Exit code 0, no message, no payload.</summary>
    public static HandlerResult Success => default;

    /// <summary>Whether <see cref="ExitCode"/> is 0.</summary>
    public bool Succeeded => ExitCode == 0;
}
