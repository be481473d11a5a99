using Xunit;
using static ActorFarm.Testing.ExecutionTestSupport;

namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// No task process outlives its farm, on the real program: `actorfarm run` stopped by SIGTERM
/// (what scancel and systemd send) or killed with SIGKILL mid-task leaves none of its tasks'
/// descendants running, setsid and re-parented ones included; a task that exits leaves none
/// running while the farm goes on, and the farm leaves no zombie behind.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FarmTreeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sigterm_mid_task_kills_every_descendant_and_a_finished_task_leaves_none()
    {
        using var dir = new TempDirectory("actorfarm-trees");
        var left = ProcessTable.UniqueSleepArgument();   // what task 1 leaves behind when it exits
        var running = ProcessTable.UniqueSleepArgument(); // task 2's descendants, running at SIGTERM
        var manifest = Manifest(dir, $$"""
            sweep { i = { from = 1, to = 2 } }
            command = "if [ ${i} = 1 ]; then (setsid sleep {{left}} & echo $! > left.pid); echo exited > one.done; else {{Descendants(running)}} sleep 400; fi"
            """);
        await using var farm = StartRun(dir, manifest);

        // Task 1 exited; the grandchild it left in a session of its own went with it.
        Assert.True(await Eventually(() => File.Exists(dir.File("one.done")) && File.Exists(dir.File("left.pid")), Limit), farm.Tail());
        Assert.True(await Eventually(() => ProcessTable.LiveWithArgument(left).Count == 0, Limit),
            $"task 1's setsid grandchild outlived its task:\n{farm.Tail()}");
        Assert.True(await Eventually(() => ProcessTable.LiveWithArgument(running).Count == 3, Limit), farm.Tail());
        Assert.True(await Eventually(() => ProcessTable.ZombieChildrenOf(farm.Pid).Count == 0, Limit),
            $"the farm left zombies: {string.Join(", ", ProcessTable.ZombieChildrenOf(farm.Pid))}");

        await farm.TerminateAsync(Limit);

        // Killed by the farm's own shutdown, before it exited.
        Assert.Empty(ProcessTable.LiveWithArgument(running));
    }

    [Fact]
    public async Task Sigkill_of_the_farm_still_kills_every_descendant_of_its_tasks()
    {
        using var dir = new TempDirectory("actorfarm-trees");
        var running = ProcessTable.UniqueSleepArgument();
        var manifest = Manifest(dir, $"command = \"{Descendants(running)} sleep 400\"");
        await using var farm = StartRun(dir, manifest);
        Assert.True(await Eventually(() => ProcessTable.LiveWithArgument(running).Count == 3, Limit), farm.Tail());

        await farm.KillHardAsync();

        // The farm ran no code of its own: its watchdog saw the farm's pipe close.
        Assert.True(await Eventually(() => ProcessTable.LiveWithArgument(running).Count == 0, Limit),
            $"descendants outlived the SIGKILLed farm: {string.Join(", ", ProcessTable.LiveWithArgument(running))}");
    }

    /// <summary>A setsid descendant from a subshell (an orphan at once), a setsid one and a plain background one.</summary>
    private static string Descendants(string marker) =>
        $"(setsid sleep {marker} &); setsid sleep {marker} & sleep {marker} &";

    private static string Manifest(TempDirectory dir, string jobBody)
    {
        var path = dir.File("trees.hocon");
        File.WriteAllText(path, $$"""
            jobs {
              trees {
                shell = true
                {{jobBody}}
                workdir = "{{dir.Path}}"
                output { directory = "out", capture = none }
              }
            }
            """);
        return path;
    }

    private static ChildProcess StartRun(TempDirectory dir, string manifest) =>
        ChildProcess.StartDotnet(FarmPrograms.CliPath,
            ["run", "--manifest", manifest, "--state-dir", dir.File("state"), "--slots", "2", "--progress", "none"], dir.Path, label: "actorfarm run");
}
