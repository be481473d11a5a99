namespace ActorFarm.Testing;

/// <summary>Exceptions as a failing journal raises them: thrown (so they carry stack frames), with an inner cause.</summary>
public static class ThrownFailures
{
    /// <summary>A journal write failure (two-line message) caused by a full disk.</summary>
    public static Exception JournalWriteOnFullDisk()
    {
        try
        {
            try
            {
                throw new IOException("No space left on device : '/x/journal.db'");
            }
            catch (IOException e)
            {
                throw new InvalidOperationException("journal write failed\nsecond line of detail", e);
            }
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }
}
