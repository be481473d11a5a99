using ActorFarm.Coordinator;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Tests.Coordinator;

public class TaskLedgerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;
    private readonly IActorRef _nodeA;
    private readonly IActorRef _nodeB;

    public TaskLedgerTests()
    {
        _nodeA = CreateTestProbe("a").Ref;
        _nodeB = CreateTestProbe("b").Ref;
    }

    private static List<TaskLease> Lease(TaskLedger ledger, IActorRef node, int count)
    {
        var leases = new List<TaskLease>();
        ledger.LeaseTo(node, count, leases);
        return leases;
    }

    private static TaskResult Result(TaskLease lease, TaskOutcome outcome, int? exitCode = null) =>
        new(lease.Index, lease.Attempt, outcome, exitCode, At, At);

    [Fact]
    public void Leases_fresh_indices_in_order_until_exhausted()
    {
        var ledger = new TaskLedger(5);
        Assert.Equal([0, 1, 2], Lease(ledger, _nodeA, 3).Select(l => l.Index));
        Assert.Equal([3, 4], Lease(ledger, _nodeB, 10).Select(l => l.Index));
        Assert.False(ledger.HasRunnable);
        Assert.Equal(5, ledger.Leased);
    }

    [Fact]
    public void Recovered_ledger_skips_recorded_tasks()
    {
        var bitmap = new CompletionBitmap(10);
        foreach (var i in new[] { 0, 1, 2, 5, 9 }) bitmap.Set(i);
        var ledger = new TaskLedger(10, bitmap);
        Assert.Equal([3, 4, 6, 7, 8], Lease(ledger, _nodeA, 10).Select(l => l.Index));
    }

    [Fact]
    public void Retries_only_the_chosen_exit_codes_up_to_max_attempts()
    {
        var retry = new RetryPolicy { MaxAttempts = 3, ExitCodes = [75], Backoff = TimeSpan.Zero };
        var ledger = new TaskLedger(2);
        var leases = Lease(ledger, _nodeA, 2);

        Assert.Equal(Verdict.Final, ledger.Resolve(Result(leases[0], TaskOutcome.Failed, 1), retry, 3, At));
        Assert.Equal(Verdict.RetryLater, ledger.Resolve(Result(leases[1], TaskOutcome.Failed, 75), retry, 3, At));

        ledger.PromoteDue(At);
        var second = Lease(ledger, _nodeA, 5).Single();
        Assert.Equal(new TaskLease(1, 2), second);
        Assert.Equal(Verdict.RetryLater, ledger.Resolve(Result(second, TaskOutcome.Failed, 75), retry, 3, At));
        ledger.PromoteDue(At);
        var third = Lease(ledger, _nodeA, 5).Single();
        Assert.Equal(3, third.Attempt);
        Assert.Equal(Verdict.Final, ledger.Resolve(Result(third, TaskOutcome.Failed, 75), retry, 3, At));
    }

    [Fact]
    public void Timeouts_retry_only_when_asked()
    {
        var ledger = new TaskLedger(1);
        var lease = Lease(ledger, _nodeA, 1)[0];
        Assert.Equal(Verdict.Final,
            ledger.Resolve(Result(lease, TaskOutcome.TimedOut), new RetryPolicy { MaxAttempts = 3 }, 3, At));

        ledger = new TaskLedger(1);
        lease = Lease(ledger, _nodeA, 1)[0];
        Assert.Equal(Verdict.RetryLater,
            ledger.Resolve(Result(lease, TaskOutcome.TimedOut), new RetryPolicy { MaxAttempts = 3, OnTimeout = true }, 3, At));
    }

    [Fact]
    public void Backoff_waits_then_doubles_and_is_capped()
    {
        var retry = new RetryPolicy { MaxAttempts = 10, Backoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(5) };
        Assert.Equal(TimeSpan.FromSeconds(1), TaskLedger.BackoffFor(retry, 1));
        Assert.Equal(TimeSpan.FromSeconds(2), TaskLedger.BackoffFor(retry, 2));
        Assert.Equal(TimeSpan.FromSeconds(4), TaskLedger.BackoffFor(retry, 3));
        Assert.Equal(TimeSpan.FromSeconds(5), TaskLedger.BackoffFor(retry, 4));

        var ledger = new TaskLedger(1);
        var lease = Lease(ledger, _nodeA, 1)[0];
        ledger.Resolve(Result(lease, TaskOutcome.Failed, 1), retry, 3, At);
        Assert.Equal(At + TimeSpan.FromSeconds(1), ledger.PromoteDue(At));
        Assert.Empty(Lease(ledger, _nodeA, 1));
        Assert.Null(ledger.PromoteDue(At + TimeSpan.FromSeconds(1)));
        Assert.Single(Lease(ledger, _nodeA, 1));
    }

    [Fact]
    public void Lost_node_requeues_its_leases_with_the_next_attempt_and_ignores_late_results()
    {
        var ledger = new TaskLedger(4);
        var onA = Lease(ledger, _nodeA, 2);
        Lease(ledger, _nodeB, 2);

        var lost = ledger.LeasesOf(_nodeA, At);
        Assert.Equal(2, lost.Count);
        foreach (var l in lost)
            Assert.Equal(Verdict.Requeued, ledger.Resolve(l, RetryPolicy.None, 3, At));

        var again = Lease(ledger, _nodeB, 5);
        Assert.Equal(onA.Select(l => l.Index), again.Select(l => l.Index));
        Assert.All(again, l => Assert.Equal(2, l.Attempt));
        // The lost node's answer for attempt 1 arrives late: it is not counted.
        Assert.Equal(Verdict.Stale, ledger.Resolve(Result(onA[0], TaskOutcome.Succeeded, 0), RetryPolicy.None, 3, At));
    }

    [Fact]
    public void A_task_that_keeps_crashing_workers_ends_as_failed()
    {
        var ledger = new TaskLedger(1);
        for (var attempt = 1; attempt < 3; attempt++)
        {
            var lease = Lease(ledger, _nodeA, 1).Single();
            Assert.Equal(attempt, lease.Attempt);
            Assert.Equal(Verdict.Requeued, ledger.Resolve(Result(lease, TaskOutcome.WorkerCrashed), RetryPolicy.None, 3, At));
        }
        var last = Lease(ledger, _nodeA, 1).Single();
        Assert.Equal(Verdict.Final, ledger.Resolve(Result(last, TaskOutcome.WorkerCrashed), RetryPolicy.None, 3, At));
    }

    [Fact]
    public void Returned_leases_run_again_without_using_an_attempt()
    {
        var ledger = new TaskLedger(1);
        var lease = Lease(ledger, _nodeA, 1).Single();
        Assert.Equal(Verdict.Requeued, ledger.Resolve(Result(lease, TaskOutcome.Returned), RetryPolicy.None, 3, At));
        Assert.Equal(lease, Lease(ledger, _nodeB, 1).Single());
    }

    [Fact]
    public void Adopted_leases_are_not_handed_out_again_and_their_results_count()
    {
        // A recovered job: 0 and 1 are journaled, 2 and 5 are still running on node A.
        var recorded = new CompletionBitmap(8);
        recorded.Set(0);
        recorded.Set(1);
        var ledger = new TaskLedger(8, recorded);

        Assert.True(ledger.Adopt(_nodeA, new TaskLease(2, 1)));
        Assert.True(ledger.Adopt(_nodeA, new TaskLease(5, 2)));
        Assert.False(ledger.Adopt(_nodeB, new TaskLease(1, 1)), "a journaled task cannot be adopted");
        Assert.False(ledger.Adopt(_nodeB, new TaskLease(5, 1)), "a task is leased to one node at a time");
        Assert.False(ledger.Adopt(_nodeB, new TaskLease(8, 1)), "outside the sweep");

        var fresh = Lease(ledger, _nodeB, 10);
        Assert.Equal([3L, 4L, 6L, 7L], fresh.Select(l => l.Index));
        Assert.Equal(Verdict.Final, ledger.Resolve(Result(new TaskLease(5, 2), TaskOutcome.Succeeded, 0), RetryPolicy.None, 3, At));
        Assert.Equal(Verdict.Stale, ledger.Resolve(Result(new TaskLease(5, 2), TaskOutcome.Succeeded, 0), RetryPolicy.None, 3, At));
    }

    [Fact]
    public void A_lost_node_s_adopted_leases_run_again()
    {
        var ledger = new TaskLedger(4);
        ledger.Adopt(_nodeA, new TaskLease(3, 1));

        var lost = ledger.LeasesOf(_nodeA, At);
        Assert.Equal(Verdict.Requeued, ledger.Resolve(lost.Single(), RetryPolicy.None, 3, At));

        Assert.Equal([new TaskLease(3, 2), new TaskLease(0, 1)], Lease(ledger, _nodeB, 2));
    }

    /// <summary>A finished ledger of <paramref name="total"/> tasks, every one recorded (as a recovery builds it).</summary>
    private static TaskLedger Finished(long total)
    {
        var bitmap = new CompletionBitmap(total);
        for (var i = 0; i < total; i++) bitmap.Set(i);
        return new TaskLedger(total, bitmap);
    }

    [Fact]
    public void Rerun_reopens_only_the_given_tasks_each_as_its_next_attempt()
    {
        var ledger = Finished(6);
        Assert.False(ledger.HasRunnable);

        // 1 failed after 3 attempts, 4 after one: they run as attempts 4 and 2; nothing else runs.
        Assert.Equal(2, ledger.Reopen([new TaskLease(1, 4), new TaskLease(4, 2)]));
        Assert.Equal(4, ledger.Recorded);
        Assert.True(ledger.HasRunnable);
        Assert.Equal([new TaskLease(1, 4), new TaskLease(4, 2)], Lease(ledger, _nodeA, 10));
        Assert.False(ledger.HasRunnable);

        Assert.Equal(Verdict.Final, ledger.Resolve(Result(new TaskLease(1, 4), TaskOutcome.Succeeded, 0), RetryPolicy.None, 3, At));
        ledger.MarkRecorded(1);
        Assert.Equal(5, ledger.Recorded);
    }

    [Fact]
    public void A_rerun_that_resumes_a_stopped_job_runs_its_failed_tasks_and_those_that_never_ran_each_once()
    {
        // Stopped by max-fails: 0 succeeded, 1 and 3 failed, 2 was running (killed), 4 and 5 never ran.
        var ledger = new TaskLedger(6);
        Assert.Equal(4, Lease(ledger, _nodeA, 4).Count);
        foreach (var index in new long[] { 0, 1, 3 }) ledger.MarkRecorded(index);
        ledger.Clear();
        Assert.False(ledger.HasRunnable);

        Assert.Equal(5, ledger.Reopen([new TaskLease(1, 2), new TaskLease(3, 2)], resumeUnrun: true));

        // The reopened tasks first, as their next attempts; then every task without a result, fresh.
        Assert.Equal([new TaskLease(1, 2), new TaskLease(3, 2)], Lease(ledger, _nodeA, 2));
        Assert.Equal([new TaskLease(2, 1), new TaskLease(4, 1), new TaskLease(5, 1)], Lease(ledger, _nodeB, 10));
        Assert.False(ledger.HasRunnable);
        Assert.Empty(Lease(ledger, _nodeB, 10));
    }

    [Fact]
    public void A_rerun_gets_its_retry_policy_afresh_from_its_first_attempt()
    {
        var retry = new RetryPolicy { MaxAttempts = 3, Backoff = TimeSpan.Zero };
        var ledger = Finished(1);
        ledger.Reopen([new TaskLease(0, 4)]);

        var attempts = new List<int>();
        while (true)
        {
            var lease = Lease(ledger, _nodeA, 1).Single();
            attempts.Add(lease.Attempt);
            var verdict = ledger.Resolve(Result(lease, TaskOutcome.Failed, 1), retry, 3, At);
            if (verdict == Verdict.Final) break;
            Assert.Equal(Verdict.RetryLater, verdict);
            ledger.PromoteDue(At);
        }
        Assert.Equal([4, 5, 6], attempts);
    }

    [Fact]
    public void A_rerun_s_lost_task_runs_again_without_using_up_its_attempts()
    {
        var ledger = Finished(2);
        ledger.Reopen([new TaskLease(1, 4)]);
        var lease = Lease(ledger, _nodeA, 1).Single();

        // The retry policy allows one attempt; a lost node still earns the minimum of 3 per run.
        Assert.Equal(Verdict.Requeued, ledger.Resolve(ledger.LeasesOf(_nodeA, At).Single(), RetryPolicy.None, 3, At));
        Assert.Equal(new TaskLease(1, 5), Lease(ledger, _nodeB, 1).Single());
        Assert.Equal(Verdict.Final, ledger.Resolve(Result(new TaskLease(1, 5), TaskOutcome.Failed, 1), RetryPolicy.None, 3, At));
        Assert.Equal(4, lease.Attempt);
    }

    [Fact]
    public void Outstanding_names_each_unfinished_rerun_task_once_with_the_attempts_it_used()
    {
        var ledger = Finished(5);
        ledger.Reopen([new TaskLease(0, 2), new TaskLease(2, 4), new TaskLease(3, 2)]);
        // 0 runs (attempt 2 in flight); 2 and 3 wait in the queue.
        Assert.Equal([new TaskLease(0, 2)], Lease(ledger, _nodeA, 1));

        Assert.Equal([new TaskLease(0, 2), new TaskLease(2, 3), new TaskLease(3, 1)], ledger.Outstanding());

        ledger.Clear();
        Assert.Empty(ledger.Outstanding());
        Assert.Equal(Verdict.Stale, ledger.Resolve(Result(new TaskLease(0, 2), TaskOutcome.Succeeded, 0), RetryPolicy.None, 3, At));
    }

    [Fact]
    public void A_rerun_task_re_attached_after_a_crash_is_not_handed_out_twice()
    {
        // A recovered ledger in a rerun: 3 was reopened, and a node still runs its attempt 2.
        var ledger = Finished(4);
        ledger.Reopen([new TaskLease(3, 2)]);
        Assert.True(ledger.Adopt(_nodeA, new TaskLease(3, 2)));

        Assert.Empty(Lease(ledger, _nodeB, 10));
        Assert.Equal(Verdict.Final, ledger.Resolve(Result(new TaskLease(3, 2), TaskOutcome.Succeeded, 0), RetryPolicy.None, 3, At));
    }
}
