
namespace ActorFarm.IntegrationTests.Cluster;

/// <summary>
/// Shutdown is not failure, on a real cluster: a worker node's whole process group gets SIGTERM
/// (as systemd's control-group kill or a terminal's Ctrl+C do), so the signal kills some of its
/// tasks at once; others ignore it and are killed by the node when its drain grace has passed.
/// Both kinds go back to the job unrun: no attempt used, no failed result. Another node then runs
/// them, each exactly once more.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class NodeStopTests
{
    private const int Tasks = 4;

    [Fact]
    public async Task Tasks_killed_by_the_stop_signal_or_by_the_drain_grace_go_back_and_run_once_elsewhere()
    {
        await using var cluster = await LocalCluster.StartAsync();
        var coordinator = cluster.StartNode("c1", "coordinator", args: ["--state-dir", cluster.Directory.File("state")]);
        await LocalCluster.WaitUpAsync(coordinator);
        var config = cluster.Directory.File("short-grace.hocon");
        await File.WriteAllTextAsync(config, "actorfarm.node.drain-grace = 2s");
        var stopped = cluster.StartNodeInOwnSession("w1", "worker", slots: Tasks, "--config", config);
        await LocalCluster.WaitUpAsync(stopped);

        // Even tasks ignore SIGTERM (the drain grace ends them), odd ones die of it.
        var executions = Directory.CreateDirectory(cluster.Directory.File("executions")).FullName;
        var manifest = cluster.Directory.File("stopped.hocon");
        await File.WriteAllTextAsync(manifest, $$"""
            jobs {
              stopped {
                command = ["/bin/sh", "-c", "mktemp \"$0/$1.XXXXXX\" > /dev/null; [ $(($1 % 2)) = 1 ] || trap '' TERM; sleep 5",
                           "{{executions}}", "${index}"]
                sweep { i = { from = 1, to = {{Tasks}} } }
                output { directory = "out", capture = none }
              }
            }
            """);
        var follower = cluster.StartClient("submit", "--manifest", manifest, "--wait", "--progress", "none");
        await Waiting.UntilAsync(() => TestManifests.Executions(executions).Count == Tasks, TimeSpan.FromMinutes(2));

        stopped.SignalGroup(15);
        Assert.True(await stopped.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, stopped.Tail());
        Assert.Equal("shut down", Assert.Single(stopped.Events("node-left")).Text("reason"));

        cluster.StartNode("w2", "worker", slots: Tasks);
        var exit = await follower.WaitForExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"submit exited {exit}\n{cluster.Logs()}");
        var rows = ResultsFile.Read(cluster.Directory.File("out/stopped/results.jsonl"));
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        // Given back unrun: the first run used no attempt.
        Assert.All(rows, r => Assert.True((r.Outcome(), r.Attempts(), r.GetProperty("node").GetString()) == ("succeeded", 1, "w2"), r.ToString()));
        Assert.All(TestManifests.Executions(executions), e => Assert.Equal(2, e.Value));
    }
}
