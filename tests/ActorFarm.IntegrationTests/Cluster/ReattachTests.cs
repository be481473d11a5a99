using ActorFarm.Hosting;
using Xunit.Abstractions;

namespace ActorFarm.IntegrationTests.Cluster;

/// <summary>
/// The only coordinator is killed with SIGKILL and started again with the same journal, on a new
/// port as the SLURM launcher's nodes are (a restart on the same address can leave a worker's link
/// stalled long enough to be downed: docs/cluster.md).
/// The worker nodes that stayed up are not restarted: they re-attach the tasks they hold to the
/// job's new incarnation and carry on, and the job completes with every task exactly once.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class ReattachTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Workers_that_stayed_up_continue_the_job_after_the_coordinator_restarts()
    {
        await using var cluster = await LocalCluster.StartAsync();
        var port = FreePort.Next();
        string[] coordinatorArgs = ["--state-dir", cluster.Directory.File("state")];
        var coordinator = cluster.StartNode("c1", "coordinator", port, args: coordinatorArgs);
        await LocalCluster.WaitUpAsync(coordinator);
        var workers = Enumerable.Range(1, 3).Select(i => cluster.StartNode($"w{i}", "worker", slots: 2)).ToArray();
        await LocalCluster.WaitUpAsync(workers);
        var workerPids = workers.Select(w => w.Pid).ToArray();

        var manifest = TestManifests.CountedRuns(cluster.Directory, "steady", 300, 0.2, out var executions);
        var client = cluster.StartClient("submit", "--manifest", manifest, "--wait", "--json");
        await client.WaitForEventAsync("submitted", LocalCluster.StartTimeout);
        await Waiting.UntilAsync(() => TestManifests.Executions(executions).Count >= 60, TimeSpan.FromMinutes(2));

        await coordinator.KillHardAsync();
        var journaledBeforeKill = JournalPeek.RecordedIndices(SqliteJournal.DatabasePath(cluster.Directory.File("state")));
        var runsAtKill = TestManifests.Executions(executions);
        output.WriteLine($"killed the coordinator with {journaledBeforeKill.Count} tasks journaled, {runsAtKill.Count} started");

        var restarted = cluster.StartNode("c1", "coordinator", FreePort.Next(), args: coordinatorArgs);
        await LocalCluster.WaitUpAsync(restarted);

        var exit = await client.WaitForExitAsync(TimeSpan.FromMinutes(4));
        Assert.True(exit == 0, $"submit exited {exit}\n{cluster.Logs()}");

        Assert.All(workers, w => Assert.False(w.HasExited, "a worker node died"));
        Assert.Equal(workerPids, workers.Select(w => w.Pid));
        Assert.Contains(workers, w => w.Output.Contains("re-attaching"));

        RerunCheck.AssertEveryTaskOnce(cluster.Directory.File("out/steady/results.jsonl"), executions, 300);
        var finalRuns = TestManifests.Executions(executions);
        RerunCheck.AssertNoJournaledTaskRanAgain(journaledBeforeKill, runsAtKill, finalRuns, cluster.Logs());
        output.WriteLine($"tasks run twice: {finalRuns.Values.Sum() - 300}");
    }
}
