using ActorFarm.Allocation;
using ActorFarm.Protocol;

namespace ActorFarm.Tests.Allocation;

/// <summary>The allocation queue's rules on plain state: when to submit, when to release, what an squeue listing means.</summary>
public class AllocationPlanTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static readonly AllocationSettings Settings = new(
        PollInterval: TimeSpan.FromSeconds(5),
        CommandTimeout: TimeSpan.FromSeconds(30),
        MinBackoff: TimeSpan.FromSeconds(10),
        MaxBackoff: TimeSpan.FromMinutes(10),
        StartTimeout: TimeSpan.FromMinutes(3));

    private static QueueState Queue(int maxNodes = 2, int nodesPerAllocation = 1, int backlog = 1) =>
        new(1, "k1", new AllocationQueueSpec(maxNodes, nodesPerAllocation, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), backlog,
            [], "/x/actorfarm-workers.sbatch", "/x", new Dictionary<string, string>()));

    private static FarmDemand Demand(long pending, long free, params (string Allocation, int Nodes, int Busy)[] nodes) =>
        new(pending, free, nodes.ToDictionary(n => n.Allocation, n => new AllocationNodes(n.Nodes, n.Busy)), Complete: true);

    private static Dictionary<string, (string Name, string State)> Listing(QueueState queue, params (string Id, string State)[] jobs) =>
        jobs.ToDictionary(j => j.Id, j => (queue.JobName, j.State));

    [Fact]
    public void Tasks_no_node_can_start_make_a_queue_submit_one_allocation_at_a_time()
    {
        var queue = Queue();
        Assert.True(AllocationPlan.Decide(queue, Demand(pending: 300, free: 0), Start, Settings).Submit);

        // Submitted and waiting in SLURM's queue: the backlog of one is full.
        queue.Allocations["101"] = new TrackedAllocation("101", Start);
        AllocationPlan.Observe(queue, Listing(queue, ("101", "PENDING")), Start.AddSeconds(5), Demand(300, 0), Start.AddSeconds(5));
        Assert.False(AllocationPlan.Decide(queue, Demand(300, 0), Start.AddSeconds(5), Settings).Submit);

        // Running with its node registered: the next one may go.
        AllocationPlan.Observe(queue, Listing(queue, ("101", "RUNNING")), Start.AddSeconds(10), Demand(298, 0, ("101", 1, 2)), Start.AddSeconds(10));
        Assert.True(AllocationPlan.Decide(queue, Demand(298, 0, ("101", 1, 2)), Start.AddSeconds(10), Settings).Submit);
    }

    [Fact]
    public void A_queue_never_holds_more_than_its_node_limit()
    {
        var queue = Queue(maxNodes: 3, nodesPerAllocation: 2);
        queue.Allocations["101"] = new TrackedAllocation("101", Start);
        AllocationPlan.Observe(queue, Listing(queue, ("101", "RUNNING")), Start, Demand(500, 0, ("101", 2, 4)), Start);
        // 2 held + 2 more would be 4 > 3.
        Assert.False(AllocationPlan.Decide(queue, Demand(500, 0, ("101", 2, 4)), Start, Settings).Submit);
    }

    [Fact]
    public void Free_slots_enough_for_the_waiting_tasks_or_an_incomplete_reading_submit_nothing()
    {
        var queue = Queue();
        Assert.False(AllocationPlan.Decide(queue, Demand(pending: 4, free: 4), Start, Settings).Submit);
        Assert.False(AllocationPlan.Decide(queue, Demand(0, 0), Start, Settings).Submit);
        Assert.False(AllocationPlan.Decide(queue, Demand(100, 0) with { Complete = false }, Start, Settings).Submit);
    }

    [Fact]
    public void An_sbatch_under_way_or_a_backoff_holds_the_next_submission()
    {
        var queue = Queue(backlog: 5);
        queue.Submitting = true;
        Assert.False(AllocationPlan.Decide(queue, Demand(100, 0), Start, Settings).Submit);
        queue.Submitting = false;
        queue.Failures = 1;
        queue.RetryAfter = Start.AddSeconds(10);
        Assert.False(AllocationPlan.Decide(queue, Demand(100, 0), Start, Settings).Submit);
        Assert.True(AllocationPlan.Decide(queue, Demand(100, 0), Start.AddSeconds(10), Settings).Submit);
    }

    [Fact]
    public void An_allocation_whose_nodes_ran_nothing_for_the_idle_timeout_is_released_once()
    {
        var queue = Queue();
        queue.Allocations["101"] = new TrackedAllocation("101", Start);
        var listing = Listing(queue, ("101", "RUNNING"));
        AllocationPlan.Observe(queue, listing, Start, Demand(0, 2, ("101", 1, 0)), Start);
        Assert.Empty(AllocationPlan.Decide(queue, Demand(0, 2, ("101", 1, 0)), Start.AddMinutes(4), Settings).Release);

        // Busy again in between: idleness starts over.
        AllocationPlan.Observe(queue, listing, Start, Demand(0, 1, ("101", 1, 1)), Start.AddMinutes(4));
        AllocationPlan.Observe(queue, listing, Start, Demand(0, 2, ("101", 1, 0)), Start.AddMinutes(5));
        Assert.Empty(AllocationPlan.Decide(queue, Demand(0, 2, ("101", 1, 0)), Start.AddMinutes(9), Settings).Release);
        var release = AllocationPlan.Decide(queue, Demand(0, 2, ("101", 1, 0)), Start.AddMinutes(10), Settings).Release;
        Assert.Equal("101", Assert.Single(release).JobId);

        queue.Allocations["101"].Releasing = true;
        Assert.Empty(AllocationPlan.Decide(queue, Demand(0, 2, ("101", 1, 0)), Start.AddMinutes(11), Settings).Release);
    }

    [Fact]
    public void An_allocation_whose_nodes_never_join_is_released_after_the_start_timeout_and_stops_counting_as_starting()
    {
        var queue = Queue(maxNodes: 4);
        queue.Allocations["101"] = new TrackedAllocation("101", Start);
        AllocationPlan.Observe(queue, Listing(queue, ("101", "RUNNING")), Start, Demand(100, 0), Start);
        Assert.False(AllocationPlan.Decide(queue, Demand(100, 0), Start.AddMinutes(1), Settings).Submit);
        var late = AllocationPlan.Decide(queue, Demand(100, 0), Start.AddMinutes(3), Settings);
        Assert.True(late.Submit);
        Assert.Equal("101", Assert.Single(late.Release).JobId);
    }

    [Fact]
    public void Squeue_decides_what_ended_and_what_a_restart_adopts()
    {
        var queue = Queue(maxNodes: 4);
        queue.Allocations["101"] = new TrackedAllocation("101", Start);
        queue.Allocations["102"] = new TrackedAllocation("102", Start);
        queue.Allocations["103"] = new TrackedAllocation("103", Start.AddSeconds(10));
        var listing = Listing(queue, ("101", "TIMEOUT"), ("104", "RUNNING"));
        listing["200"] = ("actorfarm-another", "RUNNING");

        var seen = AllocationPlan.Observe(queue, listing, Start.AddSeconds(5), Demand(0, 0), Start.AddSeconds(20));

        // 101 ended by its time limit, 102 is no longer listed; 103 was submitted after squeue was asked.
        Assert.Equal([("101", "TIMEOUT"), ("102", "GONE")], seen.Ended.OrderBy(e => e.JobId));
        // 104 carries this queue's job name but was never journaled; 200 is another queue's.
        Assert.Equal(["104"], seen.Adopted);
    }

    [Fact]
    public void Sbatch_failures_back_off_exponentially_up_to_the_limit()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), Settings.BackoffAfter(1));
        Assert.Equal(TimeSpan.FromSeconds(40), Settings.BackoffAfter(3));
        Assert.Equal(TimeSpan.FromMinutes(10), Settings.BackoffAfter(30));
    }
}
