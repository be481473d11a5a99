
namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// <c>cpus</c> and <c>max-fails</c> through the real <c>actorfarm</c> program: bad values and a job
/// the embedded node cannot hold exit 2 and start nothing; a task's environment knows its cpus; a
/// job stopped by its max-fails exits 1 and its summary says why.
/// </summary>
public class ResourceKeysCliTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_bad_cpus_or_max_fails_or_a_job_wider_than_the_node_exits_2_and_starts_nothing()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var marker = dir.File("ran");
        var bad = dir.File("bad.hocon");
        await File.WriteAllTextAsync(bad, $$"""
            jobs {
              wide {
                command = ["/usr/bin/touch", "{{marker}}"]
                cpus = 0
                max-fails = 1.5
              }
            }
            """);
        var wide = dir.File("wide.hocon");
        await File.WriteAllTextAsync(wide, $$"""
            jobs { wide { command = ["/usr/bin/touch", "{{marker}}"], cpus = 8 } }
            """);

        var invalid = await FarmPrograms.RunCliAsync(dir.Path, Limit, "run", "--manifest", bad, "--state-dir", dir.File("state"));
        var unfit = await FarmPrograms.RunCliAsync(dir.Path, Limit, "run", "--manifest", wide, "--state-dir", dir.File("state"), "--slots", "2");

        Assert.True(invalid.ExitCode == 2, $"exit {invalid.ExitCode}\n{invalid.Stdout}\n{invalid.Stderr}");
        Assert.Contains("bad.hocon:4: jobs.wide.cpus: must be at least 1", invalid.Stderr);
        Assert.Contains("bad.hocon:5: jobs.wide.max-fails: expected an integer, got \"1.5\"", invalid.Stderr);
        Assert.True(unfit.ExitCode == 2, $"exit {unfit.ExitCode}\n{unfit.Stdout}\n{unfit.Stderr}");
        Assert.Contains("jobs.wide.cpus: each task takes 8 slots, more than this machine's farm has (2)", unfit.Stderr);
        Assert.False(File.Exists(marker));
        Assert.False(Directory.Exists(dir.File("state")));
    }

    [Fact]
    public async Task A_job_stopped_by_max_fails_exits_1_says_why_and_keeps_what_finished_and_tasks_know_their_cpus()
    {
        using var dir = new TempDirectory("actorfarm-cli");
        var manifest = dir.File("jobs.hocon");
        // Every third task fails; after 5 failures the job stops.
        await File.WriteAllTextAsync(manifest, """
            jobs {
              flaky {
                command = ["/bin/sh", "-c", "[ $(( $1 % 3 )) -ne 0 ] && sleep 0.05", "task", "${i}"]
                sweep { i = { from = 0, to = 99 } }
                max-fails = 5
                output { directory = "out", capture = none }
              }
              wide {
                command = ["/bin/sh", "-c", "echo \"$ACTORFARM_CPUS $OMP_NUM_THREADS\" > env-$1.txt", "task", "${i}"]
                sweep { i = [0, 1, 2] }
                cpus = 2
                output { directory = "out", capture = none }
              }
            }
            """);

        var run = await FarmPrograms.RunCliAsync(dir.Path, Limit, "run", "--manifest", manifest, "--state-dir", dir.File("state"),
            "--slots", "2", "--progress", "none");

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        Assert.Contains("flaky: cancelled, stopped after 5 failed tasks (max-fails = 5)", run.Stdout);
        var rows = ResultsFile.Read(Path.Combine(dir.Path, "out", "flaky", "results.jsonl"));
        Assert.True(rows.Count < 100, $"{rows.Count} rows: the job was not stopped");
        Assert.True(rows.Count(r => r.Outcome() == "failed") >= 5);
        // What succeeded is kept: every task that is not a multiple of 3 and has a row succeeded.
        Assert.All(rows.Where(r => r.Index() % 3 != 0), r => Assert.Equal("succeeded", r.Outcome()));

        Assert.Equal(3, ResultsFile.Read(Path.Combine(dir.Path, "out", "wide", "results.jsonl")).Count(r => r.Outcome() == "succeeded"));
        foreach (var i in new[] { 0, 1, 2 })
            Assert.Equal("2 2", (await File.ReadAllTextAsync(dir.File($"env-{i}.txt"))).Trim());
    }
}
