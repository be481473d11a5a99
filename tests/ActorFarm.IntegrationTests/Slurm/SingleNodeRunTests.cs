
namespace ActorFarm.IntegrationTests.Slurm;

/// <summary>
/// The launcher in a one-node batch allocation: it starts the farm, runs every task exactly once,
/// writes results.jsonl, takes the farm down and exits with the jobs' status (here 1, because one
/// task fails on purpose: a launcher that always exits 0 would not pass). A bad manifest stops
/// it before any farm node starts, with exit code 2.
/// </summary>
[Collection(SlurmCollection.Name)]
public class SingleNodeRunTests
{
    private const int Tasks = 16;
    private const int FailingIndex = 7;

    [SlurmFact]
    public async Task Runs_every_task_once_and_exits_with_the_jobs_status()
    {
        using var job = new FarmBatchJob("single").WithCountingTasks(Tasks, sleepSeconds: 0.1, failingIndex: FailingIndex);

        var end = await job.RunAsync("--nodes=1", "--exclusive");

        Assert.True(end is { ExitCode: 1, State: "FAILED" }, end.ToString());
        var rows = job.Results();
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, r => Assert.Equal(r.Index() == FailingIndex ? "failed" : "succeeded", r.Outcome()));
        Assert.Equal(3, rows.Single(r => r.Index() == FailingIndex).ExitCode());
        Assert.Equal(Tasks, job.Executions().Count);
        Assert.All(job.Executions().Values, runs => Assert.Equal(1, runs));
        Assert.Contains("some tasks failed", end.Output);
    }

    [SlurmFact]
    public async Task A_bad_manifest_exits_2_before_any_farm_node_starts()
    {
        using var job = new FarmBatchJob("bad");
        File.WriteAllText(job.ManifestPath, "jobs { bad { command = [\"true\"], timeout = abc } }");

        var end = await job.RunAsync("--nodes=1");

        Assert.True(end.ExitCode == 2, end.ToString());
        Assert.Contains("nothing was started", end.Output);
        Assert.DoesNotContain("node n1", end.Output);
        Assert.False(File.Exists(Path.Combine(job.StateDirectory, "journal.db")), "a journal was created");
    }
}
