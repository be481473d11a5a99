using ActorFarm.Coordinator;
using ActorFarm.Hosting;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;

namespace ActorFarm.Tests.Coordinator;

/// <summary>
/// Reruns on the job entity alone, on a real SQLite journal, a test probe standing in for a node:
/// a finished job runs its failed tasks again as their next attempts; a running job refuses; a
/// rerun asked twice is one rerun; a rerun survives the entity's death after its event and runs
/// only the tasks that have no rerun result yet; the results file keeps one row per task.
/// </summary>
public sealed class JobEntityRerunTests() : JobEntityTestKit("actorfarm-rerun", TimeSpan.FromMilliseconds(300))
{
    [Fact]
    public void A_finished_job_reruns_its_failed_tasks_as_their_next_attempts_and_keeps_one_row_per_task()
    {
        var (entity, jobId) = FinishWithFailures("rerun-basic", tasks: 4, failing: [1, 3]);

        entity.Tell(new RerunJob(jobId, RerunSelection.Failed), TestActor);
        var rerun = ExpectMsg<JobRerun>();
        Assert.Equal(RerunOutcome.Started, rerun.Outcome);
        Assert.Equal(2, rerun.Reopened);
        // The job runs again, and says so: 2 succeeded, 2 pending, its first rerun.
        Assert.Equal(JobPhase.Running, rerun.Status.Phase);
        Assert.Equal((2L, 0L, 2L, 1), (rerun.Status.Succeeded, rerun.Status.Failed, rerun.Status.Pending, rerun.Status.Reruns));
        Assert.Null(rerun.Status.ResultsFile);
        _directory.ExpectMsg<JobActivated>(a => a.JobId == jobId);

        // Only the failed tasks are handed out, each as attempt 2.
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 10, NeedSpec: true), _node.Ref);
        Assert.Equal([new TaskLease(1, 2), new TaskLease(3, 2)], _node.ExpectMsg<TaskBatch>().Leases);
        // While the rerun runs, the results file is rewritten without the failures it runs again.
        var file = Path.Combine(_output.Path, "rerun-basic", "results.jsonl");
        AwaitCondition(() => File.Exists(file) && ResultsFile.Read(file).Select(r => r.Index()).Order().SequenceEqual([0L, 2L]),
            TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 2, [Result(1, 2, TaskOutcome.Succeeded), Result(3, 2, TaskOutcome.Succeeded)]), _node.Ref);
        _node.ExpectMsg<ResultsAcknowledged>();

        var status = AwaitSettled(entity, jobId);
        Assert.Equal((JobPhase.Finished, 4L, 0L), (status.Phase, status.Succeeded, status.Failed));
        _directory.ExpectMsg<JobDeactivated>(d => d.JobId == jobId);
        var rows = ResultsFile.Read(status.ResultsFile!);
        Assert.Equal([0L, 1L, 2L, 3L], rows.Select(r => r.Index()).Order());
        Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));
        Assert.Equal([1, 2, 1, 2], rows.OrderBy(r => r.Index()).Select(r => r.Attempts()));

        entity.Tell(new RerunJob(jobId, RerunSelection.Failed), TestActor);
        Assert.Equal(RerunOutcome.NothingToRerun, ExpectMsg<JobRerun>().Outcome);
    }

    [Fact]
    public void A_running_job_refuses_a_rerun_and_a_rerun_asked_twice_is_the_same_rerun()
    {
        {
            // A job this farm never saw.
            var unknown = Start("nobody-00000000");
            unknown.Tell(new RerunJob("nobody-00000000", RerunSelection.Failed), TestActor);
            var refused = ExpectMsg<JobRerun>();
            Assert.Equal(RerunOutcome.Refused, refused.Outcome);
            Assert.Contains("no job nobody-00000000", refused.Reason);
        }

        var spec = Specs.Handler("rerun-running", "noop", 2, _output.Path);
        var jobId = JobIds.For(spec);
        var entity = Start(jobId);
        entity.Tell(new SubmitJob(jobId, spec), TestActor);
        ExpectMsg<JobSubmitted>();
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 2, NeedSpec: true), _node.Ref);
        _node.ExpectMsg<TaskBatch>();
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 1, [Result(0, 1, TaskOutcome.Failed)]), _node.Ref);
        _node.ExpectMsg<ResultsAcknowledged>();

        entity.Tell(new RerunJob(jobId, RerunSelection.Failed), TestActor);
        var running = ExpectMsg<JobRerun>();
        Assert.Equal(RerunOutcome.Refused, running.Outcome);
        Assert.Equal($"job {jobId} is still running (1 of 2 tasks done); rerun its failed tasks once it has finished", running.Reason);
        Assert.Equal(JobPhase.Running, running.Status.Phase);

        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 2, [Result(1, 1, TaskOutcome.Succeeded)]), _node.Ref);
        Assert.Equal(1, AwaitSettled(entity, jobId).Failed);

        entity.Tell(new RerunJob(jobId, RerunSelection.Failed), TestActor);
        Assert.Equal(RerunOutcome.Started, ExpectMsg<JobRerun>().Outcome);
        entity.Tell(new RerunJob(jobId, RerunSelection.Failed), TestActor);
        var again = ExpectMsg<JobRerun>();
        Assert.Equal(RerunOutcome.AlreadyRunning, again.Outcome);
        Assert.Equal((1L, 1), (again.Reopened, again.Status.Reruns));
    }

    [Fact]
    public void A_rerun_recovered_after_its_event_runs_only_the_tasks_without_a_rerun_result()
    {
        var (first, jobId) = FinishWithFailures("rerun-crash", tasks: 5, failing: [1, 2, 3]);
        first.Tell(new RerunJob(jobId, RerunSelection.Failed), TestActor);
        Assert.Equal(3, ExpectMsg<JobRerun>().Reopened);
        _directory.ExpectMsg<JobActivated>();

        first.Tell(new RequestTasks(jobId, _node.Ref, "n1", 10, NeedSpec: true), _node.Ref);
        Assert.Equal([1L, 2L, 3L], _node.ExpectMsg<TaskBatch>().Leases.Select(l => l.Index));
        // 1's rerun result is journaled (acknowledged); then the entity dies with 2 and 3 in flight.
        first.Tell(new TaskResults(jobId, _node.Ref, "n1", 2, [Result(1, 2, TaskOutcome.Failed)]), _node.Ref);
        _node.ExpectMsg<ResultsAcknowledged>();
        Watch(first);
        first.Tell(PoisonPill.Instance);
        ExpectTerminated(first);

        var second = Start(jobId);
        var activated = _directory.ExpectMsg<JobActivated>();
        second.Tell(new GetJobStatus(jobId), TestActor);
        var recovered = ExpectMsg<JobStatusReport>();
        Assert.Equal((JobPhase.Running, 1, 2L, 1L), (recovered.Phase, recovered.Reruns, recovered.Succeeded, recovered.Failed));

        // After the re-attach grace the tasks without a rerun result are handed out again, as their
        // rerun attempt: never 1 (its rerun result is journaled), never the tasks that succeeded.
        second.Tell(new RequestTasks(jobId, _node.Ref, "n1", 10, NeedSpec: false), _node.Ref);
        Assert.Empty(_node.ExpectMsg<TaskBatch>().Leases);
        _node.ExpectMsg<TasksAvailable>(TimeSpan.FromSeconds(5));
        second.Tell(new RequestTasks(jobId, _node.Ref, "n1", 10, NeedSpec: false), _node.Ref);
        var batch = _node.ExpectMsg<TaskBatch>();
        Assert.Equal(activated.Incarnation, batch.Incarnation);
        Assert.Equal([new TaskLease(2, 2), new TaskLease(3, 2)], batch.Leases);

        second.Tell(new RerunJob(jobId, RerunSelection.Failed), TestActor);
        Assert.Equal(RerunOutcome.AlreadyRunning, ExpectMsg<JobRerun>().Outcome);

        second.Tell(new TaskResults(jobId, _node.Ref, "n1", 3, [Result(2, 2, TaskOutcome.Succeeded), Result(3, 2, TaskOutcome.Succeeded)]), _node.Ref);
        var status = AwaitSettled(second, jobId);
        Assert.Equal((JobPhase.Finished, 4L, 1L), (status.Phase, status.Succeeded, status.Failed));
        // Exported from the journal by the recovered life: one row per task, the latest result.
        var rows = ResultsFile.Read(status.ResultsFile!).OrderBy(r => r.Index()).ToList();
        Assert.Equal([0L, 1L, 2L, 3L, 4L], rows.Select(r => r.Index()));
        Assert.Equal(["succeeded", "failed", "succeeded", "succeeded", "succeeded"], rows.Select(r => r.Outcome()));
        Assert.Equal([1, 2, 2, 2, 1], rows.Select(r => r.Attempts()));

        // A second rerun continues the attempts again: 1 failed at attempt 2, it runs as attempt 3.
        second.Tell(new RerunJob(jobId, RerunSelection.Failed), TestActor);
        Assert.Equal(1, ExpectMsg<JobRerun>().Reopened);
        second.Tell(new RequestTasks(jobId, _node.Ref, "n1", 10, NeedSpec: false), _node.Ref);
        Assert.Equal([new TaskLease(1, 3)], _node.FishForMessage<TaskBatch>(b => b.Leases.Length > 0).Leases);
    }

    [Fact]
    public void A_cancelled_rerun_keeps_a_row_for_every_task_it_did_not_run_again()
    {
        var (entity, jobId) = FinishWithFailures("rerun-cancel", tasks: 3, failing: [1, 2]);
        entity.Tell(new RerunJob(jobId, RerunSelection.Failed), TestActor);
        ExpectMsg<JobRerun>();
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 1, NeedSpec: true), _node.Ref);
        Assert.Equal([new TaskLease(1, 2)], _node.ExpectMsg<TaskBatch>().Leases);

        entity.Tell(new CancelJob(jobId, "enough"), TestActor);
        Assert.Equal(JobPhase.Cancelled, ExpectMsg<JobStatusReport>().Phase);
        _node.FishForMessage(m => m is StopJobTasks);

        var status = AwaitSettled(entity, jobId);
        var rows = ResultsFile.Read(status.ResultsFile!).OrderBy(r => r.Index()).ToList();
        Assert.Equal([0L, 1L, 2L], rows.Select(r => r.Index()));
        // 1 was running its attempt 2 when the rerun was cancelled; 2 never ran again.
        Assert.Equal(["succeeded", "cancelled", "cancelled"], rows.Select(r => r.Outcome()));
        Assert.Equal([1, 2, 1], rows.Select(r => r.Attempts()));
    }

    /// <summary>A job of noop tasks run to its end by the node probe, the <paramref name="failing"/> ones failing for good.</summary>
    private (IActorRef Entity, string JobId) FinishWithFailures(string name, int tasks, long[] failing)
    {
        var spec = Specs.Handler(name, "noop", tasks, _output.Path);
        var jobId = JobIds.For(spec);
        var entity = Start(jobId);
        entity.Tell(new SubmitJob(jobId, spec), TestActor);
        ExpectMsg<JobSubmitted>();
        _directory.ExpectMsg<JobActivated>();
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", tasks, NeedSpec: true), _node.Ref);
        var leases = _node.ExpectMsg<TaskBatch>().Leases;
        Assert.Equal(tasks, leases.Length);
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 1, leases
            .Select(l => Result(l.Index, 1, failing.Contains(l.Index) ? TaskOutcome.Failed : TaskOutcome.Succeeded))
            .ToArray()), _node.Ref);
        _node.ExpectMsg<ResultsAcknowledged>();
        var status = AwaitSettled(entity, jobId);
        Assert.Equal((JobPhase.Finished, failing.Length), (status.Phase, (int)status.Failed));
        _directory.ExpectMsg<JobDeactivated>();
        // The node had asked for more than was left: the end tells it there is nothing more.
        Assert.Empty(_node.ExpectMsg<TaskBatch>().Leases);
        return (entity, jobId);
    }

    private static TaskResult Result(long index, int attempt, TaskOutcome outcome) =>
        new(index, attempt, outcome, outcome == TaskOutcome.Succeeded ? 0 : 1, At, At);
}
