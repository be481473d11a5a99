using System.Text.Json;

namespace ActorFarm.IntegrationTests.Slurm;

/// <summary>
/// A farm that outlives its allocations (docs/slurm.md, "A farm on the login node"): a Lighthouse
/// and a coordinator outside SLURM, an allocation queue, and the real SLURM of the test machine
/// (three one-host nodes of 2 CPUs; each allocation takes whole nodes with --exclusive).
/// </summary>
[Collection(SlurmCollection.Name)]
public class AllocationQueueTests
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(6);

    [SlurmFact]
    public async Task Allocations_are_requested_while_jobs_wait_feed_every_job_and_are_released_when_idle()
    {
        await using var farm = await LoginNodeFarm.StartAsync();
        await farm.AddQueueAsync(["--max-nodes", "2", "--nodes-per-alloc", "1", "--time", "10m", "--idle-timeout", "15s"], "--exclusive");
        var first = TestManifests.CountedRuns(farm.Cluster.Directory, "first", 160, 0.5, out var firstRuns);
        var second = TestManifests.CountedRuns(farm.Cluster.Directory, "second", 60, 0.5, out var secondRuns);

        var firstWait = farm.Cluster.StartClient("submit", "--manifest", first, "--wait", "--json");
        await Waiting.UntilAsync(() => TestManifests.Executions(firstRuns).Count >= 8, JobTimeout);
        // A second job while the first runs: the same allocations feed it.
        var secondWait = farm.Cluster.StartClient("submit", "--manifest", second, "--wait", "--json");
        await Waiting.UntilAsync(() => TestManifests.Executions(secondRuns).Count >= 1, JobTimeout);
        var (statusExit, status) = await farm.RunClientAsync(["status", "--json"], []);
        Assert.True(statusExit == 0, status);
        var listed = JsonLines(status).Single(l => l.GetProperty("event").GetString() == "jobs").GetProperty("jobs").EnumerateArray()
            .Select(j => j.GetProperty("name").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "first", "second" }, listed);

        Assert.True(await firstWait.WaitForExitAsync(JobTimeout) == 0, farm.Cluster.Logs());
        Assert.True(await secondWait.WaitForExitAsync(JobTimeout) == 0, farm.Cluster.Logs());
        AssertEveryTaskOnce(farm, "first", 160, firstRuns);
        AssertEveryTaskOnce(farm, "second", 60, secondRuns);

        // Idle for 15 s: released, and nothing of the farm is left in SLURM's queue.
        await farm.WaitUntilNoAllocationAsync(TimeSpan.FromMinutes(2));
        Assert.InRange(farm.MostAllocationsAtOnce, 1, 2);
        // The queue forgets them at its next poll.
        await Waiting.UntilAsync(() => farm.AllocationsAsync().Result.Count == 0, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2));
    }

    [SlurmFact]
    public async Task A_cancelled_allocation_and_a_restarted_coordinator_lose_no_task_and_leak_no_allocation()
    {
        await using var farm = await LoginNodeFarm.StartAsync();
        await farm.AddQueueAsync(["--max-nodes", "2", "--nodes-per-alloc", "1", "--time", "10m", "--idle-timeout", "15s"], "--exclusive");
        const int tasks = 100;
        var manifest = TestManifests.CountedRuns(farm.Cluster.Directory, "steady", tasks, 1.5, out var runs);
        var wait = farm.Cluster.StartClient("submit", "--manifest", manifest, "--wait", "--json");

        // Two allocations running tasks; then one is cancelled as a user or the site would (plain scancel).
        await Waiting.UntilAsync(() => RunningWithNodes(farm).Result.Count == 2, JobTimeout, TimeSpan.FromSeconds(2));
        var victim = (await RunningWithNodes(farm)).Min()!;
        await Waiting.UntilAsync(() => TestManifests.Executions(runs).Count >= 10, JobTimeout);
        await ChildProcess.RunCheckedAsync("scancel", [victim], TimeSpan.FromMinutes(1));
        // Its tasks go back; the queue asks for another allocation in its place.
        await Waiting.UntilAsync(() => farm.AllocationsSeen.Count >= 3, JobTimeout, TimeSpan.FromSeconds(1));

        // The coordinator dies (kill -9) and comes back on the same journal, mid-job.
        var before = (await SlurmAllocationsAsync(farm)).Order().ToArray();
        await farm.Coordinator.KillHardAsync();
        await farm.StartCoordinatorAsync();
        // The recovered queue knows exactly the allocations SLURM still runs: none leaked, none twice.
        await Waiting.UntilAsync(() => farm.AllocationsAsync().Result.Count > 0, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(2));
        var recovered = (await farm.AllocationsAsync()).Keys.Order().ToArray();
        Assert.Subset(before.Concat(farm.AllocationsSeen).ToHashSet(), recovered.ToHashSet());

        Assert.True(await wait.WaitForExitAsync(JobTimeout) == 0, $"{wait.Output}\n{farm.Cluster.Logs()}");
        AssertOneSuccessPerTask(farm, "steady", tasks);

        await farm.WaitUntilNoAllocationAsync(TimeSpan.FromMinutes(2));
        Assert.InRange(farm.MostAllocationsAtOnce, 2, 2);
    }

    [SlurmFact]
    public async Task The_farm_outlives_an_allocation_whose_nodes_all_die_at_once_and_finishes_on_a_new_one()
    {
        await using var farm = await LoginNodeFarm.StartAsync();
        await farm.AddQueueAsync(["--max-nodes", "3", "--nodes-per-alloc", "3", "--time", "10m", "--idle-timeout", "15s"], "--exclusive");
        const int tasks = 48;
        var manifest = TestManifests.CountedRuns(farm.Cluster.Directory, "wide", tasks, 2, out var runs);
        var wait = farm.Cluster.StartClient("submit", "--manifest", manifest, "--wait", "--json");

        // Three nodes joined and running tasks: more members than the farm's own two.
        await Waiting.UntilAsync(() => farm.AllocationsAsync().Result.Values.Any(a => a.Nodes == 3), JobTimeout, TimeSpan.FromSeconds(2));
        var doomed = (await farm.AllocationsAsync()).Single().Key;
        await Waiting.UntilAsync(() => TestManifests.Executions(runs).Count >= 6, JobTimeout);
        Assert.Equal(3, LoginNodeFarm.KillNodesOf(doomed));

        // The long-lived side stays up (keep-oldest), downs the dead nodes, re-queues their tasks and
        // gets a new allocation that finishes the job.
        Assert.True(await wait.WaitForExitAsync(JobTimeout) == 0, $"{wait.Output}\n{farm.Cluster.Logs()}");
        Assert.False(farm.Cluster.Lighthouse.HasExited, farm.Cluster.Logs());
        Assert.False(farm.Coordinator.HasExited, farm.Cluster.Logs());
        Assert.Contains(farm.AllocationsSeen, a => a != doomed);
        AssertOneSuccessPerTask(farm, "wide", tasks);
        await farm.WaitUntilNoAllocationAsync(TimeSpan.FromMinutes(2));
    }

    private static async Task<HashSet<string>> RunningWithNodes(LoginNodeFarm farm) =>
        (await farm.AllocationsAsync()).Where(a => a.Value is { State: "RUNNING", Nodes: > 0 }).Select(a => a.Key).ToHashSet();

    private static Task<string[]> SlurmAllocationsAsync(LoginNodeFarm farm) => farm.SlurmAllocationsAsync();

    /// <summary>Each task one row in the job's results, a success.</summary>
    private static List<JsonElement> AssertOneSuccessPerTask(LoginNodeFarm farm, string job, int tasks)
    {
        var rows = ResultsFile.Read(farm.Cluster.Directory.File($"out/{job}/results.jsonl"));
        Assert.Equal(Enumerable.Range(0, tasks).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));
        return rows;
    }

    /// <summary>Each task one result, succeeded, run once, on a node of an allocation (never on the login node).</summary>
    private static void AssertEveryTaskOnce(LoginNodeFarm farm, string job, int tasks, string runs)
    {
        var rows = AssertOneSuccessPerTask(farm, job, tasks);
        Assert.All(rows, r => Assert.Matches("^n[1-3]$", r.GetProperty("node").GetString()!));
        Assert.All(TestManifests.Executions(runs), e => Assert.True(e.Value == 1, $"{job} task {e.Key} ran {e.Value} times"));
        Assert.Equal(tasks, TestManifests.Executions(runs).Count);
    }

    private static IEnumerable<JsonElement> JsonLines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.TrimStart().StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone());
}
