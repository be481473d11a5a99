using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Node;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.TestKit;

namespace ActorFarm.Tests.Node;

/// <summary>
/// A task killed by a signal: near a stop it goes back unrun (the signal was most likely meant
/// for the whole node), otherwise it fails after a hold that starts nothing on its slot.
/// </summary>
public sealed class NodeSignalTests : NodeTestKit
{
    [Fact]
    public void A_task_killed_by_a_signal_just_before_the_node_stops_goes_back_unrun_instead_of_failing()
    {
        // The race of a plain scancel: SIGTERM kills the task (exit 143) before the node hears of
        // its own stop. A hold longer than the test: the stop surely comes within it.
        var (directory, jobs, node) = StartNode(s => s with { DrainGrace = TimeSpan.FromSeconds(10), InterruptedTaskHold = TimeSpan.FromMinutes(5) });
        using var output = new TempDirectory();
        var died = Path.Combine(output.Path, "died");
        var spec = ShellJob("killed", $"touch {died}; kill -TERM $$", 1, output.Path);
        node.Tell(new ActiveJobs([new ActiveJob("killed-1", spec.Name, 0, "life-1")]), directory.Ref);
        jobs.ExpectMsg<RequestTasks>();
        node.Tell(new TaskBatch("killed-1", "life-1", spec, [new TaskLease(0, 1)], Exhausted: true), jobs.Ref);
        // Let the task die and its exit reach the node (were it reported, a Failed result would come first).
        AwaitCondition(() => File.Exists(died), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20));
        Thread.Sleep(500);

        node.Tell(NodeSupervisor.StopSignalled.Instance);

        var result = ResultsOf(jobs, node, 1).Single();
        Assert.Equal((0L, 1, TaskOutcome.Returned, (int?)null), (result.Index, result.Attempt, result.Outcome, result.ExitCode));
        Assert.Contains("exit code 143", result.Error);
    }

    [Fact]
    public void A_slot_whose_task_died_of_a_signal_starts_nothing_during_the_hold_and_the_stop_gives_the_queued_task_back_unrun()
    {
        // The same race with a task queued behind the killed one: the slot must not start it, as
        // the stop on its way would kill it too (a run that stops at once kills running tasks).
        var (directory, jobs, node) = StartNode(s => s with { DrainGrace = TimeSpan.FromSeconds(10), InterruptedTaskHold = TimeSpan.FromMinutes(5) });
        using var output = new TempDirectory();
        var died = Path.Combine(output.Path, "died");
        var started = Path.Combine(output.Path, "started");
        var spec = ShellJob("killed", $"if [ \"$1\" = 0 ]; then touch {died}; kill -TERM $$; else touch {started}; fi", 2, output.Path);
        node.Tell(new ActiveJobs([new ActiveJob("killed-1", spec.Name, 0, "life-1")]), directory.Ref);
        jobs.ExpectMsg<RequestTasks>();
        node.Tell(new TaskBatch("killed-1", "life-1", spec, [new TaskLease(0, 1), new TaskLease(1, 1)], Exhausted: true), jobs.Ref);
        AwaitCondition(() => File.Exists(died), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20));
        // Were the slot freed at once, task 1 would start within milliseconds of task 0's death.
        jobs.ExpectNoMsg(TimeSpan.FromSeconds(1));
        Assert.False(File.Exists(started), "a task started on the slot during the hold");

        node.Tell(NodeSupervisor.StopSignalled.Instance);
        var held = ResultsOf(jobs, node, 1).Single();
        Assert.Equal((0L, TaskOutcome.Returned), (held.Index, held.Outcome));
        jobs.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.False(File.Exists(started), "a queued task started after the stop signal");

        node.Tell(new NodeSupervisor.Drain(TimeSpan.FromSeconds(10)), TestActor);
        var givenBack = jobs.ExpectMsg<ReturnLeases>(TimeSpan.FromSeconds(20));
        Assert.Equal([1L], givenBack.Leases.Select(l => l.Index));
        var drained = ExpectMsg<NodeSupervisor.Drained>(TimeSpan.FromSeconds(20));
        Assert.Equal((0, 2), (drained.Finished, drained.Returned));
        Assert.False(File.Exists(started));
    }

    [Fact]
    public void A_task_killed_by_a_signal_while_the_node_keeps_serving_is_reported_failed_after_the_hold()
    {
        var (directory, jobs, node) = StartNode(s => s with { InterruptedTaskHold = TimeSpan.FromMilliseconds(200) });
        using var output = new TempDirectory();
        var spec = ShellJob("killed", "kill -TERM $$", 1, output.Path);
        node.Tell(new ActiveJobs([new ActiveJob("killed-1", spec.Name, 0, "life-1")]), directory.Ref);
        jobs.ExpectMsg<RequestTasks>();
        node.Tell(new TaskBatch("killed-1", "life-1", spec, [new TaskLease(0, 1)], Exhausted: true), jobs.Ref);

        var result = ResultsOf(jobs, node, 1).Single();
        Assert.Equal((TaskOutcome.Failed, (int?)143), (result.Outcome, result.ExitCode));
    }
}
