using System.Text.Json;
using Xunit.Abstractions;

namespace ActorFarm.IntegrationTests.Cluster;

/// <summary>
/// A real cluster of processes on 127.0.0.1 (a Lighthouse, a coordinator node, three worker
/// nodes) driven by the real CLI through ClusterClient: submit, status, results, cancel, and a
/// graceful leave of a worker node mid-job.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class ClusterJobTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_2000_task_job_runs_across_three_worker_nodes_and_status_results_and_cancel_work()
    {
        await using var cluster = await LocalCluster.StartAsync();
        var coordinator = cluster.StartNode("c1", "coordinator", args: ["--state-dir", cluster.Directory.File("state")]);
        await LocalCluster.WaitUpAsync(coordinator);
        var workers = Enumerable.Range(1, 3).Select(i => cluster.StartNode($"w{i}", "worker", slots: 2)).ToArray();
        await LocalCluster.WaitUpAsync(workers);

        var manifest = TestManifests.Sleep(cluster.Directory, "spread", 2000, 0.005);
        var (exit, submitOutput) = await cluster.RunClientAsync(ClientTimeout, "submit", "--manifest", manifest, "--wait", "--json");
        Assert.True(exit == 0, $"submit exited {exit}\n{submitOutput}\n{cluster.Logs()}");
        var jobId = JsonLines(submitOutput).First(e => e.GetProperty("event").GetString() == "submitted").GetProperty("jobId").GetString()!;

        // Every task exactly once, spread over the three worker nodes.
        var rows = ResultsFile.Read(cluster.Directory.File("out/spread/results.jsonl"));
        Assert.Equal(2000, rows.Count);
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        var perNode = rows.GroupBy(r => r.GetProperty("node").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        output.WriteLine("tasks per node: " + string.Join(", ", perNode.Select(p => $"{p.Key}={p.Value}")));
        Assert.Equal(["w1", "w2", "w3"], perNode.Keys.Order());

        // status
        var (statusExit, statusOutput) = await cluster.RunClientAsync(ClientTimeout, "status", jobId, "--json");
        Assert.Equal(0, statusExit);
        var status = JsonLines(statusOutput).Single().GetProperty("status");
        Assert.Equal("finished", status.GetProperty("phase").GetString());
        Assert.Equal(2000, status.GetProperty("succeeded").GetInt64());

        // results, as CSV, into a file of the client's choosing
        var csv = cluster.Directory.File("copy.csv");
        var (resultsExit, resultsOutput) = await cluster.RunClientAsync(ClientTimeout, "results", jobId, "--csv", "-o", csv);
        Assert.True(resultsExit == 0, resultsOutput);
        Assert.Equal(2001, File.ReadLines(csv).Count());

        // cancel a second, long job while it runs
        var slow = TestManifests.Sleep(cluster.Directory, "slow", 400, 0.5);
        var (slowExit, slowOutput) = await cluster.RunClientAsync(ClientTimeout, "submit", "--manifest", slow, "--json");
        Assert.True(slowExit == 0, slowOutput);
        var slowId = JsonLines(slowOutput).Single().GetProperty("jobId").GetString()!;
        var (cancelExit, cancelOutput) = await cluster.RunClientAsync(ClientTimeout, "cancel", slowId, "--json");
        Assert.True(cancelExit == 0, cancelOutput);
        Assert.Equal("cancelled", JsonLines(cancelOutput).Single().GetProperty("status").GetProperty("phase").GetString());

        var (listExit, listOutput) = await cluster.RunClientAsync(ClientTimeout, "status", "--json");
        Assert.Equal(0, listExit);
        var jobs = JsonLines(listOutput).Single().GetProperty("jobs").EnumerateArray()
            .ToDictionary(j => j.GetProperty("jobId").GetString()!, j => j.GetProperty("phase").GetString());
        Assert.Equal("finished", jobs[jobId]);
        Assert.Equal("cancelled", jobs[slowId]);

        // A graceful leave mid-job (SIGTERM): the node finishes what runs, gives back what is
        // queued, waits until its results are journaled and leaves; no task runs twice.
        var leaving = TestManifests.CountedRuns(cluster.Directory, "leaving", 120, 0.2, out var executions);
        var follower = cluster.StartClient("submit", "--manifest", leaving, "--wait", "--progress", "none");
        await Waiting.UntilAsync(() => TestManifests.Executions(executions).Count >= 30, TimeSpan.FromMinutes(2));
        Assert.Equal(0, await workers[2].TerminateAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal("shut down", Assert.Single(workers[2].Events("node-left")).Text("reason"));
        var leftExit = await follower.WaitForExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(leftExit == 0, $"submit exited {leftExit}\n{cluster.Logs()}");
        RerunCheck.AssertEveryTaskOnce(cluster.Directory.File("out/leaving/results.jsonl"), executions, 120);
        Assert.Equal(120, TestManifests.Executions(executions).Values.Sum());
    }

    internal static List<JsonElement> JsonLines(string text) =>
        text.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
}
