using ActorFarm.Tests.EndToEnd;

namespace ActorFarm.Tests.Slurm;

/// <summary>
/// Allocations stopped mid-run, then the same manifest submitted again: every submission runs
/// only what the journal does not hold, and no task journaled before a stop ever runs again.
/// Executions are counted by their side-effect files, not by what the farm says about itself.
/// <list type="number">
/// <item><c>scancel --batch --signal=TERM</c> reaches only the launcher, which stops the farm in
/// order (worker nodes drain: running tasks finish, queued ones go back; then the coordinator
/// journals the last results and leaves). Nothing is cut short: every task that ran is journaled.</item>
/// <item>A plain <c>scancel</c> (like SLURM's time limit) sends SIGTERM to every process of the
/// job, the running tasks included; they end with exit code 143. The manifest retries that exit
/// code, as docs/slurm.md advises, so they stay unfinished and run again next time.</item>
/// <item>A third allocation completes the job: each task has exactly one result.</item>
/// </list>
/// </summary>
[Collection(SlurmCollection.Name)]
public class StoppedAllocationResumeTests
{
    private const int Tasks = 60;

    [SlurmFact]
    public async Task Stopped_allocations_resume_without_rerunning_journaled_tasks()
    {
        using var job = new FarmBatchJob("stopped")
            .WithCountingTasks(Tasks, sleepSeconds: 0.5, extraKeys: "retry { max-attempts = 3, exit-codes = [143] }");

        // 1. Graceful stop: only the launcher gets SIGTERM.
        var first = await job.SubmitAsync("--nodes=1", "--exclusive");
        await job.WaitForExecutionsAsync(first, 10);
        await SlurmCommand.RunCheckedAsync("scancel", "--batch", "--signal=TERM", first);
        var stopped = await job.WaitForEndAsync(first);
        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        var journaledAfterFirst = job.JournaledIndices();
        var runsAfterFirst = job.Executions();
        Assert.Equal(runsAfterFirst.Keys.Order(), journaledAfterFirst.Order());
        Assert.All(runsAfterFirst, e => Assert.True(e.Value == 1, $"task {e.Key} ran {e.Value} times\n{stopped}"));

        // 2. Plain scancel: every process of the job gets SIGTERM.
        var second = await job.SubmitAsync("--nodes=1", "--exclusive");
        await job.WaitForExecutionsAsync(second, runsAfterFirst.Values.Sum() + 10);
        await SlurmCommand.RunCheckedAsync("scancel", second);
        var cancelled = await job.WaitForEndAsync(second);
        Assert.True(cancelled.State == "CANCELLED", cancelled.ToString());
        var journaledAfterSecond = job.JournaledIndices();
        var runsAfterSecond = job.Executions();
        Assert.True(journaledAfterSecond.Count < Tasks, $"the job finished before the scancel\n{cancelled}");
        AssertRanOnlyUnjournaledTasks(runsAfterFirst, runsAfterSecond, journaledAfterFirst, stopped, cancelled);

        // 3. The rest.
        var third = await job.RunAsync("--nodes=1", "--exclusive");
        Assert.True(third is { ExitCode: 0, State: "COMPLETED" }, $"{third}\nearlier allocations:\n{stopped}\n{cancelled}");
        Assert.Contains("resumed", third.Output);
        var rows = job.Results();
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));
        var runsAfterThird = job.Executions();
        AssertRanOnlyUnjournaledTasks(runsAfterSecond, runsAfterThird, journaledAfterSecond, cancelled, third);
        Assert.Equal(Tasks, runsAfterThird.Count);
        // Only tasks running at the plain scancel ran twice: at most one per slot (2 here).
        Assert.InRange(runsAfterThird.Values.Sum() - Tasks, 0, 2);
    }

    /// <summary>Between two snapshots of the executions, no task that was journaled at the first one ran again.</summary>
    private static void AssertRanOnlyUnjournaledTasks(Dictionary<long, int> before, Dictionary<long, int> after,
        HashSet<long> journaledBefore, SlurmJobEnd previous, SlurmJobEnd current)
    {
        foreach (var index in journaledBefore)
            Assert.True(after.GetValueOrDefault(index) == before.GetValueOrDefault(index),
                $"task {index} was journaled, yet ran again ({before.GetValueOrDefault(index)} → {after.GetValueOrDefault(index)} runs)\n{previous}\n{current}");
    }
}
