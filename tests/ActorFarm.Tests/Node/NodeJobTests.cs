using ActorFarm.Node;
using ActorFarm.Protocol;
using Xunit;

namespace ActorFarm.Tests.Node;

/// <summary>
/// What a node holds about one job, as plain code: a new incarnation of the job, requests lost on
/// the way, result batches numbered, kept until acknowledged and sent again, text cuts counted.
/// </summary>
public sealed class NodeJobTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 7, 0, 0, TimeSpan.Zero);
    private static readonly DateTime Now = new(2026, 12, 2, 7, 0, 0, DateTimeKind.Utc);

    private static NodeJob NewJob() => new("job-1", maxPrefetchPerSlot: 4);

    private static TaskResult Result(long index, TaskOutcome outcome = TaskOutcome.Succeeded, double seconds = 1, string? text = null) =>
        new(index, 1, outcome, outcome == TaskOutcome.Succeeded ? 0 : 1, At, At.AddSeconds(seconds), text);

    [Fact]
    public void The_first_incarnation_seen_is_adopted_and_only_a_different_one_is_a_new_life()
    {
        var job = NewJob();
        job.Outstanding = new NodeJob.PendingRequest(4, Now);

        Assert.False(job.ObserveIncarnation("")); // the directory does not know it yet
        Assert.Null(job.Incarnation);
        Assert.False(job.ObserveIncarnation("life-1"));
        Assert.False(job.ObserveIncarnation("life-1"));
        Assert.NotNull(job.Outstanding);

        Assert.True(job.ObserveIncarnation("life-2"));
        Assert.Equal("life-2", job.Incarnation);
        // The request went to the old life, which may never answer it.
        Assert.Null(job.Outstanding);
        Assert.False(job.ObserveIncarnation(""));
        Assert.Equal("life-2", job.Incarnation);
    }

    [Fact]
    public void A_request_unanswered_since_before_the_cutoff_is_forgotten()
    {
        var job = NewJob();
        job.Outstanding = new NodeJob.PendingRequest(4, Now);

        job.ExpireRequest(Now);
        Assert.NotNull(job.Outstanding);
        job.ExpireRequest(Now.AddTicks(1));
        Assert.Null(job.Outstanding);
    }

    [Fact]
    public void The_buffer_is_due_when_full_by_count_or_by_bytes()
    {
        var byCount = NewJob();
        Assert.False(byCount.Buffer(Result(0), maxCount: 2, budgetBytes: 1_000_000));
        Assert.True(byCount.Buffer(Result(1), maxCount: 2, budgetBytes: 1_000_000));

        var byBytes = NewJob();
        var large = Result(0, TaskOutcome.Failed, text: new string('x', 1000));
        Assert.True(byBytes.Buffer(large, maxCount: 100, budgetBytes: WireLimits.EstimateBytes(large)));
    }

    [Fact]
    public void Buffered_results_go_in_numbered_batches_that_stay_until_acknowledged()
    {
        var job = NewJob();
        for (var i = 0; i < 5; i++) job.Buffer(Result(i), 100, 1_000_000);

        var first = Assert.Single(job.TakeBatches(maxCount: 100, budgetBytes: 1_000_000, Now));
        Assert.Equal(1, first.BatchId);
        Assert.Equal([0L, 1, 2, 3, 4], first.Results.Select(r => r.Index));
        Assert.Empty(job.Buffered);
        Assert.Empty(job.TakeBatches(100, 1_000_000, Now)); // nothing buffered: nothing to send

        // More than one message may carry: split, numbered on.
        for (var i = 5; i < 10; i++) job.Buffer(Result(i), 100, 1_000_000);
        var split = job.TakeBatches(maxCount: 2, budgetBytes: 1_000_000, Now);
        Assert.Equal([2L, 3, 4], split.Select(b => b.BatchId));
        Assert.Equal(Enumerable.Range(5, 5).Select(i => (long)i), split.SelectMany(b => b.Results).Select(r => r.Index));
        Assert.Equal([1L, 2, 3, 4], job.Unacked.Select(b => b.BatchId));
        Assert.Equal(10, job.UnackedResults);
        Assert.False(job.HoldsNothing);
    }

    [Fact]
    public void An_acknowledgement_forgets_only_the_batches_it_names()
    {
        var job = NewJob();
        for (var i = 0; i < 3; i++)
        {
            job.Buffer(Result(i), 100, 1_000_000);
            job.TakeBatches(100, 1_000_000, Now);
        }

        // Batch 2 was lost on the way: the job acknowledges 1 and 3 only.
        job.Acknowledge(new ResultsAcknowledged("job-1", 3, [1, 3]));
        Assert.Equal([2L], job.Unacked.Select(b => b.BatchId));
        job.Acknowledge(new ResultsAcknowledged("job-1", 2));
        Assert.Empty(job.Unacked);
        Assert.True(job.HoldsNothing);
    }

    [Fact]
    public void Overdue_batches_are_sent_again_and_then_wait_a_full_period_again()
    {
        var job = NewJob();
        job.Buffer(Result(0), 100, 1_000_000);
        job.TakeBatches(100, 1_000_000, Now);
        job.Buffer(Result(1), 100, 1_000_000);
        job.TakeBatches(100, 1_000_000, Now.AddSeconds(20));

        var later = Now.AddSeconds(31);
        var again = Assert.Single(job.TakeOverdue(overdue: later.AddSeconds(-30), later));
        Assert.Equal((1L, later), (again.BatchId, again.SentAt));
        Assert.Empty(job.TakeOverdue(overdue: later.AddSeconds(-30), later));
        Assert.Equal(2, job.Unacked.Count);
    }

    [Fact]
    public void For_a_new_life_every_finished_lease_is_named_and_every_unacknowledged_batch_goes_again()
    {
        var job = NewJob();
        job.Buffer(Result(0), 100, 1_000_000);
        job.Buffer(Result(1), 100, 1_000_000);
        job.TakeBatches(100, 1_000_000, Now);
        job.Buffer(Result(2), 100, 1_000_000);

        // Buffered first, then sent, oldest first.
        Assert.Equal([2L, 0, 1], job.FinishedLeases().Select(l => l.Index));
        var later = Now.AddSeconds(5);
        var resent = Assert.Single(job.TakeAllUnacked(later));
        Assert.Equal((1L, later), (resent.BatchId, resent.SentAt));
        Assert.Equal(later, Assert.Single(job.Unacked).SentAt);
    }

    [Fact]
    public void Only_the_first_cut_text_of_a_job_is_worth_a_warning()
    {
        var job = NewJob();
        var (kept, keptCut, keptFirst) = job.Bound(Result(0, TaskOutcome.Failed, text: "short"), 256);
        Assert.Equal(("short", 0L, false), (kept.Error, keptCut, keptFirst));

        var (cut, bytes, first) = job.Bound(Result(1, TaskOutcome.Failed, text: new string('x', 1000)), 256);
        Assert.True(first);
        Assert.True(bytes > 0);
        Assert.EndsWith(ResultBatching.Marker(bytes), cut.Error);
        Assert.False(job.Bound(Result(2, TaskOutcome.Failed, text: new string('y', 1000)), 256).First);
    }

    [Fact]
    public void Durations_of_real_attempts_set_the_batch_size_unless_a_worker_crashed_on_the_job()
    {
        var job = NewJob();
        Assert.Equal(1, job.BatchSize); // nothing known yet

        // Given-back and crashed attempts say nothing about how long the tasks take.
        job.Observe(Result(0, TaskOutcome.Returned, seconds: 0.00001));
        job.Observe(Result(1, TaskOutcome.WorkerCrashed, seconds: 0.00001));
        Assert.Equal(1, job.BatchSize);

        job.Observe(Result(2, seconds: 0.00001));
        Assert.Equal(PrefetchPolicy.MaxBatch, job.BatchSize);
        job.Unbatched = true;
        Assert.Equal(1, job.BatchSize);
    }

    [Fact]
    public void A_job_holds_something_while_a_request_or_a_result_waits()
    {
        var job = NewJob();
        Assert.True(job.HoldsNothing);
        job.Outstanding = new NodeJob.PendingRequest(1, Now);
        Assert.False(job.HoldsNothing);
        job.Outstanding = null;
        job.Buffer(Result(0), 100, 1_000_000);
        Assert.False(job.HoldsNothing);
        job.TakeBatches(100, 1_000_000, Now);
        Assert.False(job.HoldsNothing);
        job.Acknowledge(new ResultsAcknowledged("job-1", 1));
        Assert.True(job.HoldsNothing);
    }
}
