using ActorFarm.Hosting;
using ActorFarm.Node.Execution;
using Akka.Configuration;
using Xunit.Abstractions;

namespace ActorFarm.IntegrationTests.Cluster;

/// <summary>
/// A real cluster (a Lighthouse, a coordinator node and a plain worker node as <c>actorfarm node</c>
/// processes, the CLI as client) plus one worker node embedded in this test process, as a service
/// embedding the farm would be, with a handler of its own that returns 64 KB texts. The plain
/// worker lacks that handler: the job waits, says why, and its tasks never go there; once the
/// embedded node joins, every task ends exactly once although its results are far more than one
/// remote message can carry, while a process job runs on both nodes.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class WireLimitsClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromMinutes(3);
    private const int Tasks = 240;
    private const int TextBytes = 64_000;

    [Fact]
    public async Task Large_handler_results_reach_the_journal_once_each_and_only_nodes_with_the_handler_get_its_tasks()
    {
        await using var cluster = await LocalCluster.StartAsync();
        var coordinator = cluster.StartNode("c1", "coordinator", args: ["--state-dir", cluster.Directory.File("state")]);
        await LocalCluster.WaitUpAsync(coordinator);
        var plain = cluster.StartNode("w1", "worker", slots: 2);
        await LocalCluster.WaitUpAsync(plain);

        // 240 tasks × 64 KB of text: 15 MB of results, a 4 MiB frame.
        var large = cluster.Directory.File("large.hocon");
        await File.WriteAllTextAsync(large, $$"""
            jobs {
              large {
                handler = {{LargeMessageHandler.HandlerName}}
                handler-args { bytes = "{{TextBytes}}" }
                sweep { i = { from = 1, to = {{Tasks}} } }
                output { directory = "out", capture = none }
              }
            }
            """);
        var (submitExit, submitOutput) = await cluster.RunClientAsync(ClientTimeout, "submit", "--manifest", large, "--json");
        Assert.True(submitExit == 0, $"submit exited {submitExit}\n{submitOutput}\n{cluster.Logs()}");
        var jobId = ClusterJobTests.JsonLines(submitOutput).Single().GetProperty("jobId").GetString()!;

        // No node has the handler yet: the job waits and says why; the plain node takes nothing.
        Assert.Equal($"no node has handler '{LargeMessageHandler.HandlerName}'", await WaitingReasonAsync(cluster, jobId));
        var (_, listText) = await cluster.RunClientAsync(ClientTimeout, "status");
        // The table wraps long cells at its width: the whole reason is checked in the JSON above.
        Assert.Contains("waiting:", listText);

        // The node that has the handler joins (embedded, as a service would run it).
        using var state = new TempDirectory("actorfarm-embedded-node");
        await using var embedded = await FarmHost.StartAsync(new FarmOptions
        {
            Seeds = [cluster.Seed],
            Access = new ActorFarm.Security.FarmAccess.FromFile(cluster.AccessFile),
            Roles = [FarmOptions.WorkerRole],
            Slots = 2,
            NodeName = "h1",
            StateDirectory = state.Path,
            Handlers = TaskHandlerRegistry.CreateDefault().Register(new LargeMessageHandler()),
            Config = ConfigurationFactory.ParseString("akka.loglevel = WARNING"),
            StartTimeout = LocalCluster.StartTimeout,
        });

        // A process job meanwhile runs on every worker node.
        var shell = TestManifests.CountedRuns(cluster.Directory, "shell", 120, 0.2, out var executions);
        var shellRun = cluster.StartClient("submit", "--manifest", shell, "--wait", "--progress", "none");

        // Submitting the same manifest again reaches the same job and follows it to its end.
        var follower = cluster.StartClient("submit", "--manifest", large, "--wait", "--progress", "none");
        Assert.True(await follower.WaitForExitAsync(ClientTimeout) == 0, $"{follower.Output}\n{cluster.Logs()}");
        Assert.True(await shellRun.WaitForExitAsync(ClientTimeout) == 0, $"{shellRun.Output}\n{cluster.Logs()}");

        // Every task exactly once, succeeded, on the node with the handler, its text whole.
        var rows = ResultsFile.Read(cluster.Directory.File("out/large/results.jsonl"));
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, r => Assert.Equal(("succeeded", "h1"), (r.Outcome(), r.GetProperty("node").GetString())));
        Assert.All(rows, r => Assert.Equal(TextBytes, r.GetProperty("message").GetString()!.Length));
        Assert.All(rows, r => Assert.False(r.TryGetProperty("error", out _)));
        var (statusExit, statusOutput) = await cluster.RunClientAsync(ClientTimeout, "status", jobId, "--json");
        Assert.Equal(0, statusExit);
        var status = ClusterJobTests.JsonLines(statusOutput).Single().GetProperty("status");
        Assert.Equal(("finished", Tasks, 0L, 0L), (status.GetProperty("phase").GetString(), status.GetProperty("succeeded").GetInt32(),
            status.GetProperty("failed").GetInt64(), status.GetProperty("running").GetInt64()));
        Assert.DoesNotContain("unknown handler", plain.Output);

        // The process job ran on both nodes, each task once.
        var shellRows = ResultsFile.Read(cluster.Directory.File("out/shell/results.jsonl"));
        var perNode = shellRows.GroupBy(r => r.GetProperty("node").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine("shell tasks per node: " + string.Join(", ", perNode.Select(p => $"{p.Key}={p.Value}")));
        Assert.Equal(["h1", "w1"], perNode.Keys.Order());
        RerunCheck.AssertEveryTaskOnce(cluster.Directory.File("out/shell/results.jsonl"), executions, 120);
    }

    /// <summary>The reason the directory gives for the job waiting, from <c>actorfarm status --json</c> (asked until it gives one).</summary>
    private static async Task<string?> WaitingReasonAsync(LocalCluster cluster, string jobId)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var (exit, text) = await cluster.RunClientAsync(ClientTimeout, "status", "--json");
            var jobs = exit != 0 ? [] : ClusterJobTests.JsonLines(text).Single().GetProperty("jobs").EnumerateArray().ToList();
            foreach (var job in jobs.Where(j => j.GetProperty("jobId").GetString() == jobId))
                if (job.TryGetProperty("waiting", out var waiting)) return waiting.GetString();
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        return null;
    }
}
