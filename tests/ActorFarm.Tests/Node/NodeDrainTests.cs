using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Node;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.TestKit;

namespace ActorFarm.Tests.Node;

/// <summary>
/// A node asked to leave, or with a scheduled leave: it drains (queued tasks go back, running
/// ones finish within the grace) and refuses tasks that would outlast the leave.
/// </summary>
public sealed class NodeDrainTests : NodeTestKit
{
    [Fact]
    public void Draining_returns_queued_tasks_finishes_the_running_one_and_waits_for_its_acknowledgement()
    {
        var (directory, jobs, node) = StartNode(s => s with { DrainGrace = TimeSpan.FromSeconds(10) });
        using var output = new TempDirectory();
        var spec = Specs.Handler("drain", "sleep", 10, output.Path, new() { ["seconds"] = "0.5" });
        node.Tell(new ActiveJobs([new ActiveJob("drain-1", spec.Name, 0, "life-1")]), directory.Ref);
        jobs.ExpectMsg<RequestTasks>();
        // More than asked: one runs, one waits in the queue.
        node.Tell(new TaskBatch("drain-1", "life-1", spec, [new TaskLease(0, 1), new TaskLease(1, 1)], Exhausted: false), jobs.Ref);

        node.Tell(new NodeSupervisor.Drain(TimeSpan.FromSeconds(10)), TestActor);

        var returned = jobs.FishForMessage<ReturnLeases>(_ => true);
        Assert.Equal([new TaskLease(1, 1)], returned.Leases);
        var results = jobs.FishForMessage<TaskResults>(_ => true, TimeSpan.FromSeconds(10));
        Assert.Equal(0, results.Results.Single().Index);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // not drained while the result is unacknowledged
        node.Tell(new ResultsAcknowledged("drain-1", results.BatchId), jobs.Ref);
        var drained = ExpectMsg<NodeSupervisor.Drained>();
        Assert.Equal((1, 1), (drained.Finished, drained.Returned));
    }

    /// <summary>A process job whose task <c>i</c> runs <paramref name="script"/> (with <c>$1</c> = i).</summary>

    [Fact]
    public void While_the_node_drains_a_failing_task_goes_back_and_a_succeeding_one_is_reported()
    {
        // Both wait until the node drains; then task 0 exits 1 (as a task that caught the stop
        // signal and ended its own way would), task 1 succeeds.
        var (directory, jobs, node) = StartNode(s => s with { Slots = 2 });
        using var output = new TempDirectory();
        var marker = Path.Combine(output.Path, "draining");
        var spec = ShellJob("drained", $"while [ ! -e {marker} ]; do sleep 0.05; done; [ \"$1\" = 1 ]", 2, output.Path);
        node.Tell(new ActiveJobs([new ActiveJob("drained-1", spec.Name, 0, "life-1")]), directory.Ref);
        jobs.ExpectMsg<RequestTasks>();
        node.Tell(new TaskBatch("drained-1", "life-1", spec, [new TaskLease(0, 1), new TaskLease(1, 1)], Exhausted: true), jobs.Ref);

        node.Tell(new NodeSupervisor.Drain(TimeSpan.FromMinutes(1)), TestActor);
        File.WriteAllText(marker, "");

        var results = ResultsOf(jobs, node, 2).OrderBy(r => r.Index).ToArray();
        Assert.Equal([TaskOutcome.Returned, TaskOutcome.Succeeded], results.Select(r => r.Outcome));
        var drained = ExpectMsg<NodeSupervisor.Drained>(TimeSpan.FromSeconds(20));
        Assert.Equal((1, 1), (drained.Finished, drained.Returned));
    }

    [Fact]
    public void A_task_expected_to_outlast_the_scheduled_leave_goes_back_and_its_job_is_not_asked_again()
    {
        var leaveAt = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2);
        var (directory, jobs, node) = StartNode(s => s with { LeaveAt = leaveAt, DrainGrace = TimeSpan.FromSeconds(1) });
        using var output = new TempDirectory();
        var tooLong = Specs.Handler("long", "noop", 5, output.Path) with { ExpectedDuration = TimeSpan.FromMinutes(10), Priority = 1 };
        var shortOnes = Specs.Handler("short", "noop", 5, output.Path) with { ExpectedDuration = TimeSpan.FromSeconds(1) };
        node.Tell(new ActiveJobs([new ActiveJob("long-1", "long", 1, "l"), new ActiveJob("short-1", "short", 0, "s")]), directory.Ref);

