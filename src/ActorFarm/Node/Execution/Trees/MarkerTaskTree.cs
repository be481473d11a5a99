namespace ActorFarm.Node.Execution.Trees;

/// <summary>One task's processes: those whose environment holds the task's marker entry.</summary>
internal sealed class MarkerTaskTree(byte[] entry) : TaskTree
{
    public override void Kill() => MarkerTaskTrees.KillMarked(entry);

    public override Task EndAsync()
    {
        Kill();
        return Task.CompletedTask;
    }
}
