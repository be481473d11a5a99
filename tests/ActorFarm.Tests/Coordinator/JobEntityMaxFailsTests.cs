using ActorFarm.Coordinator;
using ActorFarm.Persistence;
using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Tests.Coordinator;

/// <summary>
/// <c>max-fails</c> on the job entity alone, on a real SQLite journal, a probe standing in for a
/// node: the job stops itself once N tasks failed for good (through the cancellation's path: what
/// finished is kept, the running tasks are stopped, the results file is written), stays stopped
/// across a recovery, stops at recovery when the stop itself was not yet journaled, and a rerun
/// resumes it.
/// </summary>
public sealed class JobEntityMaxFailsTests() : JobEntityTestKit("actorfarm-maxfails", TimeSpan.FromMilliseconds(300))
{
    private const string Reason = "stopped after 5 failed tasks (max-fails = 5)";

    [Fact]
    public void A_job_stops_after_max_fails_keeps_what_finished_and_stays_stopped_after_a_recovery()
    {
        var spec = Specs.Handler("max-fails", "noop", 100, _output.Path) with { MaxFails = 5 };
        var jobId = JobIds.For(spec);
        var entity = Start(jobId);
        entity.Tell(new SubmitJob(jobId, spec), TestActor);
        ExpectMsg<JobSubmitted>();
        _directory.ExpectMsg<JobActivated>();
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 40, NeedSpec: true), _node.Ref);
        Assert.Equal(40, _node.ExpectMsg<TaskBatch>().Leases.Length);

        // 20 succeed, then 4 fail: below the limit, the job goes on.
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 1,
            [.. Enumerable.Range(0, 20).Select(i => Result(i, TaskOutcome.Succeeded)), .. Enumerable.Range(20, 4).Select(i => Result(i, TaskOutcome.Failed))]), _node.Ref);
        _node.ExpectMsg<ResultsAcknowledged>();
        entity.Tell(new GetJobStatus(jobId), TestActor);
        Assert.Equal(JobPhase.Running, ExpectMsg<JobStatusReport>().Phase);

        // Three more failures (7 in all) and two successes in one batch: the limit is passed.
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 2,
            [Result(24, TaskOutcome.Failed), Result(25, TaskOutcome.Succeeded), Result(26, TaskOutcome.Failed), Result(27, TaskOutcome.TimedOut),
             Result(28, TaskOutcome.Succeeded)]), _node.Ref);
        // Nothing more is handed out, and the node is told to kill the tasks it still runs (29–39).
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 10, NeedSpec: false), _node.Ref);
        _node.FishForMessage(m => m is StopJobTasks, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(_node.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => m), m => m is TaskBatch { Leases.Length: > 0 });

        var status = AwaitSettled(entity, jobId);
        Assert.Equal((JobPhase.Cancelled, 22L, 7L, Reason), (status.Phase, status.Succeeded, status.Failed, status.EndReason));
        Assert.Equal(jobId, _directory.FishForMessage<JobDeactivated>(_ => true).JobId);
        // What finished is kept: one row per task that ran, none for the 71 that never did.
        var rows = ResultsFile.Read(status.ResultsFile!);
        Assert.Equal(Enumerable.Range(0, 29).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.Equal(22, rows.Count(r => r.Outcome() == "succeeded"));
        // A result of a killed task that arrives after the stop is not the job's.
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 3, [Result(29, TaskOutcome.Cancelled)]), _node.Ref);
        _node.FishForMessage<ResultsAcknowledged>(_ => true);

        // A new life of the entity (the coordinator restarted): still stopped, nothing handed out.
        Watch(entity);
        entity.Tell(PoisonPill.Instance);
        ExpectTerminated(entity);
        var second = Start(jobId);
        second.Tell(new GetJobStatus(jobId), TestActor);
        var recovered = ExpectMsg<JobStatusReport>();
        Assert.Equal((JobPhase.Cancelled, 22L, 7L, Reason), (recovered.Phase, recovered.Succeeded, recovered.Failed, recovered.EndReason));
        second.Tell(new RequestTasks(jobId, _node.Ref, "n1", 10, NeedSpec: true), _node.Ref);
        Assert.Empty(_node.FishForMessage<TaskBatch>(_ => true).Leases);
        _directory.ExpectNoMsg(TimeSpan.FromMilliseconds(500)); // never announced as active again
    }

    [Fact]
    public void A_job_whose_journal_holds_max_fails_failures_but_not_the_stop_stops_at_recovery_before_leasing_anything()
    {
        // The coordinator died after the failures were journaled and before the stop was.
        var spec = Specs.Handler("max-fails-crash", "noop", 50, _output.Path) with { MaxFails = 5 };
        var jobId = JobIds.For(spec);
        var journal = ChildActorOf(JobJournal.Recover(JobIds.PersistenceId(jobId), null));
        ExpectMsg<JobJournal.Opened>();
        journal.Tell(new JobJournal.Write(new JobAccepted(jobId, spec, At)));
        ExpectMsg<JobJournal.Written>();
        journal.Tell(new JobJournal.Write(new TaskResultsRecorded(
            [.. Enumerable.Range(0, 5).Select(i => Record(i, TaskOutcome.Succeeded)), .. Enumerable.Range(5, 5).Select(i => Record(i, TaskOutcome.Failed))])));
        ExpectMsg<JobJournal.Written>();
        Watch(journal);
        Sys.Stop(journal);
        ExpectTerminated(journal);

        var entity = Start(jobId);
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 10, NeedSpec: true), _node.Ref);
        Assert.Empty(_node.FishForMessage<TaskBatch>(_ => true).Leases);
        var status = AwaitSettled(entity, jobId);
        Assert.Equal((JobPhase.Cancelled, 5L, 5L, Reason), (status.Phase, status.Succeeded, status.Failed, status.EndReason));
        Assert.DoesNotContain(_node.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => m), m => m is TaskBatch { Leases.Length: > 0 });
        Assert.Equal(10, ResultsFile.Read(status.ResultsFile!).Count);
    }

    [Fact]
    public void A_rerun_resumes_a_job_its_max_fails_stopped_running_the_failed_tasks_and_those_that_never_ran()
    {
        var spec = Specs.Handler("max-fails-rerun", "noop", 10, _output.Path) with { MaxFails = 2 };
        var jobId = JobIds.For(spec);
        var entity = Start(jobId);
        entity.Tell(new SubmitJob(jobId, spec), TestActor);
        ExpectMsg<JobSubmitted>();
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 4, NeedSpec: true), _node.Ref);
        Assert.Equal(4, _node.ExpectMsg<TaskBatch>().Leases.Length);
        // 0 succeeds, 1 and 2 fail: stopped with 3 still running (killed, never recorded).
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 1,
            [Result(0, TaskOutcome.Succeeded), Result(1, TaskOutcome.Failed), Result(2, TaskOutcome.Failed)]), _node.Ref);
        var stopped = AwaitSettled(entity, jobId);
        Assert.Equal("stopped after 2 failed tasks (max-fails = 2)", stopped.EndReason);

        entity.Tell(new RerunJob(jobId, RerunSelection.Failed), TestActor);
        var rerun = ExpectMsg<JobRerun>();
        Assert.Equal(RerunOutcome.Started, rerun.Outcome);
        Assert.Equal(9, rerun.Reopened); // 2 failed + 7 that never ran
        Assert.Equal((JobPhase.Running, (string?)null), (rerun.Status.Phase, rerun.Status.EndReason));

        // The failed tasks as their next attempts, then the others from the start, each once.
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 20, NeedSpec: false), _node.Ref);
        var leases = _node.FishForMessage<TaskBatch>(b => b.Leases.Length > 0).Leases;
        Assert.Equal([new TaskLease(1, 2), new TaskLease(2, 2), .. Enumerable.Range(3, 7).Select(i => new TaskLease(i, 1))], leases);
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 2, [.. leases.Select(l => Result(l.Index, TaskOutcome.Succeeded, l.Attempt))]), _node.Ref);

        var status = AwaitSettled(entity, jobId);
        Assert.Equal((JobPhase.Finished, 10L, 0L), (status.Phase, status.Succeeded, status.Failed));
        var rows = ResultsFile.Read(status.ResultsFile!).OrderBy(r => r.Index()).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), rows.Select(r => r.Index()));
        Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));
        Assert.Equal([1, 2, 2, 1, 1, 1, 1, 1, 1, 1], rows.Select(r => r.Attempts()));
    }

    [Fact]
    public void A_job_a_client_cancelled_is_still_not_rerun()
    {
        var spec = Specs.Handler("max-fails-user", "noop", 10, _output.Path) with { MaxFails = 2 };
        var jobId = JobIds.For(spec);
        var entity = Start(jobId);
        entity.Tell(new SubmitJob(jobId, spec), TestActor);
        ExpectMsg<JobSubmitted>();
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 2, NeedSpec: true), _node.Ref);
        _node.ExpectMsg<TaskBatch>();
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 1, [Result(0, TaskOutcome.Failed)]), _node.Ref);
        entity.Tell(new CancelJob(jobId, "enough"), TestActor);
        Assert.Equal("enough", ExpectMsg<JobStatusReport>().EndReason);

        entity.Tell(new RerunJob(jobId, RerunSelection.Failed), TestActor);
        var refused = ExpectMsg<JobRerun>();
        Assert.Equal(RerunOutcome.Refused, refused.Outcome);
        Assert.Contains("was cancelled", refused.Reason);
    }

    private static TaskResult Result(long index, TaskOutcome outcome, int attempt = 1) =>
        new(index, attempt, outcome, outcome == TaskOutcome.Succeeded ? 0 : 1, At, At);

    private static TaskRecord Record(long index, TaskOutcome outcome) =>
        new(index, 1, outcome, outcome == TaskOutcome.Succeeded ? 0 : 1, "n1", At, At, outcome == TaskOutcome.Succeeded ? null : "exit code 1", false);
}
