using ActorFarm.Hosting;

namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// Shutdown is not failure, on the real program: `actorfarm run` started as a process group of its
/// own gets SIGTERM sent to the whole group mid-job (as a terminal's Ctrl+C, `timeout` or systemd
/// do), so the signal kills the running tasks at the same moment as it reaches the farm. The run
/// exits 130 and its journal holds no failed result for the killed tasks; running the same
/// command again runs them once. Executions are counted by their side-effect files.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class InterruptedRunTests
{
    private const int Tasks = 10;
    private const int Slots = 2;

    [Fact]
    public async Task A_run_whose_process_group_gets_SIGTERM_exits_130_records_no_failure_and_resumes_each_task_once()
    {
        using var dir = new TempDirectory("actorfarm-interrupted");
        var manifest = TestManifests.CountedRuns(dir, "interrupted", Tasks, 1.5, out var executions);
        string[] args = ["run", "--manifest", manifest, "--state-dir", dir.File("state"), "--slots", Slots.ToString(), "--progress", "plain"];

        await using (var run = ChildProcess.StartDotnet(FarmPrograms.CliPath, args, dir.Path, label: "actorfarm run", ownSession: true))
        {
            // Two tasks done, two running when the signal comes.
            await Waiting.UntilAsync(() => TestManifests.Executions(executions).Count >= 4 || run.HasExited, TimeSpan.FromMinutes(2));
            Assert.False(run.HasExited, $"the run ended before the signal:\n{run.Tail()}");
            run.SignalGroup(15);
            var exit = await run.WaitForExitAsync(TimeSpan.FromMinutes(1));
            Assert.True(exit == 130, $"exit {exit}\n{run.Tail()}");
            Assert.Contains("interrupted", run.Stderr);
        }

        var recorded = JournalPeek.RecordedOutcomes(SqliteJournal.DatabasePath(dir.File("state")));
        Assert.All(recorded, r => Assert.True(r.Outcome == "succeeded", $"task {r.Index} was journaled as {r.Outcome}"));
        var journaled = recorded.Select(r => r.Index).ToHashSet();
        var runsAtStop = TestManifests.Executions(executions);
        Assert.True(journaled.Count < Tasks, "the job finished before the signal");

        var (exitCode, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(3), args);
        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        var rows = ResultsFile.Read(dir.File("out/interrupted/results.jsonl"));
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));
        var finalRuns = TestManifests.Executions(executions);
        RerunCheck.AssertNoJournaledTaskRanAgain(journaled, runsAtStop, finalRuns, stdout);
        // Only the tasks the signal killed ran twice: at most one per slot.
        Assert.InRange(finalRuns.Values.Sum() - Tasks, 0, Slots);
    }
}
