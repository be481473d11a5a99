using ActorFarm.Hosting;

namespace ActorFarm.IntegrationTests.Slurm;

/// <summary>
/// Allocations stopped mid-run, then the same manifest submitted again: every submission runs
/// only what the journal does not hold, no task journaled before a stop ever runs again, and a
/// stop is never a failure. Executions are counted by their side-effect files, not by what the
/// farm says about itself.
/// <list type="number">
/// <item><c>scancel --batch --signal=TERM</c> reaches only the launcher, which stops the farm in
/// order (worker nodes drain: running tasks finish, queued ones go back; then the coordinator
/// journals the last results and leaves). Nothing is cut short: every task that ran is journaled.</item>
/// <item><c>scancel --signal=TERM</c> without <c>--batch</c> signals the steps only: the worker
/// nodes and their running tasks, not the launcher. The tasks die (exit 143) and go back unrun;
/// the launcher sees its worker nodes stopped by a signal and exits 130.</item>
/// <item>A plain <c>scancel</c> (like SLURM's time limit) sends SIGTERM to every process of the
/// job at once, the running tasks included: they go back too (no retry policy needed), and the
/// launcher still exits 130 before SLURM's KillWait runs out.</item>
/// <item>A last allocation completes the job: each task succeeded exactly once, at its first
/// attempt, and none was ever journaled as failed.</item>
/// </list>
/// </summary>
[Collection(SlurmCollection.Name)]
public class StoppedAllocationResumeTests
{
    private const int Tasks = 40;

    [SlurmFact]
    public async Task Stopped_allocations_resume_without_rerunning_journaled_tasks_or_counting_the_stop_as_failure()
    {
        using var job = new FarmBatchJob("stopped").WithCountingTasks(Tasks, sleepSeconds: 0.5);

        // 1. Graceful stop: only the launcher gets SIGTERM.
        var first = await job.SubmitAsync("--nodes=1", "--exclusive");
        await job.WaitForExecutionsAsync(first, 6);
        await ChildProcess.RunCheckedAsync("scancel", ["--batch", "--signal=TERM", first], TimeSpan.FromMinutes(1));
        var stopped = await job.WaitForEndAsync(first);
        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        var journaledAfterFirst = job.JournaledIndices();
        var runsAfterFirst = job.Executions();
        Assert.Equal(runsAfterFirst.Keys.Order(), journaledAfterFirst.Order());
        Assert.All(runsAfterFirst, e => Assert.True(e.Value == 1, $"task {e.Key} ran {e.Value} times\n{stopped}"));

        // 2. SIGTERM to the steps (the worker nodes and their tasks), not the launcher.
        var second = await job.SubmitAsync("--nodes=1", "--exclusive");
        await job.WaitForExecutionsAsync(second, runsAfterFirst.Values.Sum() + 6);
        await ChildProcess.RunCheckedAsync("scancel", ["--signal=TERM", second], TimeSpan.FromMinutes(1));
        var signalled = await job.WaitForEndAsync(second);
        Assert.True(signalled.ExitCode == 130, signalled.ToString());
        Assert.Contains("the worker nodes were stopped by a signal", signalled.Output);
        AssertNoFailureJournaled(job, signalled);
        var journaledAfterSecond = job.JournaledIndices();
        var runsAfterSecond = job.Executions();
        AssertRanOnlyUnjournaledTasks(runsAfterFirst, runsAfterSecond, journaledAfterFirst, stopped, signalled);

        // 3. Plain scancel: every process of the job gets SIGTERM at once.
        var third = await job.SubmitAsync("--nodes=1", "--exclusive");
        await job.WaitForExecutionsAsync(third, runsAfterSecond.Values.Sum() + 6);
        await ChildProcess.RunCheckedAsync("scancel", [third], TimeSpan.FromMinutes(1));
        var cancelled = await job.WaitForEndAsync(third);
        Assert.True(cancelled is { State: "CANCELLED", ExitCode: 130 }, cancelled.ToString());
        Assert.Contains("stopped before the jobs ended", cancelled.Output);
        AssertNoFailureJournaled(job, cancelled);
        var journaledAfterThird = job.JournaledIndices();
        var runsAfterThird = job.Executions();
        Assert.True(journaledAfterThird.Count < Tasks, $"the job finished before the scancel\n{cancelled}");
        AssertRanOnlyUnjournaledTasks(runsAfterSecond, runsAfterThird, journaledAfterSecond, signalled, cancelled);

        // 4. The rest.
        var last = await job.RunAsync("--nodes=1", "--exclusive");
        Assert.True(last is { ExitCode: 0, State: "COMPLETED" }, $"{last}\nearlier allocations:\n{stopped}\n{signalled}\n{cancelled}");
        Assert.Contains("resumed", last.Output);
        var rows = job.Results();
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        // Succeeded at the first attempt: the tasks the signals killed used none.
        Assert.All(rows, r => Assert.True((r.Outcome(), r.Attempts()) == ("succeeded", 1), r.ToString()));
        AssertNoFailureJournaled(job, last);
        var finalRuns = job.Executions();
        AssertRanOnlyUnjournaledTasks(runsAfterThird, finalRuns, journaledAfterThird, cancelled, last);
        Assert.Equal(Tasks, finalRuns.Count);
        // Only tasks running at the two signals ran twice: at most one per slot (2 here) each time.
        Assert.InRange(finalRuns.Values.Sum() - Tasks, 0, 4);
    }

    private static void AssertNoFailureJournaled(FarmBatchJob job, SlurmJobEnd end)
    {
        var recorded = JournalPeek.RecordedOutcomes(SqliteJournal.DatabasePath(job.StateDirectory));
        Assert.All(recorded, r => Assert.True(r.Outcome == "succeeded", $"task {r.Index} was journaled as {r.Outcome}\n{end}"));
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
