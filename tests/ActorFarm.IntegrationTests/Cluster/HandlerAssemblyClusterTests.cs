namespace ActorFarm.IntegrationTests.Cluster;

/// <summary>
/// Handlers on any node: a real cluster (a Lighthouse, a coordinator, two worker nodes) where one
/// worker is started with <c>--handlers</c> and the other without. The job needing the loaded
/// handler runs only on the node that has it, and completes.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class HandlerAssemblyClusterTests
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_job_needing_a_loaded_handler_runs_only_on_the_node_that_loaded_it()
    {
        await using var cluster = await LocalCluster.StartAsync();
        var coordinator = cluster.StartNode("c1", "coordinator", args: ["--state-dir", cluster.Directory.File("state")]);
        await LocalCluster.WaitUpAsync(coordinator);
        var plain = cluster.StartNode("plain", "worker", slots: 2);
        await LocalCluster.WaitUpAsync(plain);
        var pi = cluster.StartNode("pi", "worker", slots: 2, args: ["--handlers", ExampleHandlers.AssemblyPath, "--json"]);
        var up = await pi.WaitForEventAsync("node-up", LocalCluster.StartTimeout);

        // The node says what it loaded from where (stderr), and its node-up event lists what it runs.
        Assert.Contains($"actorfarm: loaded handlers {ExampleHandlers.HandlerName} from {ExampleHandlers.AssemblyPath}", pi.Stderr);
        var handlers = up.GetProperty("handlers").EnumerateArray().Select(h => h.GetString()).ToList();
        Assert.Equal([ExampleHandlers.HandlerName, "noop", "sleep"], handlers);

        var manifest = ExampleHandlers.PiManifest(cluster.Directory, "pi", seeds: 40, samples: 50_000);
        var (exit, output) = await cluster.RunClientAsync(ClientTimeout, "submit", "--manifest", manifest, "--wait", "--progress", "none");
        Assert.True(exit == 0, $"submit exited {exit}\n{output}\n{cluster.Logs()}");

        var rows = ResultsFile.Read(cluster.Directory.File("out/pi/results.jsonl"));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, row =>
        {
            Assert.Equal(("succeeded", 1, "pi"), (row.Outcome(), row.Attempts(), row.GetProperty("node").GetString()));
            Assert.StartsWith("pi ≈ 3.", ExampleHandlers.Message(row));
        });
        // The other worker was up and idle all along, and is still a healthy member.
        Assert.False(plain.HasExited, plain.Tail());
    }
}
