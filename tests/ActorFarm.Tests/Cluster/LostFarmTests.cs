using ActorFarm.Tests.Support;

namespace ActorFarm.Tests.Cluster;

/// <summary>
/// A client never waits on a farm that is gone: <c>submit --wait</c> follows a job on a real
/// cluster whose every process (Lighthouse, coordinator, worker) is then killed with SIGKILL, and
/// ends with exit code 3 and one line naming the farm it lost, once nothing has answered for
/// <c>actorfarm.client.farm-lost-timeout</c> (30 s by default; 10 s here, set in a
/// <c>--config</c> file as a user would), instead of waiting for good.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class LostFarmTests
{
    [Fact]
    public async Task Submit_wait_exits_3_when_every_process_of_the_farm_is_killed()
    {
        await using var cluster = await LocalCluster.StartAsync();
        var coordinator = cluster.StartNode("c1", "coordinator", args: ["--state-dir", cluster.Directory.File("state"), "--verbose"]);
        await LocalCluster.WaitUpAsync(coordinator);
        var worker = cluster.StartNode("w1", "worker", slots: 2);
        await LocalCluster.WaitUpAsync(worker);

        var manifest = TestManifests.CountedRuns(cluster.Directory, "orphan", 200, 1.0, out var executions);
        var timeouts = ClientTimeouts.Write(cluster.Directory.Path, farmLost: TimeSpan.FromSeconds(10));
        var client = cluster.StartClient("submit", "--manifest", manifest, "--wait", "--json", "--config", timeouts);
        await client.WaitForLineAsync("\"submitted\"", LocalCluster.StartTimeout);
        await Waiting.UntilAsync(() => TestManifests.Executions(executions).Count >= 2, TimeSpan.FromMinutes(2));

        await Task.WhenAll(cluster.Lighthouse.KillHardAsync(), coordinator.KillHardAsync(), worker.KillHardAsync());

        // farm-lost-timeout (10 s) plus one unanswered query (5.5 s); the limit only stops a hang.
        var exit = await client.WaitForExitAsync(TimeSpan.FromMinutes(2));
        var context = $"submit exited {exit}\n--- stdout ---\n{client.Stdout}\n--- stderr ---\n{client.Stderr}";
        Assert.True(exit == 3, context);
        var error = OutputStreams.AssertJsonLines(client.Stdout, context)[^1];
        Assert.Equal("error", error.GetProperty("event").GetString());
        var line = Assert.Single(OutputStreams.Lines(client.Stderr));
        Assert.StartsWith($"actorfarm: lost the farm at {cluster.Seed}", line);

        // The nodes' logs went to stderr: their stdout holds only what the command reports.
        Assert.NotEmpty(OutputStreams.LogLines(coordinator.Stderr, "INFO"));
        Assert.Empty(OutputStreams.LogLines(coordinator.Stdout, "INFO"));
        Assert.Contains(" up at ", coordinator.Stdout);
    }
}
