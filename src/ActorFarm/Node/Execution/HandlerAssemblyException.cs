namespace ActorFarm.Node.Execution;

/// <summary>
/// A handler assembly given to a node (<see cref="Hosting.FarmOptions.HandlerAssemblies"/>,
/// <c>actorfarm node --handlers</c>) cannot be used: the file is missing or no .NET assembly, it
/// holds no handler, a handler's constructor threw, two handlers share a name, or a dependency is
/// missing. The message is one sentence naming the file, type or dependency. Nothing was started.
/// </summary>
public sealed class HandlerAssemblyException : Exception
{
    /// <summary>A handler assembly that cannot be used, and why.</summary>
    /// <param name="message">One sentence naming the file, type or dependency.</param>
    /// <param name="innerException">What the loader or the handler's constructor threw, if anything.</param>
    public HandlerAssemblyException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The handler assembly concerned (full path).</summary>
    public string? AssemblyPath { get; init; }
}
