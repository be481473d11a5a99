using ActorFarm.IntegrationTests.Slurm;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("ActorFarm.IntegrationTests.SlurmCollectionFirst", "ActorFarm.IntegrationTests")]

namespace ActorFarm.IntegrationTests;

/// <summary>
/// Starts the SLURM collection before the others. xunit runs as many collections at once as there
/// are cores (2 here), in this order, and the process-heavy ones only after all of those. The
/// SLURM tests run one after another for some six minutes, mostly waiting on allocations: started
/// first, they overlap the unit tests on the other core; started late (the default order is
/// arbitrary), they ran alone for five minutes while everything else waited. The order of the
/// other collections is xunit's default.
/// </summary>
public sealed class SlurmCollectionFirst : ITestCollectionOrderer
{
    private readonly DefaultTestCollectionOrderer _default = new();

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        _default.OrderTestCollections(testCollections)
            .OrderBy(c => c.DisplayName == SlurmCollection.Name ? 0 : 1);
}
