using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Node;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.TestKit;

namespace ActorFarm.Tests.Node;

/// <summary>
/// The node supervisor's phases (Serving → Stopping → Draining → DrainComplete) and what each
/// transition does, with real workers and real in-process tasks, its job and directory played by
/// test probes. The transitions <see cref="NodeSupervisorTests"/> covers already (serving →
/// draining with a queued task, a stop during a signal's hold, failures while draining) are not repeated.
/// </summary>
public sealed class NodePhaseTests : NodeTestKit
{
    private static JobSpec Sleeping(string name, double seconds, string output) =>
        Specs.Handler(name, "sleep", 10, output, new() { ["seconds"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    [Fact]
    public void A_stopping_node_gives_back_leases_that_still_arrive_and_asks_for_no_more()
    {
        var (directory, jobs, node) = StartNode();
        using var output = new TempDirectory();
        var spec = Specs.Handler("stop", "noop", 10, output.Path);
        node.Tell(new ActiveJobs([new ActiveJob("stop-1", spec.Name, 0, "life-1")]), directory.Ref);
        jobs.ExpectMsg<RequestTasks>();

        node.Tell(NodeSupervisor.StopSignalled.Instance);
        // The answer to the request sent while serving.
        node.Tell(new TaskBatch("stop-1", "life-1", spec, [new TaskLease(0, 1), new TaskLease(1, 1)], Exhausted: false), jobs.Ref);

        var returned = jobs.ExpectMsg<ReturnLeases>();
        Assert.Equal("stop-1", returned.JobId);
        Assert.Equal([new TaskLease(0, 1), new TaskLease(1, 1)], returned.Leases);
        // A serving node would ask at once: more tasks, and a job with room again.
        node.Tell(new TasksAvailable("stop-1"), jobs.Ref);
        node.Tell(new ActiveJobs([new ActiveJob("stop-1", spec.Name, 0, "life-1")]), directory.Ref);
        jobs.ExpectNoMsg(TimeSpan.FromSeconds(1));

        node.Tell(new NodeSupervisor.Drain(TimeSpan.FromSeconds(10)), TestActor);
        Assert.Equal(0, ExpectMsg<NodeSupervisor.Drained>().Finished);
    }

    [Fact]
    public void A_result_acknowledged_while_the_node_stops_is_not_waited_for_by_the_drain()
    {
        // A flush interval longer than the test: a result sent at all was sent at once.
        var (directory, jobs, node) = StartNode(s => s with { ResultFlushInterval = TimeSpan.FromMinutes(5) });
        using var output = new TempDirectory();
        var spec = Sleeping("acked", 0.5, output.Path);
        node.Tell(new ActiveJobs([new ActiveJob("acked-1", spec.Name, 0, "life-1")]), directory.Ref);
        jobs.ExpectMsg<RequestTasks>();
        node.Tell(new TaskBatch("acked-1", "life-1", spec, [new TaskLease(0, 1)], Exhausted: true), jobs.Ref);

        node.Tell(NodeSupervisor.StopSignalled.Instance);
        var results = jobs.FishForMessage<TaskResults>(_ => true, TimeSpan.FromSeconds(10));
        Assert.Equal(TaskOutcome.Succeeded, results.Results.Single().Outcome);
        node.Tell(new ResultsAcknowledged("acked-1", results.BatchId), jobs.Ref);

        // Nothing runs and nothing waits for an acknowledgement: drained at once, well within the grace.
        node.Tell(new NodeSupervisor.Drain(TimeSpan.FromMinutes(5)), TestActor);
        var drained = ExpectMsg<NodeSupervisor.Drained>(TimeSpan.FromSeconds(10));
        // Finished before the drain began: not the drain's count.
        Assert.Equal((0, 0), (drained.Finished, drained.Returned));
    }

    [Fact]
    public void A_stop_signal_during_the_drain_changes_nothing_and_the_drain_still_ends()
    {
        var (directory, jobs, node) = StartNode();
        using var output = new TempDirectory();
        var spec = Sleeping("drain", 0.5, output.Path);
        node.Tell(new ActiveJobs([new ActiveJob("drain-1", spec.Name, 0, "life-1")]), directory.Ref);
        jobs.ExpectMsg<RequestTasks>();
        node.Tell(new TaskBatch("drain-1", "life-1", spec, [new TaskLease(0, 1)], Exhausted: true), jobs.Ref);

        node.Tell(new NodeSupervisor.Drain(TimeSpan.FromMinutes(1)), TestActor);
        node.Tell(NodeSupervisor.StopSignalled.Instance);

        var results = jobs.FishForMessage<TaskResults>(_ => true, TimeSpan.FromSeconds(10));
        Assert.Equal(TaskOutcome.Succeeded, results.Results.Single().Outcome);
        node.Tell(new ResultsAcknowledged("drain-1", results.BatchId), jobs.Ref);
        var drained = ExpectMsg<NodeSupervisor.Drained>(TimeSpan.FromSeconds(10));
        Assert.Equal((1, 0), (drained.Finished, drained.Returned));
    }

    [Fact]
    public void When_the_grace_is_over_a_running_task_goes_back_and_a_drain_asked_again_is_answered_again()
    {
        var (directory, jobs, node) = StartNode();
        using var output = new TempDirectory();
        var spec = Sleeping("long", 60, output.Path);
        node.Tell(new ActiveJobs([new ActiveJob("long-1", spec.Name, 0, "life-1")]), directory.Ref);
        jobs.ExpectMsg<RequestTasks>();
        node.Tell(new TaskBatch("long-1", "life-1", spec, [new TaskLease(0, 1)], Exhausted: true), jobs.Ref);

        node.Tell(new NodeSupervisor.Drain(TimeSpan.FromMilliseconds(500)), TestActor);

        var returned = jobs.FishForMessage<ReturnLeases>(_ => true, TimeSpan.FromSeconds(10));
        Assert.Equal([new TaskLease(0, 1)], returned.Leases);
        var drained = ExpectMsg<NodeSupervisor.Drained>(TimeSpan.FromSeconds(10));
        Assert.Equal((0, 1), (drained.Finished, drained.Returned));

        // A retry of the shutdown task: answered again, with the same counts.
        node.Tell(new NodeSupervisor.Drain(TimeSpan.FromMilliseconds(500)), TestActor);
        var again = ExpectMsg<NodeSupervisor.Drained>(TimeSpan.FromSeconds(10));
        Assert.Equal((0, 1), (again.Finished, again.Returned));
        // The killed task's own result is void: its lease went back already.
        ExpectNoResults(jobs, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void A_result_of_a_job_the_directory_no_longer_lists_is_kept_and_sent_again_until_acknowledged()
    {
        var (directory, jobs, node) = StartNode(s => s with { UnackedResendAfter = TimeSpan.FromSeconds(1), RequestTimeout = TimeSpan.FromMilliseconds(300) });
        using var output = new TempDirectory();
        var spec = Sleeping("ended", 60, output.Path);
        node.Tell(new ActiveJobs([new ActiveJob("ended-1", spec.Name, 0, "life-1")]), directory.Ref);
        jobs.ExpectMsg<RequestTasks>();
        node.Tell(new TaskBatch("ended-1", "life-1", spec, [new TaskLease(0, 1)], Exhausted: true), jobs.Ref);

        // The job ended elsewhere (cancelled): the node forgets it and kills its running task.
        node.Tell(new ActiveJobs([]), directory.Ref);
        var first = jobs.FishForMessage<TaskResults>(_ => true, TimeSpan.FromSeconds(10));
        Assert.Equal(("ended-1", TaskOutcome.Cancelled), (first.JobId, first.Results.Single().Outcome));

        // Unacknowledged, it is neither dropped by the next list nor left behind by a drain.
        node.Tell(new ActiveJobs([]), directory.Ref);
        node.Tell(new NodeSupervisor.Drain(TimeSpan.FromMinutes(1)), TestActor);
        var again = jobs.FishForMessage<TaskResults>(_ => true, TimeSpan.FromSeconds(10));
        Assert.Equal(first.BatchId, again.BatchId);
        Assert.Equal(first.Results, again.Results);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        node.Tell(new ResultsAcknowledged("ended-1", again.BatchId), jobs.Ref);
        ExpectMsg<NodeSupervisor.Drained>(TimeSpan.FromSeconds(10));
    }

    private static void ExpectNoResults(TestProbe jobs, TimeSpan during)
    {
        var quietUntil = DateTime.UtcNow + during;
        while (DateTime.UtcNow < quietUntil)
            Assert.IsNotType<TaskResults>(jobs.ReceiveOne(quietUntil - DateTime.UtcNow) ?? "nothing");
    }
}
