using ActorFarm.Node.Execution;
using ActorFarm.Node.Execution.Trees;
using static ActorFarm.Testing.ExecutionTestSupport;
using Xunit;

namespace ActorFarm.IntegrationTests.Execution;

/// <summary>
/// A task's processes end with it: timeout, cancellation, the task's own exit and the end of the
/// executor kill every descendant, also one that called setsid from a subshell (re-parented
/// away from the task at once) — with each mechanism that keeps the trees. The descendants are
/// real sleeps found in /proc by a unique argument, wherever they were re-parented.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProcessTreeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Mechanisms => new() { "cgroup", "markers" };

    /// <summary>
    /// Three descendants of <c>sleep M</c>: a setsid one from a subshell (an orphan from the
    /// start, out of the task's session and parentage), a setsid one and a plain background one.
    /// </summary>
    private static string Descendants(string marker) =>
        $"(setsid sleep {marker} &); setsid sleep {marker} & sleep {marker} &";

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task Timeout_kills_every_descendant_also_setsid_and_reparented_ones(string mechanism)
    {
        using var dir = new TempDirectory();
        await using var executor = NewExecutor(mechanism);
        var marker = ProcessTable.UniqueSleepArgument();
        var job = ProcessJob(dir.Path, timeout: TimeSpan.FromSeconds(3));

        var running = executor.ExecuteAsync(job, Shell(0, Descendants(marker) + " sleep 400"), 1, "n", default);
        var seen = await AwaitDescendants(marker, running);
        var outcome = await running.WaitAsync(Limit);

        Assert.Equal(TaskEndReason.TimedOut, outcome.Reason);
        await AssertAllGone(marker, seen);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task Cancellation_kills_every_descendant_also_setsid_and_reparented_ones(string mechanism)
    {
        using var dir = new TempDirectory();
        await using var executor = NewExecutor(mechanism);
        var marker = ProcessTable.UniqueSleepArgument();
        using var cancel = new CancellationTokenSource();

        var running = executor.ExecuteAsync(ProcessJob(dir.Path), Shell(0, Descendants(marker) + " sleep 400"), 1, "n", cancel.Token);
        var seen = await AwaitDescendants(marker, running);
        await cancel.CancelAsync();
        var outcome = await running.WaitAsync(Limit);

        Assert.Equal(TaskEndReason.Cancelled, outcome.Reason);
        await AssertAllGone(marker, seen);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task Descendants_left_running_end_with_the_task_that_exited(string mechanism)
    {
        using var dir = new TempDirectory();
        await using var executor = NewExecutor(mechanism);
        var marker = ProcessTable.UniqueSleepArgument();
        // The pids are written once each descendant exists, so they were running when the task exited.
        var command = $"(setsid sleep {marker} & echo $! > a.pid); setsid sleep {marker} & echo $! > b.pid; sleep {marker} & echo $! > c.pid; echo done";

        var outcome = await executor.ExecuteAsync(ProcessJob(dir.Path), Shell(0, command, dir.Path), 1, "n", default).WaitAsync(Limit);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("done\n", File.ReadAllText(OutFile(dir.Path, 0)));
        // The descendants held the task's pipes: killed with the task, they no longer keep it reading.
        Assert.DoesNotContain("kept the output open", outcome.Error ?? "");
        var pids = new[] { "a.pid", "b.pid", "c.pid" }.Select(f => int.Parse(File.ReadAllText(dir.File(f)).Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        await AssertAllGone(marker, pids);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task A_daemon_that_let_go_of_the_output_ends_with_its_task_or_at_the_latest_with_the_farm(string mechanism)
    {
        using var dir = new TempDirectory();
        var executor = NewExecutor(mechanism);
        var marker = ProcessTable.UniqueSleepArgument();
        // A daemon: its own session, stdin, stdout and stderr away from the task.
        var command = $"(setsid sleep {marker} < /dev/null > /dev/null 2>&1 &); echo done";

        var outcome = await executor.ExecuteAsync(ProcessJob(dir.Path), Shell(0, command, dir.Path), 1, "n", default).WaitAsync(Limit);
        Assert.True(outcome.Succeeded, outcome.Error);
        // The kernel knows the daemon is the task's. With markers nothing holds the task's output,
        // so the costly search is left to the farm's end (or made anyway if the output was slow to close).
        if (mechanism == "cgroup")
            await AssertAllGone(marker, []);

        await executor.DisposeAsync();
        await AssertAllGone(marker, []);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task Disposing_the_executor_kills_the_trees_of_tasks_still_running(string mechanism)
    {
        using var dir = new TempDirectory();
        var executor = NewExecutor(mechanism);
        var marker = ProcessTable.UniqueSleepArgument();

        var running = executor.ExecuteAsync(ProcessJob(dir.Path), Shell(0, Descendants(marker) + " sleep 400"), 1, "n", default);
        var seen = await AwaitDescendants(marker, running);
        await executor.DisposeAsync();

        Assert.Empty(ProcessTable.LiveWithArgument(marker)); // dead when dispose returns
        var outcome = await running.WaitAsync(Limit);
        Assert.False(outcome.Succeeded);
        await AssertAllGone(marker, seen);
    }

    [Fact]
    public async Task The_watchdog_script_kills_the_marked_trees_once_its_pipe_closes()
    {
        // The pipe closes when the farm process dies, however it dies (a SIGKILLed farm runs no
        // code of its own: FarmTreeTests shows that with a real farm process). Here a second
        // watchdog for the same farm has its pipe closed while the farm lives on.
        await using var trees = new MarkerTaskTrees();
        var marker = ProcessTable.UniqueSleepArgument();
        var info = new System.Diagnostics.ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Descendants(marker) + " exit 0");
        Assert.NotNull(trees.Contain(info, out _));
        using (var root = System.Diagnostics.Process.Start(info)!)
            await root.WaitForExitAsync();
        Assert.True(await Eventually(() => ProcessTable.LiveWithArgument(marker).Count == 3, Limit));

        FarmExitWatchdog.Start(MarkerTaskTrees.WatchdogScript, trees.Farm)!.Dispose();

        await AssertAllGone(marker, []);
    }

    [Fact]
    public async Task A_descendant_that_escaped_its_tree_does_not_hang_the_task_on_its_pipes()
    {
        // `env -i` clears the marker: the one escape from environment-marker trees (documented).
        using var dir = new TempDirectory();
        await using var executor = NewExecutor("markers");
        var marker = ProcessTable.UniqueSleepArgument();
        var outcome = await executor.ExecuteAsync(ProcessJob(dir.Path), Shell(0, $"echo before; env -i sleep {marker} & exit 0", dir.Path), 1, "n", default)
            .WaitAsync(Limit);
        try
        {
            Assert.True(outcome.Succeeded, outcome.Error);
            Assert.Contains("kept the output open", outcome.Error);
            Assert.Equal("before\n", File.ReadAllText(OutFile(dir.Path, 0)));
        }
        finally
        {
            foreach (var pid in ProcessTable.LiveWithArgument(marker))
                System.Diagnostics.Process.GetProcessById(pid).Kill();
        }
    }

    [Fact]
    public async Task The_setting_chooses_environment_markers_or_the_strongest_mechanism()
    {
        await using (var environment = TaskTrees.Factory("environment")())
            Assert.IsType<MarkerTaskTrees>(environment);
        await using (var auto = TaskTrees.Factory("auto")())
            Assert.Equal(CgroupTaskTrees.TryCreate(out _) is { } cgroup ? await Disposed(cgroup) : typeof(MarkerTaskTrees), auto.GetType());
        var bad = Assert.Throws<ArgumentException>(() => TaskTrees.Factory("cgroups"));
        Assert.Contains("actorfarm.node.process-trees must be 'auto' or 'environment', not 'cgroups'", bad.Message);

        static async Task<Type> Disposed(TaskTrees trees)
        {
            await trees.DisposeAsync();
            return trees.GetType();
        }
    }

    private static TaskExecutor NewExecutor(string mechanism) => new(TaskHandlerRegistry.CreateDefault(), mechanism switch
    {
        "cgroup" => () => CgroupTaskTrees.TryCreate(out var whyNot)
            ?? throw new InvalidOperationException("cgroup v2 task trees cannot be made here: " + whyNot),
        _ => () => new MarkerTaskTrees(),
    });

    /// <summary>Waits until the three descendants run; their pids.</summary>
    private static async Task<int[]> AwaitDescendants(string marker, Task<ExecutionOutcome> running)
    {
        IReadOnlyList<int> live = [];
        Assert.True(await Eventually(() => running.IsCompleted || (live = ProcessTable.LiveWithArgument(marker)).Count == 3, Limit),
            "the task's descendants did not start");
        Assert.False(running.IsCompleted, $"the task ended before its descendants ran: {(running.IsCompletedSuccessfully ? running.Result.Error : running.Exception?.Message)}");
        return [.. live];
    }

    /// <summary>No process of the tree is left, and none is a zombie this process failed to reap.</summary>
    private static async Task AssertAllGone(string marker, IReadOnlyCollection<int> pids)
    {
        Assert.True(await Eventually(() => ProcessTable.LiveWithArgument(marker).Count == 0, Limit),
            $"descendants survived: {string.Join(", ", ProcessTable.LiveWithArgument(marker))}");
        var zombies = ProcessTable.ZombieChildrenOf(Environment.ProcessId);
        Assert.Empty(pids.Intersect(zombies));
    }
}
