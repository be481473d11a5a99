using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Node;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;
using ActorFarm.Tests.Support;
using Akka.Actor;
using Akka.TestKit;

namespace ActorFarm.Tests.Node;

/// <summary>
/// A node supervisor with real workers and real in-process tasks, its job and directory played by
/// test probes: draining on leave, and refusing tasks that would outlast a scheduled leave.
/// </summary>
public sealed class NodeSupervisorTests() : Akka.TestKit.Xunit2.TestKit(TestFarm.TestConfig.WithFallback(FarmConfig.Base()))
{

    private (TestProbe Directory, TestProbe Jobs, IActorRef Node) StartNode(Func<NodeSettings, NodeSettings> configure)
    {
        var directory = CreateTestProbe("directory");
        var jobs = CreateTestProbe("jobs");
        var settings = configure(NodeSettings.From(Sys.Settings.Config, "n1", slotsOverride: 1));
        var node = Sys.ActorOf(NodeSupervisor.Props(settings, directory.Ref, jobs.Ref, new TaskExecutor(TaskHandlerRegistry.CreateDefault())));
        directory.ExpectMsg<RegisterNode>();
        return (directory, jobs, node);
    }

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
    private static JobSpec ShellJob(string name, string script, int tasks, string output) =>
        Specs.Process(name, ["/bin/sh", "-c", script, "task", "${index}"], [new IntRangeAxis { Name = "i", From = 0, To = tasks - 1 }], output,
            capture: OutputCapture.None);

    /// <summary>The next <paramref name="count"/> results the node sends, acknowledging each batch as the job would.</summary>
    private static TaskResult[] ResultsOf(TestProbe jobs, IActorRef node, int count)
    {
        var results = new List<TaskResult>();
        while (results.Count < count)
        {
            var batch = jobs.FishForMessage<TaskResults>(_ => true, TimeSpan.FromSeconds(20));
            results.AddRange(batch.Results);
            node.Tell(new ResultsAcknowledged(batch.JobId, batch.BatchId), jobs.Ref);
        }
        return [.. results];
    }

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
        AwaitCondition(() => File.Exists(died), TimeSpan.FromSeconds(20));
        Thread.Sleep(500);

        node.Tell(NodeSupervisor.StopSignalled.Instance);

        var result = ResultsOf(jobs, node, 1).Single();
        Assert.Equal((0L, 1, TaskOutcome.Returned, (int?)null), (result.Index, result.Attempt, result.Outcome, result.ExitCode));
        Assert.Contains("exit code 143", result.Error);
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
}
