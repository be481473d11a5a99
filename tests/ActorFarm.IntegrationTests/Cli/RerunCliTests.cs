using System.Text.Json;
using ActorFarm.Hosting;

namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// `actorfarm rerun` on the real program: a job whose odd tasks fail while a marker file exists
/// ends with exit 1; the marker is removed; the rerun runs only the failed tasks, as their next
/// attempts, and ends with exit 0 and one row per task. Every execution leaves a file behind, so
/// what ran is counted by side effects, not by what the farm says.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class RerunCliTests
{
    [Fact]
    public async Task Rerun_failed_runs_only_the_failed_tasks_and_attempts_continue()
    {
        const int tasks = 6;
        using var dir = new TempDirectory("actorfarm-rerun-cli");
        var (manifest, executions, marker) = FailWhileMarked(dir, "flaky", tasks, seconds: 0);
        var state = dir.File("state");

        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(3),
            "run", "--manifest", manifest, "--state-dir", state, "--slots", "2", "--json");
        Assert.True(exit == 1, $"exit {exit}\n{stdout}\n{stderr}");
        var jobId = JobIdOf(stdout);
        var results = Path.Combine(dir.Path, "out", "flaky", "results.jsonl");
        var rows = ResultsFile.Read(results).OrderBy(r => r.Index()).ToList();
        // Odd tasks failed both attempts their retry policy allows.
        Assert.Equal(["succeeded", "failed", "succeeded", "failed", "succeeded", "failed"], rows.Select(r => r.Outcome()));
        Assert.Equal([1, 2, 1, 2, 1, 2], rows.Select(r => r.Attempts()));

        File.Delete(marker);
        (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(3),
            "rerun", jobId, "--failed", "--state-dir", state, "--slots", "2", "--json");
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        var rerun = Events(stdout).Single(e => e.GetProperty("event").GetString() == "rerun");
        Assert.Equal("started", rerun.GetProperty("outcome").GetString());
        Assert.Equal(3, rerun.GetProperty("reopened").GetInt64());

        // One row per task, its latest result; the failed ones ran as attempt 3.
        rows = ResultsFile.Read(results).OrderBy(r => r.Index()).ToList();
        Assert.True(rows.Select(r => r.Index()).SequenceEqual(Enumerable.Range(0, tasks).Select(i => (long)i)),
            $"not one row per task:\n{File.ReadAllText(results)}\nexecutions: {string.Join(", ", TestManifests.Executions(executions).OrderBy(e => e.Key))}\n{stdout}\n{stderr}");
        Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));
        Assert.Equal([1, 3, 1, 3, 1, 3], rows.Select(r => r.Attempts()));
        // Succeeded tasks never ran again: once each; the failed ones twice before and once now.
        Assert.Equal(Enumerable.Range(0, tasks).Select(i => i % 2 == 0 ? 1 : 3),
            Enumerable.Range(0, tasks).Select(i => TestManifests.Executions(executions)[i]));
        // The journal keeps the history: the first run's failures are still there.
        Assert.Equal(3, JournalPeek.RecordedOutcomes(SqliteJournal.DatabasePath(state)).Count(o => o.Outcome == "failed"));

        // Nothing left to rerun: said so, exit 0, nothing ran.
        (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(3),
            "rerun", jobId, "--failed", "--state-dir", state);
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("nothing to rerun: every task succeeded", stdout);
        Assert.Equal(12, TestManifests.Executions(executions).Values.Sum());
    }

    [Fact]
    public async Task A_rerun_killed_midway_completes_when_asked_again_and_runs_no_succeeded_task_twice()
    {
        const int tasks = 40;
        using var dir = new TempDirectory("actorfarm-rerun-kill");
        var (manifest, executions, marker) = FailWhileMarked(dir, "slow", tasks, seconds: 0.1);
        var state = dir.File("state");
        var database = SqliteJournal.DatabasePath(state);

        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(3),
            "run", "--manifest", manifest, "--state-dir", state, "--slots", "2", "--json");
        Assert.True(exit == 1, $"exit {exit}\n{stdout}\n{stderr}");
        var jobId = JobIdOf(stdout);
        File.Delete(marker);
        var beforeRerun = TestManifests.Executions(executions);

        string[] rerunArgs = ["rerun", jobId, "--failed", "--state-dir", state, "--slots", "2", "--progress", "plain"];
        await using (var cli = ChildProcess.StartDotnet(FarmPrograms.CliPath, rerunArgs, dir.Path, label: "actorfarm rerun"))
        {
            // Killed once a few of the 20 failed tasks have run again.
            var target = beforeRerun.Values.Sum() + 6;
            await Waiting.UntilAsync(() => TestManifests.Executions(executions).Values.Sum() >= target || cli.HasExited, TimeSpan.FromMinutes(2));
            Assert.False(cli.HasExited, $"the rerun ended before the kill:\n{cli.Tail()}");
            await cli.KillHardAsync();
        }
        await Task.Delay(300); // orphaned task processes finish their mktemp
        var succeededAtKill = JournalPeek.RecordedOutcomes(database).Where(o => o.Outcome == "succeeded").Select(o => o.Index).ToHashSet();
        var runsAtKill = TestManifests.Executions(executions);
        Assert.True(succeededAtKill.Count > tasks / 2, "some rerun results were journaled before the kill");

        // The same command again resumes the same rerun.
        (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(3), rerunArgs);
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("is already running", stdout);

        var rows = ResultsFile.Read(Path.Combine(dir.Path, "out", "slow", "results.jsonl"));
        Assert.Equal(tasks, rows.Count);
        Assert.Equal(tasks, rows.Select(r => r.Index()).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));
        var finalRuns = TestManifests.Executions(executions);
        RerunCheck.AssertNoJournaledTaskRanAgain(succeededAtKill, runsAtKill, finalRuns, stdout + stderr);
        // Tasks that succeeded in the first run ran exactly once, ever.
        Assert.All(Enumerable.Range(0, tasks).Where(i => i % 2 == 0), i => Assert.Equal(1, finalRuns[i]));
    }

    /// <summary>
    /// A job whose odd tasks exit 3 while <c>marker</c> exists (retried once: 2 attempts), every
    /// execution leaving a file in <c>executions</c>.
    /// </summary>
    private static (string Manifest, string Executions, string Marker) FailWhileMarked(TempDirectory dir, string name, int tasks, double seconds)
    {
        var executions = Directory.CreateDirectory(dir.File("executions")).FullName;
        var marker = dir.File("failing");
        File.WriteAllText(marker, "odd tasks fail while this file exists");
        var manifest = dir.File(name + ".hocon");
        var sleep = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(manifest, $$"""
            jobs {
              {{name}} {
                command = ["/bin/sh", "-c", "mktemp \"$0/${index}.XXXXXX\" > /dev/null; sleep {{sleep}}; if [ -e \"$1\" ] && [ $((${index} % 2)) -eq 1 ]; then exit 3; fi", "{{executions}}", "{{marker}}"]
                sweep { i = { from = 1, to = {{tasks}} } }
                retry { max-attempts = 2, exit-codes = [3], backoff = 0s, max-backoff = 0s }
                output { directory = "out", capture = none }
              }
            }
            """);
        return (manifest, executions, marker);
    }

    private static IEnumerable<JsonElement> Events(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone());

    private static string JobIdOf(string jsonStdout) =>
        Events(jsonStdout).First(e => e.GetProperty("event").GetString() == "submitted").GetProperty("jobId").GetString()!;
}
