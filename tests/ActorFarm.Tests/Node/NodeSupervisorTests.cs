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
        AwaitCondition(() => File.Exists(died), TimeSpan.FromSeconds(20));
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
        var leaveAt = DateTimeOffset.UtcNow + NodeSettings.LeaveMargin + TimeSpan.FromSeconds(20);
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
        var settings = NodeSettings.From(Sys.Settings.Config, "n1") with
        {
            DrainGrace = TimeSpan.FromSeconds(10),
            LeaveAt = now + NodeSettings.LeaveMargin + TimeSpan.FromSeconds(4),
        };

        Assert.Equal(TimeSpan.FromSeconds(4), settings.GraceAt(now));
        Assert.Equal(TimeSpan.FromSeconds(10), settings.GraceAt(now - TimeSpan.FromSeconds(60)));
        Assert.Equal(TimeSpan.Zero, settings.GraceAt(now + TimeSpan.FromSeconds(60)));
        Assert.Equal(TimeSpan.FromSeconds(10), (settings with { LeaveAt = null }).GraceAt(now));
        Assert.Equal(settings.LeaveAt - NodeSettings.LeaveMargin - NodeSettings.ScheduledDrain, settings.DrainAt);
    }

    [Fact]
    public void A_node_never_asks_a_job_whose_handler_it_lacks_and_gives_back_leases_it_gets_anyway()
    {
        var (directory, jobs, node) = StartNode(s => s with { Handlers = new HashSet<string> { "noop" } });
        using var output = new TempDirectory();
        var foreign = Specs.Handler("foreign", LargeMessageHandler.HandlerName, 5, output.Path, new() { ["bytes"] = "10" }) with { Priority = 1 };
        var local = Specs.Handler("local", "noop", 5, output.Path);

        // The directory names the handler: the higher-priority job is skipped.
        node.Tell(new ActiveJobs([new ActiveJob("foreign-1", "foreign", 1, "f", LargeMessageHandler.HandlerName),
            new ActiveJob("local-1", "local", 0, "l")]), directory.Ref);
        Assert.Equal("local-1", jobs.ExpectMsg<RequestTasks>().JobId);

        // A directory that did not know the handler (it had just moved): the leases go back unrun,
        // and the job is not asked again.
        node.Tell(new ActiveJobs([new ActiveJob("foreign-2", "foreign", 1, "f")]), directory.Ref);
        var request = jobs.FishForMessage<RequestTasks>(r => r.JobId == "foreign-2");
        node.Tell(new TaskBatch("foreign-2", "f", foreign, [new TaskLease(0, 1), new TaskLease(1, 1)], Exhausted: false), jobs.Ref);
        var returned = jobs.ExpectMsg<ReturnLeases>();
        Assert.Equal(("foreign-2", 2), (returned.JobId, returned.Leases.Length));
        jobs.ExpectNoMsg(TimeSpan.FromSeconds(4)); // past a request timeout: still not asked
        Assert.True(request.NeedSpec);
    }

    [Fact]
    public void A_node_advertises_its_handlers_when_it_registers()
    {
        var directory = CreateTestProbe("directory");
        var settings = NodeSettings.From(Sys.Settings.Config, "n1", slotsOverride: 1) with { Handlers = new HashSet<string> { "sleep", "noop" } };

        Sys.ActorOf(NodeSupervisor.Props(settings, directory.Ref, CreateTestProbe().Ref, new TaskExecutor(TaskHandlerRegistry.CreateDefault())));

        Assert.Equal(["noop", "sleep"], directory.ExpectMsg<RegisterNode>().Handlers!);
    }

    [Fact]
    public void Large_results_go_back_in_batches_that_fit_the_frame_and_an_oversized_text_is_cut()
    {
        // A 64 KiB frame: each message may hold 32 KiB, a result's text at most 16 KiB.
        var limits = new WireLimits(64 * 1024, 16 * 1024);
        var directory = CreateTestProbe("directory");
        var jobs = CreateTestProbe("jobs");
        var settings = NodeSettings.From(Sys.Settings.Config, "n1", slotsOverride: 2) with { Wire = limits };
        var handlers = TaskHandlerRegistry.CreateDefault().Register(new LargeMessageHandler());
        var node = Sys.ActorOf(NodeSupervisor.Props(settings, directory.Ref, jobs.Ref, new TaskExecutor(handlers)));
        directory.ExpectMsg<RegisterNode>();
        using var output = new TempDirectory();
        var spec = Specs.Handler("big", LargeMessageHandler.HandlerName, 40, output.Path, new() { ["bytes"] = "${bytes}" }) with
        {
            Sweep = new SweepSpec { Axes = [new ListAxis { Name = "bytes", Values = [.. Enumerable.Repeat("6000", 39), "100000"] }] },
        };
        node.Tell(new ActiveJobs([new ActiveJob("big-1", "big", 0, "b", LargeMessageHandler.HandlerName)]), directory.Ref);
        jobs.ExpectMsg<RequestTasks>();
        node.Tell(new TaskBatch("big-1", "b", spec, Enumerable.Range(0, 40).Select(i => new TaskLease(i, 1)).ToArray(), Exhausted: true), jobs.Ref);

        var batches = new List<TaskResults>();
        while (batches.Sum(b => b.Results.Length) < 40)
            batches.Add(jobs.FishForMessage<TaskResults>(_ => true, TimeSpan.FromSeconds(10)));

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), batches.SelectMany(b => b.Results).Select(r => r.Index).Order());
        var serializer = Sys.Serialization.FindSerializerForType(typeof(TaskResults));
        Assert.All(batches, b => Assert.True(serializer.ToBinary(b).Length <= limits.MessageBudget, $"batch {b.BatchId}: {serializer.ToBinary(b).Length} bytes"));
        Assert.True(batches.Count >= 8, $"{batches.Count} batches");
        Assert.Equal(batches.Count, batches.Select(b => b.BatchId).Distinct().Count());
        var cut = batches.SelectMany(b => b.Results).Single(r => r.Index == 39);
        Assert.Matches(@"…\[truncated \d+ bytes\]$", cut.Message);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(cut.Message!) <= limits.ResultTextLimit);
        Assert.All(batches.SelectMany(b => b.Results).Where(r => r.Index != 39), r => Assert.Equal(6000, r.Message!.Length));
    }

    [Fact]
    public void A_result_batch_that_is_never_acknowledged_is_sent_again_until_it_is()
    {
        var (directory, jobs, node) = StartNode(s => s with { UnackedResendAfter = TimeSpan.FromSeconds(1), RequestTimeout = TimeSpan.FromMilliseconds(300) });
        using var output = new TempDirectory();
        var spec = Specs.Handler("lost", "noop", 1, output.Path);
        node.Tell(new ActiveJobs([new ActiveJob("lost-1", "lost", 0, "l")]), directory.Ref);
        jobs.ExpectMsg<RequestTasks>();
        node.Tell(new TaskBatch("lost-1", "l", spec, [new TaskLease(0, 1)], Exhausted: true), jobs.Ref);

        // The first send is lost (dropped by remoting, say): nothing acknowledges it.
        var first = jobs.FishForMessage<TaskResults>(_ => true);
        var again = jobs.FishForMessage<TaskResults>(_ => true, TimeSpan.FromSeconds(10));

        Assert.Equal(first.BatchId, again.BatchId);
        Assert.Equal(first.Results, again.Results);
        node.Tell(new ResultsAcknowledged("lost-1", again.BatchId), jobs.Ref);
        // Acknowledged: never sent again (the node keeps polling the job meanwhile).
        var quietUntil = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (DateTime.UtcNow < quietUntil)
            Assert.IsNotType<TaskResults>(jobs.ReceiveOne(quietUntil - DateTime.UtcNow) ?? "nothing");
    }
}
