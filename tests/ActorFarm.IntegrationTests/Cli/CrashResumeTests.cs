using ActorFarm.Hosting;

namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// The promise of the journal, tested on the real program: `actorfarm run` is killed with SIGKILL
/// mid-job several times and run again; in the end every task has exactly one result and no task
/// whose result was journaled before a kill ever ran again. Each execution leaves a file behind,
/// so runs are counted by their side effects, not by what the farm says about itself.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class CrashResumeTests
{
    private const int Tasks = 300;
    private const int Kills = 3;

    [Fact]
    public async Task Killed_runs_resume_without_rerunning_completed_tasks()
    {
        using var dir = new TempDirectory("actorfarm-crash");
        var executions = Directory.CreateDirectory(dir.File("executions")).FullName;
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, $$"""
            jobs {
              crash {
                # Each execution leaves a uniquely named file: executions/<index>.<random>
                command = ["/bin/sh", "-c", "mktemp \"$0/${index}.XXXXXX\" > /dev/null; sleep 0.02", "{{executions}}"]
                sweep { i = { from = 1, to = {{Tasks}} } }
                output { directory = "out", capture = none }
              }
            }
            """);
        string[] args = ["run", "--manifest", manifest, "--state-dir", dir.File("state"), "--slots", "2", "--progress", "plain"];
        var database = SqliteJournal.DatabasePath(dir.File("state"));

        var journaledBeforeKill = new List<(HashSet<long> Indices, Dictionary<long, int> Runs)>();
        for (var kill = 0; kill < Kills; kill++)
        {
            await using var cli = ChildProcess.StartDotnet(FarmPrograms.CliPath, args, dir.Path, label: "actorfarm run");
            var target = TestManifests.Executions(executions).Values.Sum() + 40;
            await Waiting.UntilAsync(() => TestManifests.Executions(executions).Values.Sum() >= target || cli.HasExited, TimeSpan.FromMinutes(2));
            Assert.False(cli.HasExited, $"the run ended before kill {kill + 1}:\n{cli.Tail()}");
            await cli.KillHardAsync();
            await Task.Delay(100); // orphaned task processes finish their mktemp
            journaledBeforeKill.Add((JournalPeek.RecordedIndices(database), TestManifests.Executions(executions)));
        }

        var (exitCode, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(3), args);
        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");

        var rows = ResultsFile.Read(Path.Combine(dir.Path, "out", "crash", "results.jsonl"));
        Assert.Equal(Tasks, rows.Count);
        Assert.Equal(Tasks, rows.Select(r => r.Index()).Distinct().Count());

        var finalRuns = TestManifests.Executions(executions);
        Assert.Equal(Tasks, finalRuns.Count);
        foreach (var (journaled, runsThen) in journaledBeforeKill)
        {
            Assert.NotEmpty(journaled);
            foreach (var index in journaled)
                Assert.True(finalRuns[index] == runsThen[index],
                    $"task {index} was journaled before a kill but ran again ({runsThen[index]} → {finalRuns[index]} runs)");
        }
        // Only tasks in flight at a kill may run twice: a handful per kill, never a sweep.
        var rerun = finalRuns.Values.Sum() - Tasks;
        Assert.InRange(rerun, 0, Kills * 10);
    }
}
