using Xunit.Abstractions;

namespace ActorFarm.IntegrationTests.Cluster;

/// <summary>
/// Two coordinator nodes on a real PostgreSQL journal: kill -9 the one hosting the job. The job
/// is recovered on the other from the journal (remember-entities), the worker nodes re-attach
/// the tasks they hold, and the job completes with nothing lost and no journaled task run again.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class CoordinatorFailoverTests(PostgresServer postgres, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    [PostgresFact]
    public async Task The_job_moves_to_the_other_coordinator_and_completes_without_rerunning_journaled_tasks()
    {
        var journal = await postgres.CreateDatabaseAsync();
        await using var cluster = await LocalCluster.StartAsync();
        string[] coordinatorArgs = ["--postgres", journal, "--verbose"];
        var coordinators = await cluster.StartNodesInTurnAsync("coordinator", ["c1", "c2"], args: coordinatorArgs);
        await cluster.StartNodesInTurnAsync("worker", ["w1", "w2", "w3"]);

        var manifest = TestManifests.CountedRuns(cluster.Directory, "moving", 300, 0.2, out var executions);
        var client = cluster.StartClient("submit", "--manifest", manifest, "--wait", "--json");
        await client.WaitForEventAsync("submitted", LocalCluster.StartTimeout);
        await Waiting.UntilAsync(() => TestManifests.Executions(executions).Count >= 60, TimeSpan.FromMinutes(2));

        var host = coordinators.Single(c => c.Output.Contains("accepted: 300 tasks"));
        var survivor = coordinators.Single(c => c != host);
        await host.KillHardAsync();
        var journaledBeforeKill = JournalPeek.RecordedIndicesInPostgres(journal);
        var runsAtKill = TestManifests.Executions(executions);
        output.WriteLine($"killed the job's coordinator with {journaledBeforeKill.Count} tasks journaled, {runsAtKill.Count} started");

        var exit = await client.WaitForExitAsync(TimeSpan.FromMinutes(4));
        Assert.True(exit == 0, $"submit exited {exit}\n{cluster.Logs()}");
        Assert.Contains("recovered", survivor.Output);

        RerunCheck.AssertEveryTaskOnce(cluster.Directory.File("out/moving/results.jsonl"), executions, 300);
        var finalRuns = TestManifests.Executions(executions);
        RerunCheck.AssertNoJournaledTaskRanAgain(journaledBeforeKill, runsAtKill, finalRuns, cluster.Logs());
        output.WriteLine($"tasks run twice: {finalRuns.Values.Sum() - 300}");
    }
}
