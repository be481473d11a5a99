namespace ActorFarm.Security;

/// <summary>
/// An access file that cannot be used: missing where it must exist, readable by others, or not an
/// ActorFarm access file. The message is one sentence naming the path and what to do.
/// </summary>
public sealed class AccessFileException(string path, string message) : Exception(message)
{
    /// <summary>The access file concerned.</summary>
    public string Path { get; } = path;
}
