using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Node;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.TestKit;

namespace ActorFarm.Tests.Node;

/// <summary>
/// Tasks of several slots (<c>cpus = k</c>): a node counts its capacity in slots. Concurrency is
/// measured by real overlap: every task holds a gate until the test opens it, and the gate counts
/// how many hold it at once.
/// </summary>
public sealed class NodeSlotsTests() : Akka.TestKit.Xunit2.TestKit(NodeTestKit.LocalSystemConfig)
{
    /// <summary>A handler whose tasks wait until released, counting how many wait at once.</summary>
    private sealed class GateHandler : ITaskHandler
    {
        private readonly SemaphoreSlim _release = new(0);
        private int _running;
        private int _maxRunning;
        private int _started;

        public string Name => "gate";

        public int Running => Volatile.Read(ref _running);

        public int MaxRunning => Volatile.Read(ref _maxRunning);

        public int Started => Volatile.Read(ref _started);

        public void Release(int tasks) => _release.Release(tasks);

        public async ValueTask<HandlerResult> RunAsync(HandlerContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _started);
            var now = Interlocked.Increment(ref _running);
            int seen;
            while (now > (seen = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, now, seen) != seen)
            {
            }
            try
            {
                await _release.WaitAsync(cancellationToken);
                return HandlerResult.Success;
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }

    private (TestProbe Directory, TestProbe Jobs, IActorRef Node, GateHandler Gate) StartNode(int slots, TimeSpan? requestTimeout = null)
    {
        var directory = CreateTestProbe("directory");
        var jobs = CreateTestProbe("jobs");
        var gate = new GateHandler();
        var settings = NodeSettings.From(Sys.Settings.Config, "n1", slotsOverride: slots) with { RegisterInterval = TimeSpan.FromMilliseconds(200) };
        if (requestTimeout is { } timeout) settings = settings with { RequestTimeout = timeout };
        var node = Sys.ActorOf(NodeSupervisor.Props(settings, directory.Ref, jobs.Ref,
            new TaskExecutor(TaskHandlerRegistry.CreateDefault().Register(gate))));
        directory.ExpectMsg<RegisterNode>();
        return (directory, jobs, node, gate);
    }

    /// <summary>Every result of the job until <paramref name="count"/> arrived, acknowledging each batch.</summary>
    private static List<TaskResult> Collect(TestProbe jobs, IActorRef node, int count)
    {
        var results = new List<TaskResult>();
        while (results.Count < count)
        {
            var batch = jobs.FishForMessage<TaskResults>(_ => true, TimeSpan.FromSeconds(20));
            results.AddRange(batch.Results);
            node.Tell(new ResultsAcknowledged(batch.JobId, batch.BatchId), jobs.Ref);
        }
        return results;
    }

    [Fact]
    public void A_job_of_two_cpus_runs_at_most_two_tasks_at_once_on_a_node_of_four_slots()
    {
        var (directory, jobs, node, gate) = StartNode(slots: 4);
        using var output = new TempDirectory();
        var spec = Specs.Handler("wide", "gate", 6, output.Path) with { Cpus = 2 };
        node.Tell(new ActiveJobs([new ActiveJob("wide-1", "wide", 0, "w", "gate", Cpus: 2)]), directory.Ref);

        // Credits are slots: 4 free slots make 2 tasks of 2, and no prefetch for wide tasks.
        Assert.Equal(2, jobs.ExpectMsg<RequestTasks>().Credits);
        // More than asked (as a job answering an earlier request would): the rest wait in the queue.
        node.Tell(new TaskBatch("wide-1", "w", spec, Enumerable.Range(0, 6).Select(i => new TaskLease(i, 1)).ToArray(), Exhausted: true), jobs.Ref);

        AwaitCondition(() => gate.Running == 2, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        // The heartbeat counts the slots held, not the workers busy.
        directory.FishForMessage<RegisterNode>(r => r.Busy == 4, TimeSpan.FromSeconds(5));
        // Two workers are idle, but the slots are taken: nothing else starts.
        jobs.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, gate.Started);

        // Each task that ends frees two slots, which the next one takes.
        for (var released = 1; released <= 4; released++)
        {
            gate.Release(1);
            var expected = released + 2;
            AwaitCondition(() => gate.Started == expected, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        }
        gate.Release(2);

        var results = Collect(jobs, node, 6);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), results.Select(r => r.Index).Order());
        Assert.All(results, r => Assert.Equal(TaskOutcome.Succeeded, r.Outcome));
        Assert.Equal(2, gate.MaxRunning);
    }

