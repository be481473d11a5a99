using ActorFarm.Hosting;

namespace ActorFarm.IntegrationTests.Faults;

/// <summary>
/// The state directory's disk fills while `actorfarm run` works (an HPC quota, a full scratch
/// disk): the run stops with exit 3 within the configured limit and one line naming the disk and
/// the journal; after space is freed, `actorfarm resume` finishes the job with each task once,
/// and no task whose result was journaled ever runs again. Executions are counted by their side
/// effects, outside the full disk.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class StateDiskFullTests
{
    private const int Tasks = 200;

    [RootFact]
    public async Task A_full_state_disk_stops_the_run_with_exit_3_and_resume_completes_each_task_once()
    {
        using var dir = new TempDirectory("actorfarm-disk-full");
        using var disk = new SmallDisk("16m");
        var manifest = TestManifests.CountedRuns(dir, "fill", Tasks, 0.02, out var executions);
        var config = dir.File("give-up.hocon");
        await File.WriteAllTextAsync(config, "actorfarm.jobs.journal-retry.give-up-after = 3s");
        var database = SqliteJournal.DatabasePath(disk.Path);

        string[] run = ["run", "--manifest", manifest, "--state-dir", disk.Path, "--slots", "2", "--progress", "none", "--config", config];
        await using (var cli = ChildProcess.StartDotnet(FarmPrograms.CliPath, run, dir.Path, label: "actorfarm run"))
        {
            await Waiting.UntilAsync(() => TestManifests.Executions(executions).Values.Sum() >= 30 || cli.HasExited, TimeSpan.FromMinutes(2));
            Assert.False(cli.HasExited, $"the run ended before the disk filled:\n{cli.Tail()}");
            disk.Fill();

            var exit = await cli.WaitForExitAsync(TimeSpan.FromSeconds(90));
            Assert.True(exit == 3, $"exit {exit}\n{cli.Tail()}");
            var named = cli.Stderr.Split('\n').Where(l => l.Contains($"disk full at {database}")).ToList();
            Assert.True(named.Count >= 1, $"no line names the disk and the journal:\n{cli.Stderr}");
            Assert.DoesNotContain(cli.Output.Split('\n'), l => l.StartsWith("   at ", StringComparison.Ordinal));
        }
        await Task.Delay(100); // orphaned task processes finish their mktemp
        var journaledAtHalt = JournalPeek.RecordedIndices(database);
        var runsAtHalt = TestManifests.Executions(executions);
        Assert.NotEmpty(journaledAtHalt);
        Assert.True(journaledAtHalt.Count < Tasks);

        disk.Free();
        var (resumeExit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(3),
            "resume", "--state-dir", disk.Path, "--slots", "2", "--progress", "none");
        var resultsPath = Path.Combine(dir.Path, "out", "fill", "results.jsonl");
        Assert.True(resumeExit == 0, $"exit {resumeExit}\n{stdout}\n{stderr}\n"
            + string.Join("\n", File.Exists(resultsPath) ? File.ReadLines(resultsPath).Where(l => !l.Contains("\"succeeded\"")) : []));

        var rows = ResultsFile.Read(resultsPath);
        Assert.Equal(Tasks, rows.Count);
        Assert.Equal(Tasks, rows.Select(r => r.Index()).Distinct().Count());
        var finalRuns = TestManifests.Executions(executions);
        Assert.Equal(Tasks, finalRuns.Count);
        foreach (var index in journaledAtHalt)
            Assert.True(finalRuns[index] == 1, $"task {index} was journaled before the disk filled but ran {finalRuns[index]} times");
        // Only tasks that had run without their result reaching the journal may run again: never
        // a task more than once per run, never the journaled ones, never a loop.
        var unjournaledAtHalt = runsAtHalt.Keys.Count(i => !journaledAtHalt.Contains(i));
        Assert.InRange(finalRuns.Values.Sum() - Tasks, 0, unjournaledAtHalt);
        Assert.All(finalRuns.Values, runs => Assert.InRange(runs, 1, 2));
    }
}
