using ActorFarm.Manifest;
using ActorFarm.Node.Execution;

namespace ActorFarm.Node;

/// <summary>Runs one rendered task (a process or an in-process handler). Never throws for a task's own failure.</summary>
internal interface ITaskExecutor
{
    Task<ExecutionOutcome> ExecuteAsync(JobSpec job, RenderedTask task, int attempt, string nodeName, CancellationToken cancellationToken);
}