        Assert.Equal("long-1", jobs.ExpectMsg<RequestTasks>().JobId);
        node.Tell(new TaskBatch("long-1", "l", tooLong, [new TaskLease(0, 1)], Exhausted: false), jobs.Ref);

        var returned = jobs.FishForMessage<ReturnLeases>(_ => true);
        Assert.Equal("long-1", returned.JobId);
        // From now on only the job whose tasks fit is asked.
        var next = jobs.FishForMessage<RequestTasks>(_ => true);
        Assert.Equal("short-1", next.JobId);
        node.Tell(new TaskBatch("short-1", "s", shortOnes, [new TaskLease(0, 1)], Exhausted: true), jobs.Ref);
        var ran = jobs.FishForMessage<TaskResults>(_ => true);
        Assert.Equal(("short-1", TaskOutcome.Succeeded), (ran.JobId, ran.Results.Single().Outcome));
    }

    [Fact]
    public void Near_a_scheduled_leave_only_tasks_that_declare_a_duration_that_fits_still_start()
    {
        // Less than the drain grace is left before the node's work ends: a task of unknown
        // duration could be cut, one declared to take 1 s still fits.
        var leaveAt = DateTimeOffset.UtcNow + NodeSettings.From(Sys.Settings.Config, "n1").LeaveAtMargin + TimeSpan.FromSeconds(20);
        var (directory, jobs, node) = StartNode(s => s with { LeaveAt = leaveAt, DrainGrace = TimeSpan.FromSeconds(30) });
        using var output = new TempDirectory();
        var openEnded = Specs.Handler("open", "noop", 5, output.Path) with { Priority = 1 };
        var declared = Specs.Handler("declared", "noop", 5, output.Path) with { ExpectedDuration = TimeSpan.FromSeconds(1) };
        node.Tell(new ActiveJobs([new ActiveJob("open-1", "open", 1, "o"), new ActiveJob("declared-1", "declared", 0, "d")]), directory.Ref);

        Assert.Equal("open-1", jobs.ExpectMsg<RequestTasks>().JobId);
        node.Tell(new TaskBatch("open-1", "o", openEnded, [new TaskLease(0, 1)], Exhausted: false), jobs.Ref);

        Assert.Equal("open-1", jobs.FishForMessage<ReturnLeases>(_ => true).JobId);
        Assert.Equal("declared-1", jobs.FishForMessage<RequestTasks>(_ => true).JobId);
        node.Tell(new TaskBatch("declared-1", "d", declared, [new TaskLease(0, 1)], Exhausted: true), jobs.Ref);
        var ran = jobs.FishForMessage<TaskResults>(_ => true);
        Assert.Equal(("declared-1", TaskOutcome.Succeeded), (ran.JobId, ran.Results.Single().Outcome));
    }

    [Fact]
    public void A_drain_under_a_leave_time_gives_running_tasks_only_what_is_left_before_it()
    {
        var now = DateTimeOffset.UtcNow;
        var configured = NodeSettings.From(Sys.Settings.Config, "n1");
        var settings = configured with
        {
            DrainGrace = TimeSpan.FromSeconds(10),
            LeaveAt = now + configured.LeaveAtMargin + TimeSpan.FromSeconds(4),
        };

        Assert.Equal(TimeSpan.FromSeconds(4), settings.GraceAt(now));
        Assert.Equal(TimeSpan.FromSeconds(10), settings.GraceAt(now - TimeSpan.FromSeconds(60)));
        Assert.Equal(TimeSpan.Zero, settings.GraceAt(now + TimeSpan.FromSeconds(60)));
        Assert.Equal(TimeSpan.FromSeconds(10), (settings with { LeaveAt = null }).GraceAt(now));
        // The scheduled drain starts leave-at-drain-lead before the leave time (farm.hocon: 7 s).
        Assert.Equal(settings.LeaveAt - TimeSpan.FromSeconds(7), settings.DrainAt);
    }
}
