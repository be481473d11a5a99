namespace ActorFarm.IntegrationTests.Slurm;

/// <summary>
/// A three-node allocation (three slurmd, n1..n3, on this one host): the launcher starts one
/// worker node per allocated node, all on loopback with distinct ports, and the tasks spread over
/// them (results.jsonl names the node that ran each task).
/// </summary>
[Collection(SlurmCollection.Name)]
public class MultiNodeTests
{
    private const int Tasks = 30;

    [SlurmFact]
    public async Task Starts_one_farm_node_per_allocated_node()
    {
        using var job = new FarmBatchJob("spread").WithCountingTasks(Tasks, sleepSeconds: 0.5);

        var end = await job.RunAsync($"--nodes={SlurmCluster.Nodes}", "--exclusive");

        Assert.True(end is { ExitCode: 0, State: "COMPLETED" }, end.ToString());
        var nodeUps = JsonEvents.Named(end.Output, "node-up");
        foreach (var node in Enumerable.Range(1, SlurmCluster.Nodes).Select(i => $"n{i}"))
            Assert.True(nodeUps.Any(up => up.Text("node") == node && up.Text("address").StartsWith("akka.ssl.tcp://actorfarm@127.0.0.1:", StringComparison.Ordinal)),
                $"no farm node on {node}\n{end}");
        var rows = job.Results();
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));
        // Pull-based dispatch: a node that joined late may get little, but work is not all on one.
        var nodes = rows.Select(r => r.GetProperty("node").GetString()).Distinct().ToList();
        Assert.True(nodes.Count >= 2, $"every task ran on {string.Join(", ", nodes)}\n{end}");
        Assert.All(nodes, n => Assert.Matches("^n[1-3]$", n));
    }
}
