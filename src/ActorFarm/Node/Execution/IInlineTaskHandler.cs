namespace ActorFarm.Node.Execution;

/// <summary>
/// A built-in handler that never blocks nor computes for long before it returns (<c>noop</c>,
/// <c>sleep</c>): the executor calls it right on the worker actor's thread, which keeps noop's
/// synchronous path free of any thread hop. Every other handler (a host's, a loaded assembly's) is
/// called on the .NET thread pool, so its synchronous part, however long, never holds an actor.
/// </summary>
internal interface IInlineTaskHandler : ITaskHandler;
