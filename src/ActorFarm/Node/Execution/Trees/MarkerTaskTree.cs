namespace ActorFarm.Node.Execution.Trees;

/// <summary>One task's processes: those whose environment holds the task's marker entry.</summary>
internal sealed class MarkerTaskTree(byte[] entry) : TaskTree
{
    /// <summary>
    /// How long the output may stay open after the root exited before the tree is searched. A
    /// pipe closes within microseconds of the last writer's exit; still open, a descendant holds it.
    /// </summary>
    private static readonly TimeSpan HeldOpenHint = TimeSpan.FromMilliseconds(100);

    private int _killedOnce;

    public override void Kill()
    {
        Interlocked.Exchange(ref _killedOnce, 1);
        MarkerTaskTrees.KillMarked(entry);
    }

    /// <remarks>
    /// A search of /proc costs milliseconds (every process's environment is read), too much for
    /// every task of a farm that runs hundreds a second: after a plain exit the tree is searched
    /// only if its output is still held open. A descendant that closed or redirected both
    /// streams (a daemon) is left to the farm's end, which searches for every task at once.
    /// </remarks>
    public override async Task EndAsync(Task outputClosed)
    {
        if (Volatile.Read(ref _killedOnce) == 1)
        {
            Kill(); // again: a descendant may have forked while the root was dying
            return;
        }
        if (await Task.WhenAny(outputClosed, Task.Delay(HeldOpenHint)).ConfigureAwait(false) != outputClosed)
            Kill();
    }
}
