namespace ActorFarm.IntegrationTests;

/// <summary>
/// Tests that start several real farm processes (clusters, the CLI killed and resumed, SLURM
/// jobs). They run one at a time and never beside other tests: on a 2-core machine a dozen .NET
/// processes starting at once starve each other's heartbeats, and the cluster would (rightly)
/// take the starved nodes for dead.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessHeavyCollection
{
    public const string Name = "process-heavy";
}
