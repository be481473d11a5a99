
namespace ActorFarm.IntegrationTests.Slurm;

/// <summary>
/// The throw-away SLURM cluster the launcher tests submit to: <c>tests/scripts/slurm-up.sh</c>
/// (install when missing, munged, slurmctld and <see cref="Nodes"/> slurmd n1..n3 on this host),
/// run once for all SLURM tests. It is left running afterwards, like any service a test run
/// needs; <c>tests/scripts/slurm-down.sh</c> stops it.
/// </summary>
public sealed class SlurmCluster : IAsyncLifetime
{
    public const int Nodes = 3;

    public async Task InitializeAsync()
    {
        var script = RepositoryRoot.Combine("tests", "scripts", "slurm-up.sh");
        var result = await ChildProcess.RunAsync(script, [Nodes.ToString()], TimeSpan.FromMinutes(10));
        if (result.ExitCode != 0)
            throw new InvalidOperationException(
                $"SLURM could not be started ({SlurmFactAttribute.RequireVariable}={Environment.GetEnvironmentVariable(SlurmFactAttribute.RequireVariable)}): " +
                result.Describe("tests/scripts/slurm-up.sh"));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>
/// The SLURM tests share one cluster and run one after another: each starts four or five farm
/// processes, and two such tests at once on a small machine would only slow each other down.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SlurmCollection : ICollectionFixture<SlurmCluster>
{
    public const string Name = "SLURM";
}
