using System.Text.RegularExpressions;

namespace ActorFarm.IntegrationTests.Cluster;

/// <summary>
/// A client never waits on a farm that is gone: a client follows a job on a real cluster whose
/// every process (Lighthouse, coordinator, worker) is then killed with SIGKILL, or shut down in
/// order with SIGTERM while it waits, and ends with exit code 3 and one line naming the farm it
/// lost, once nothing has answered for <c>actorfarm.client.farm-lost-timeout</c> (30 s by default;
/// 10 s here, set in a <c>--config</c> file as a user would), instead of waiting for good. With
/// <c>--json</c> its standard output stays JSON to the last line.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class LostFarmTests
{
    // farm-lost-timeout (10 s) plus one unanswered query (5.5 s) and the client's own stop; the
    // limit only tells a hang from an exit, it is no measurement.
    private static readonly TimeSpan NoHang = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Submit_wait_exits_3_when_every_process_of_the_farm_is_killed()
    {
        await using var farm = await FollowedFarm.StartAsync();
        var client = farm.Cluster.StartClient("submit", "--manifest", farm.Manifest, "--wait", "--json", "--config", farm.ClientConfig);
        await client.WaitForLineAsync("\"submitted\"", LocalCluster.StartTimeout);
        await farm.WaitForTasksAsync();

        await farm.KillAllAsync();

        await AssertLostAsync(client, farm);
        // The nodes' logs went to stderr: their stdout holds only what the command reports.
        Assert.NotEmpty(OutputStreams.LogLines(farm.Coordinator.Stderr, "INFO"));
        Assert.Empty(OutputStreams.LogLines(farm.Coordinator.Stdout, "INFO"));
        Assert.Single(farm.Coordinator.Events("node-up"));
    }

    [Fact]
    public async Task Submit_wait_exits_3_when_the_farm_is_shut_down_while_it_waits()
    {
        await using var farm = await FollowedFarm.StartAsync();
        var client = farm.Cluster.StartClient("submit", "--manifest", farm.Manifest, "--wait", "--json", "--config", farm.ClientConfig);
        await client.WaitForLineAsync("\"submitted\"", LocalCluster.StartTimeout);
        await farm.WaitForTasksAsync();

        await farm.ShutDownAsync();

        await AssertLostAsync(client, farm);
    }

    [Fact]
    public async Task Status_wait_for_every_job_exits_3_when_every_process_of_the_farm_is_killed()
    {
        await using var farm = await FollowedFarm.StartAsync();
        var (submitted, output) = await farm.Cluster.RunClientAsync(LocalCluster.StartTimeout, "submit", "--manifest", farm.Manifest, "--json");
        Assert.True(submitted == 0, output);
        var jobId = Regex.Match(output, "\"jobId\":\"([^\"]+)\"").Groups[1].Value;
        Assert.False(jobId.Length == 0, output);
        // Without a job id it follows every unfinished job (as the SLURM launcher does), and names
        // each as it starts following it: then it is connected.
        var client = farm.Cluster.StartClient("status", "--wait", "--json", "--config", farm.ClientConfig);
        await client.WaitForLineAsync(jobId, LocalCluster.StartTimeout);
        await farm.WaitForTasksAsync();

        await farm.KillAllAsync();

        await AssertLostAsync(client, farm);
    }

    /// <summary>Exit 3 within the bound, JSON only on stdout (its last line the error event), one line on stderr naming the farm.</summary>
    private static async Task AssertLostAsync(ChildProcess client, FollowedFarm farm)
    {
        var exit = await client.WaitForExitAsync(NoHang);
        var context = $"{client.Label} exited {exit}\n--- stdout ---\n{client.Stdout}\n--- stderr ---\n{client.Stderr}\n{farm.Cluster.Logs()}";
        Assert.True(exit == 3, context);
        var error = OutputStreams.AssertJsonLines(client.Stdout, context)[^1];
        Assert.Equal("error", error.GetProperty("event").GetString());
        var line = Assert.Single(OutputStreams.Lines(client.Stderr));
        Assert.StartsWith($"actorfarm: lost the farm at {farm.Cluster.Seed}", line);
    }

    /// <summary>A Lighthouse, a coordinator and a worker of 2 slots, and a job of 200 one-second tasks for a client to follow.</summary>
    private sealed class FollowedFarm : IAsyncDisposable
    {
        private string _executions = "";

        private FollowedFarm(LocalCluster cluster) => Cluster = cluster;

        public LocalCluster Cluster { get; }

        public ChildProcess Coordinator { get; private set; } = null!;

        public ChildProcess Worker { get; private set; } = null!;

        public string Manifest { get; private set; } = "";

        public string ClientConfig { get; private set; } = "";

        public static async Task<FollowedFarm> StartAsync()
        {
            var farm = new FollowedFarm(await LocalCluster.StartAsync());
            var cluster = farm.Cluster;
            farm.Coordinator = cluster.StartNode("c1", "coordinator", args: ["--state-dir", cluster.Directory.File("state"), "--verbose"]);
            await LocalCluster.WaitUpAsync(farm.Coordinator);
            farm.Worker = cluster.StartNode("w1", "worker", slots: 2);
            await LocalCluster.WaitUpAsync(farm.Worker);
            farm.Manifest = TestManifests.CountedRuns(cluster.Directory, "orphan", 200, 1.0, out farm._executions);
            farm.ClientConfig = ClientTimeouts.Write(cluster.Directory.Path, farmLost: TimeSpan.FromSeconds(10));
            return farm;
        }

        /// <summary>Waits until tasks run: the client is then following a job in progress.</summary>
        public Task WaitForTasksAsync() =>
            Waiting.UntilAsync(() => TestManifests.Executions(_executions).Count >= 2, TimeSpan.FromMinutes(2));

        /// <summary>SIGKILL to every process of the farm at once: nothing of it says goodbye.</summary>
        public Task KillAllAsync() =>
            Task.WhenAll(Cluster.Lighthouse.KillHardAsync(), Coordinator.KillHardAsync(), Worker.KillHardAsync());

        /// <summary>SIGTERM to every process of the farm at once, as a plain scancel does: each leaves in order and exits.</summary>
        public Task ShutDownAsync() =>
            Task.WhenAll(new[] { Cluster.Lighthouse, Coordinator, Worker }.Select(p => p.TerminateAsync(TimeSpan.FromMinutes(1))));

        public ValueTask DisposeAsync() => Cluster.DisposeAsync();
    }
}
