using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Node;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.TestKit;

namespace ActorFarm.Tests.Node;

/// <summary>
/// What a node asks and sends: only jobs whose handler it has, result batches that fit the
/// frame, and batches sent again until acknowledged.
/// </summary>
public sealed class NodeSupervisorTests : NodeTestKit
{
    [Fact]
    public void A_node_never_asks_a_job_whose_handler_it_lacks_and_gives_back_leases_it_gets_anyway()
    {
        // A short request timeout: the quiet period below must outlast it.
        var (directory, jobs, node) = StartNode(s => s with { Handlers = new HashSet<string> { "noop" }, RequestTimeout = TimeSpan.FromMilliseconds(500) });
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
        var returned = jobs.FishForMessage<ReturnLeases>(_ => true);
        Assert.Equal(("foreign-2", 2), (returned.JobId, returned.Leases.Length));
        jobs.ExpectNoMsg(TimeSpan.FromSeconds(1.5)); // three request timeouts: still not asked
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
        var (directory, jobs, node) = StartNode(s => s with { UnackedResendAfter = TimeSpan.FromMilliseconds(500), RequestTimeout = TimeSpan.FromMilliseconds(300) });
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
        // Copies sent before the node read the acknowledgement may still be on their way; its answer
        // to Identify, sent after, comes behind them.
        node.Tell(new Identify(null), jobs.Ref);
        jobs.FishForMessage<ActorIdentity>(_ => true);
        // Acknowledged: never sent again in three resend periods (the node keeps polling the job meanwhile).
        var quietUntil = DateTime.UtcNow + TimeSpan.FromSeconds(1.5);
        while (DateTime.UtcNow < quietUntil)
            Assert.IsNotType<TaskResults>(jobs.ReceiveOne(quietUntil - DateTime.UtcNow) ?? "nothing");
    }
}
