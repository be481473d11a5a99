namespace ActorFarm.Node.Execution.Trees;

/// <summary>The processes of one task attempt: its root and every descendant, wherever re-parented.</summary>
internal abstract class TaskTree
{
    /// <summary>SIGKILLs every process of the tree now, the root included. Never throws; never waits
    /// for the processes to die. Call it off actor threads: it may scan /proc.</summary>
    public abstract void Kill();

    /// <summary>
    /// After the root exited (or was killed) and was reaped: kills whatever of the tree is left,
    /// because a task's processes end with the task, and releases the tree. Never throws.
    /// </summary>
    /// <param name="outputClosed">Completes when the task's stdout and stderr reached end of
    /// stream: a tree that is costly to search is searched only when something still holds them.</param>
    public abstract Task EndAsync(Task outputClosed);
}
