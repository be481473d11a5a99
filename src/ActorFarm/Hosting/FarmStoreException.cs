namespace ActorFarm.Hosting;

/// <summary>
/// The farm's store (the state directory or the journal) cannot be used, so the farm does not
/// start. The message is one sentence for the user: what is wrong, where, and what to do.
/// </summary>
public class FarmStoreException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>Another process holds the state directory: one writer per journal.</summary>
internal sealed class StateDirectoryInUseException(string stateDirectory, LockHolder? holder)
    : FarmStoreException(Describe(stateDirectory, holder))
{
    public string StateDirectory { get; } = stateDirectory;

    /// <summary>Who holds it, as the holder wrote it into the lock file; null if it could not be read.</summary>
    public LockHolder? Holder { get; } = holder;

    private static string Describe(string stateDirectory, LockHolder? holder) => holder is null
        ? $"state directory {stateDirectory} is in use by another process; wait for it to end or choose another --state-dir"
        : $"state directory {stateDirectory} is in use by {holder}";
}

/// <summary>The file or database where the journal should be is not a usable ActorFarm journal.</summary>
internal sealed class JournalRejectedException(string location, string message, Exception? inner = null)
    : FarmStoreException(message, inner)
{
    /// <summary>The journal file's path, or the database (without credentials).</summary>
    public string Location { get; } = location;
}
