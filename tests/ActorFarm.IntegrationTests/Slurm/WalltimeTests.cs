
namespace ActorFarm.IntegrationTests.Slurm;

/// <summary>
/// An allocation too short for the job (<c>--time=1</c>, the shortest SLURM grants): the launcher
/// reads when it ends, the worker nodes stop taking tasks in time (the job declares
/// <c>expected-duration</c>) and leave, and the launcher stops before SLURM would kill anything,
/// exiting with 130. No task is cut: every execution is journaled. A second submission of the
/// same manifest runs the rest, each task exactly once in all.
/// </summary>
[Collection(SlurmCollection.Name)]
public class WalltimeTests
{
    // Two minutes of work for the 2 slots of one node: more than a 1-minute allocation holds,
    // however fast the farm starts.
    private const int Tasks = 240;

    [SlurmFact]
    public async Task An_allocation_that_ends_mid_job_stops_in_time_and_the_next_one_completes_it()
    {
        using var job = new FarmBatchJob("walltime").WithCountingTasks(Tasks, sleepSeconds: 1, extraKeys: "expected-duration = 3s");
        // Worker nodes gone 8 s before the end (default 10 s): set as a user would.
        job.Environment["ACTORFARM_END_MARGIN"] = "8";

        var first = await job.RunAsync("--nodes=1", "--exclusive", "--time=1");

        Assert.True(first.ExitCode == 130, first.ToString());
        Assert.Contains("stopping: the allocation ends soon", first.Output);
        var journaled = job.JournaledIndices();
        Assert.True(journaled.Count < Tasks, $"the job finished within the first allocation\n{first}");
        Assert.Equal(job.Executions().Keys.Order(), journaled.Order());

        var second = await job.RunAsync("--nodes=2", "--exclusive");

        Assert.True(second is { ExitCode: 0, State: "COMPLETED" }, $"{second}\nfirst allocation:\n{first}");
        var rows = job.Results();
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));
        Assert.All(job.Executions(), e => Assert.True(e.Value == 1, $"task {e.Key} ran {e.Value} times"));
        Assert.Equal(Tasks, job.Executions().Count);
    }
}
