
namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// `actorfarm run` started with SIGCHLD ignored (inherited across exec, as some launchers and
/// daemons leave it): the kernel would reap every task process itself and no exit status could be
/// collected (the run once hung before its first task). The CLI puts the default action back.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class IgnoredChildSignalTests
{
    [Fact]
    public async Task A_run_started_with_SIGCHLD_ignored_collects_every_exit_code()
    {
        using var dir = new TempDirectory("actorfarm-sigchld");
        var manifest = dir.File("exits.hocon");
        await File.WriteAllTextAsync(manifest, """
            jobs {
              exits {
                command = ["/bin/sh", "-c", "exit $0", "${code}"]
                sweep { code = [0, 3] }
                retry { max-attempts = 1 }
                output { directory = "out", capture = none }
              }
            }
            """);
        // `trap '' CHLD` ignores SIGCHLD, and an ignored signal stays ignored across exec.
        await using var run = ChildProcess.Start("/bin/sh",
            ["-c", "trap '' CHLD; exec dotnet \"$0\" \"$@\"", FarmPrograms.CliPath,
             "run", "--manifest", manifest, "--state-dir", dir.File("state"), "--slots", "2", "--progress", "none"], dir.Path, label: "actorfarm run");
        var exit = await run.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exit == 1, $"exit {exit} (expected 1: one task exits 3)\n{run.Tail()}");
        var rows = ResultsFile.Read(dir.File("out/exits/results.jsonl")).OrderBy(r => r.Index()).ToList();
        Assert.Equal(["succeeded", "failed"], rows.Select(r => r.Outcome()));
        Assert.Equal(3, rows[1].GetProperty("exitCode").GetInt32());
    }
}
