namespace ActorFarm.Node.Execution;

/// <summary>One handler assembly a node loaded, and the names of the handlers it gave.</summary>
/// <param name="Path">The assembly's full path.</param>
/// <param name="Handlers">The handler names it registered, sorted ordinally.</param>
public sealed record HandlerAssembly(string Path, IReadOnlyList<string> Handlers);
