
namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// One writer per state directory, with real programs: while an <c>actorfarm run</c> holds a
/// state directory, a second <c>run</c> or a <c>node</c> on it exits 3 before starting anything,
/// naming the holder; once the holder is killed with SIGKILL the kernel has released its lock,
/// and <c>resume</c> finishes the job. Executions are counted by their side-effect files.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class StateDirectoryLockProcessTests
{
    private const int Tasks = 40;
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_second_run_exits_3_naming_the_first_and_resume_works_after_the_first_is_killed()
    {
        using var dir = new TempDirectory("actorfarm-lock");
        var manifest = TestManifests.CountedRuns(dir, "locked", Tasks, 0.4, out var executions);
        var state = dir.File("state");
        string[] run = ["run", "--manifest", manifest, "--state-dir", state, "--slots", "2", "--progress", "plain"];

        await using var first = await StartRunningAsync(dir, run, executions);
        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, AtOnce, run);

        Assert.True(exit == 3, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.False(first.HasExited, "the second run waited for the first instead of refusing at once");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"actorfarm: state directory {state} is in use by pid {first.Pid} (actorfarm run --manifest {manifest}", line);
        Assert.Contains($"on host {Environment.MachineName}", line);
        Assert.True(string.IsNullOrWhiteSpace(stdout), $"the second run submitted something:\n{stdout}");

        await first.KillHardAsync();
        var resumed = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(3), "resume", "--state-dir", state, "--slots", "2", "--progress", "plain");
        Assert.True(resumed.ExitCode == 0, $"exit {resumed.ExitCode}\n{resumed.Stdout}\n{resumed.Stderr}");

        var rows = ResultsFile.Read(Path.Combine(dir.Path, "out", "locked", "results.jsonl"));
        Assert.Equal(Tasks, rows.Select(r => r.Index()).Distinct().Count());
        var runs = TestManifests.Executions(executions);
        Assert.Equal(Tasks, runs.Count);
        // Only tasks in flight at the kill may have run twice; the refused run ran none.
        Assert.InRange(runs.Values.Sum() - Tasks, 0, 10);
    }

    [Fact]
    public async Task A_coordinator_node_on_a_held_state_directory_exits_3_naming_the_holder()
    {
        using var dir = new TempDirectory("actorfarm-lock");
        var manifest = TestManifests.CountedRuns(dir, "held", Tasks, 0.4, out var executions);
        var state = dir.File("state");
        await using var first = await StartRunningAsync(dir,
            ["run", "--manifest", manifest, "--state-dir", state, "--slots", "2", "--progress", "plain"], executions);

        // No seed is listening there: the node must refuse before it tries to join anything.
        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, AtOnce,
            "node", "--seeds", $"127.0.0.1:{FreePort.Next()}", "--roles", "coordinator", "--state-dir", state);

        Assert.True(exit == 3, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.False(first.HasExited);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"actorfarm: state directory {state} is in use by pid {first.Pid} (actorfarm run", line);
        Assert.True(string.IsNullOrWhiteSpace(stdout), $"the node started:\n{stdout}");
    }

    /// <summary>A run that holds its state directory: it has started tasks.</summary>
    private static async Task<ChildProcess> StartRunningAsync(TempDirectory dir, string[] args, string executions)
    {
        var first = ChildProcess.StartDotnet(FarmPrograms.CliPath, args, dir.Path, label: "actorfarm run (first)");
        await Waiting.UntilAsync(() => TestManifests.Executions(executions).Count > 0 || first.HasExited, TimeSpan.FromMinutes(2));
        Assert.False(first.HasExited, $"the first run ended early:\n{first.Tail()}");
        return first;
    }
}
