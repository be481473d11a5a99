using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace ActorFarm.IntegrationTests.Cluster;

/// <summary>
/// kill -9 of a worker node mid-job: the cluster downs it, the job re-queues the tasks it held,
/// they run on the other nodes, and the job completes with every task exactly once. The time
/// from the kill to the re-queue is measured from the coordinator's log and reported.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public partial class WorkerLossTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_killed_worker_nodes_tasks_run_elsewhere_and_the_job_completes()
    {
        await using var cluster = await LocalCluster.StartAsync();
        var coordinator = cluster.StartNode("c1", "coordinator", args: ["--state-dir", cluster.Directory.File("state")]);
        await LocalCluster.WaitUpAsync(coordinator);
        var workers = Enumerable.Range(1, 3).Select(i => cluster.StartNode($"w{i}", "worker", slots: 2)).ToArray();
        await LocalCluster.WaitUpAsync(workers);

        var manifest = TestManifests.CountedRuns(cluster.Directory, "survivor", 240, 0.1, out var executions);
        var client = cluster.StartClient("submit", "--manifest", manifest, "--wait", "--json");
        await client.WaitForEventAsync("submitted", LocalCluster.StartTimeout);
        await Waiting.UntilAsync(() => TestManifests.Executions(executions).Count >= 40, TimeSpan.FromMinutes(2));

        var killedAt = DateTime.UtcNow;
        await workers[0].KillHardAsync();

        var exit = await client.WaitForExitAsync(TimeSpan.FromMinutes(4));
        Assert.True(exit == 0, $"submit exited {exit}\n{cluster.Logs()}");

        var rows = ResultsFile.Read(cluster.Directory.File("out/survivor/results.jsonl"));
        Assert.Equal(240, rows.Count);
        Assert.Equal(240, rows.Select(r => r.Index()).Distinct().Count());
        Assert.Equal(240, TestManifests.Executions(executions).Count);
        var lateNodes = rows.Where(r => r.GetProperty("start").GetDateTimeOffset() > killedAt.AddSeconds(1))
            .Select(r => r.GetProperty("node").GetString()).Distinct().ToList();
        Assert.DoesNotContain("w1", lateNodes);

        var requeuedAt = coordinator.LoggedAt(LostNode());
        Assert.True(requeuedAt is not null, $"the coordinator never re-queued the lost node's tasks\n{coordinator.Tail()}");
        var latency = requeuedAt.Value - killedAt;
        output.WriteLine($"kill -9 of a worker node to re-queue of its tasks: {latency.TotalSeconds:F1} s");
        await File.AppendAllTextAsync(Path.Combine(AppContext.BaseDirectory, "worker-loss-requeue.txt"),
            $"{DateTime.UtcNow:O} {latency.TotalSeconds:F1} s\n");
    }

    [GeneratedRegex(@"node akka(\.ssl)?\.tcp://\S+ lost with \d+ tasks; re-queuing them")]
    private static partial Regex LostNode();
}