    [Fact]
    public void A_wide_task_waits_for_its_slots_and_one_slot_tasks_queued_behind_it_do_not_overtake_it()
    {
        var (directory, jobs, node, gate) = StartNode(slots: 4);
        using var output = new TempDirectory();
        var narrow = Specs.Handler("narrow", "gate", 3, output.Path);
        var wide = Specs.Handler("wide", "gate", 1, output.Path) with { Cpus = 3 };
        node.Tell(new ActiveJobs([new ActiveJob("narrow-1", "narrow", 1, "n", "gate"), new ActiveJob("wide-1", "wide", 0, "w", "gate", Cpus: 3)]),
            directory.Ref);
        jobs.FishForMessage<RequestTasks>(r => r.JobId == "narrow-1");
        // Two one-slot tasks run; a task of three slots, then a third one-slot task, arrive behind them.
        node.Tell(new TaskBatch("narrow-1", "n", narrow, [new TaskLease(0, 1), new TaskLease(1, 1)], Exhausted: true), jobs.Ref);
        AwaitCondition(() => gate.Running == 2, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        node.Tell(new TaskBatch("wide-1", "w", wide, [new TaskLease(0, 1)], Exhausted: true), jobs.Ref);
        node.Tell(new TaskBatch("narrow-1", "n", narrow, [new TaskLease(2, 1)], Exhausted: true), jobs.Ref);

        // Two slots are free, too few for the wide task; the narrow one behind it waits too.
        jobs.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, gate.Started);

        gate.Release(1); // one narrow task ends: 3 free, the wide task starts, and only it
        AwaitCondition(() => gate.Started == 3, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        Collect(jobs, node, 1);
        jobs.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(3, gate.Started);
        Assert.Equal(2, gate.Running); // the wide task (3 slots) and a narrow one (1): the node is full

        gate.Release(1);
        AwaitCondition(() => gate.Started == 4, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        gate.Release(2);
        Collect(jobs, node, 3);
        Assert.True(gate.MaxRunning <= 3);
    }

    [Fact]
    public void A_node_never_asks_a_job_whose_tasks_take_more_slots_than_it_has_and_gives_back_leases_it_gets_anyway()
    {
        // A short request timeout: the quiet period below must outlast it.
        var (directory, jobs, node, _) = StartNode(slots: 4, requestTimeout: TimeSpan.FromMilliseconds(500));
        using var output = new TempDirectory();
        var huge = Specs.Handler("huge", "noop", 3, output.Path) with { Cpus = 5, Priority = 1 };

        node.Tell(new ActiveJobs([new ActiveJob("huge-1", "huge", 1, "h", "noop", Cpus: 5), new ActiveJob("small-1", "small", 0, "s", "noop")]),
            directory.Ref);
        Assert.Equal("small-1", jobs.ExpectMsg<RequestTasks>().JobId);

        // A directory that did not know the job's cpus (it had just moved): the leases go back unrun.
        node.Tell(new ActiveJobs([new ActiveJob("huge-2", "huge", 1, "h", "noop")]), directory.Ref);
        jobs.FishForMessage<RequestTasks>(r => r.JobId == "huge-2");
        node.Tell(new TaskBatch("huge-2", "h", huge, [new TaskLease(0, 1), new TaskLease(1, 1)], Exhausted: false), jobs.Ref);
        var returned = jobs.FishForMessage<ReturnLeases>(_ => true);
        Assert.Equal(("huge-2", 2), (returned.JobId, returned.Leases.Length));
        // Now the node knows the spec: the job is not asked again, past three request timeouts.
        var quietUntil = DateTime.UtcNow + TimeSpan.FromSeconds(1.5);
        while (DateTime.UtcNow < quietUntil)
            Assert.False(jobs.ReceiveOne(quietUntil - DateTime.UtcNow) is RequestTasks { JobId: "huge-2" }, "the job was asked again");
    }
}
