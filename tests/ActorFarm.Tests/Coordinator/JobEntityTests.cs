using ActorFarm.Coordinator;
using ActorFarm.Hosting;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;

namespace ActorFarm.Tests.Coordinator;

/// <summary>
/// The job entity on its own, on a real SQLite journal, driven message by message by a test
/// probe standing in for a node: results are acknowledged only once journaled, and a recovered
/// entity (a new incarnation) adopts the leases a node re-attaches, takes the results it sends
/// again, and never hands out or journals a task twice.
/// </summary>
public sealed class JobEntityTests() : JobEntityTestKit("actorfarm-entity", TimeSpan.FromMilliseconds(500))
{
    [Fact]
    public void A_job_announces_itself_again_until_the_directory_says_it_recorded_it()
    {
        // A directory whose journal failed under the job's registration starts again without it:
        // the job would wait for nodes forever if it announced itself only once.
        var spec = Specs.Handler("announce", "noop", 3, _output.Path);
        var jobId = JobIds.For(spec);
        var directory = CreateTestProbe("silent-directory");
        var entity = Sys.ActorOf(JobEntity.Props(jobId, _settings with { AnnounceRetry = TimeSpan.FromMilliseconds(200) }, directory.Ref), jobId);
        entity.Tell(new SubmitJob(jobId, spec), TestActor);
        ExpectMsg<JobSubmitted>(s => !s.Resumed);

        var first = directory.ExpectMsg<JobActivated>();
        var again = directory.ExpectMsg<JobActivated>(TimeSpan.FromSeconds(5));
        Assert.Equal(first, again);

        entity.Tell(new JobActivationRecorded(jobId, first.Incarnation), directory.Ref);
        // One more may have crossed the answer; then silence.
        directory.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => m as JobActivated);
        directory.ExpectNoMsg(TimeSpan.FromMilliseconds(600));
    }

    [Fact]
    public void Results_are_acknowledged_once_journaled_and_a_new_incarnation_adopts_re_attached_work()
    {
        var spec = Specs.Handler("adopt", "noop", 10, _output.Path);
        var jobId = JobIds.For(spec);
        var first = Start(jobId);
        first.Tell(new SubmitJob(jobId, spec), TestActor);
        ExpectMsg<JobSubmitted>(s => !s.Resumed);
        var firstLife = _directory.ExpectMsg<JobActivated>().Incarnation;

        first.Tell(new RequestTasks(jobId, _node.Ref, "n1", 4, NeedSpec: true), _node.Ref);
        var batch = _node.ExpectMsg<TaskBatch>();
        Assert.Equal(firstLife, batch.Incarnation);
        Assert.Equal([0L, 1L, 2L, 3L], batch.Leases.Select(l => l.Index));

        first.Tell(new TaskResults(jobId, _node.Ref, "n1", 1, [Succeeded(0), Succeeded(1)]), _node.Ref);
        Assert.Equal(1, _node.ExpectMsg<ResultsAcknowledged>().UpToBatchId);

        // The entity dies with 2 and 3 still running on the node.
        Watch(first);
        first.Tell(PoisonPill.Instance);
        ExpectTerminated(first);
        // The results file the first life wrote as it went holds only journaled results (0 and 1), each once.
        var leftBehind = ResultsFile.Read(ActorFarm.Results.Files.ResultsFileWriter.DefaultPath(spec)).Select(r => r.Index()).ToList();
        Assert.Subset(new HashSet<long> { 0, 1 }, leftBehind.ToHashSet());
        Assert.Equal(leftBehind.Distinct().Count(), leftBehind.Count);

        var second = Start(jobId);
        var secondLife = _directory.ExpectMsg<JobActivated>().Incarnation;
        Assert.NotEqual(firstLife, secondLife);

        // During the re-attach grace nothing is handed out.
        second.Tell(new RequestTasks(jobId, _node.Ref, "n1", 10, NeedSpec: false), _node.Ref);
        var waiting = _node.ExpectMsg<TaskBatch>();
        Assert.Equal(secondLife, waiting.Incarnation);
        Assert.Empty(waiting.Leases);

        // The node re-attaches 2 and 3 and sends again what the first life may not have journaled
        // (1 was journaled: it must not count twice).
        second.Tell(new ReattachLeases(jobId, secondLife, _node.Ref, "n1", [new TaskLease(1, 1), new TaskLease(2, 1), new TaskLease(3, 1)]), _node.Ref);
        second.Tell(new TaskResults(jobId, _node.Ref, "n1", 2, [Succeeded(1), Succeeded(2), Succeeded(3)]), _node.Ref);
        Assert.Equal(2, _node.ExpectMsg<ResultsAcknowledged>().UpToBatchId);

        // When the grace ends, the rest is handed out: never 0-3 again.
        _node.ExpectMsg<TasksAvailable>(TimeSpan.FromSeconds(5));
        second.Tell(new RequestTasks(jobId, _node.Ref, "n1", 10, NeedSpec: false), _node.Ref);
        var rest = _node.ExpectMsg<TaskBatch>();
        Assert.Equal([4L, 5L, 6L, 7L, 8L, 9L], rest.Leases.Select(l => l.Index));

        second.Tell(new TaskResults(jobId, _node.Ref, "n1", 3, rest.Leases.Select(l => Succeeded(l.Index)).ToArray()), _node.Ref);
        Assert.Equal(3, _node.ExpectMsg<ResultsAcknowledged>().UpToBatchId);

        var status = AwaitSettled(second, jobId);
        Assert.Equal(JobPhase.Finished, status.Phase);
        Assert.Equal(10, status.Succeeded);
        var rows = ResultsFile.Read(status.ResultsFile!);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), rows.Select(r => r.Index()).Order());
    }

    [Fact]
    public void The_results_file_holds_each_journaled_result_before_the_job_ends()
    {
        var spec = Specs.Handler("live", "noop", 6, _output.Path);
        var jobId = JobIds.For(spec);
        var entity = Start(jobId);
        entity.Tell(new SubmitJob(jobId, spec), TestActor);
        ExpectMsg<JobSubmitted>();
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 6, NeedSpec: true), _node.Ref);
        _node.ExpectMsg<TaskBatch>();
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 1, [Succeeded(0), Succeeded(1), Succeeded(2)]), _node.Ref);
        _node.ExpectMsg<ResultsAcknowledged>();

        var file = ActorFarm.Results.Files.ResultsFileWriter.DefaultPath(spec);
        AwaitCondition(() => File.Exists(file) && ResultsFile.Read(file).Count == 3, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));
        Assert.Equal([0L, 1L, 2L], ResultsFile.Read(file).Select(r => r.Index()).Order());
        entity.Tell(new GetJobStatus(jobId), TestActor);
        Assert.Equal(JobPhase.Running, ExpectMsg<JobStatusReport>().Phase);

        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 2, [Succeeded(3), Succeeded(4), Succeeded(5)]), _node.Ref);
        _node.ExpectMsg<ResultsAcknowledged>();
        var status = AwaitSettled(entity, jobId);
        Assert.Equal(file, status.ResultsFile);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), ResultsFile.Read(file).Select(r => r.Index()).Order());
    }

    [Fact]
    public void A_batch_is_acknowledged_even_when_it_brings_nothing_to_journal()
    {
        var spec = Specs.Handler("stale", "noop", 3, _output.Path);
        var jobId = JobIds.For(spec);
        var entity = Start(jobId);
        entity.Tell(new SubmitJob(jobId, spec), TestActor);
        ExpectMsg<JobSubmitted>();

        // Results for leases the entity never granted are stale: nothing to journal, still acknowledged.
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 7, [Succeeded(0), Succeeded(1)]), _node.Ref);
        Assert.Equal(7, _node.ExpectMsg<ResultsAcknowledged>().UpToBatchId);
        entity.Tell(new GetJobStatus(jobId), TestActor);
        Assert.Equal(0, ExpectMsg<JobStatusReport>().Done);
    }

    [Fact]
    public void An_acknowledgement_names_exactly_the_batches_received_so_a_lost_one_is_sent_again()
    {
        var (entity, jobId, batch) = SubmitAndLease("lost-batch", tasks: 4, leases: 4);
        Assert.Equal(4, batch.Leases.Length);

        // Batch 1 is lost on the way; batch 2 arrives and is journaled.
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 2, [Succeeded(2), Succeeded(3)]), _node.Ref);
        var ack = _node.ExpectMsg<ResultsAcknowledged>();
        Assert.Equal([2L], ack.BatchIds!);
        Assert.False(ack.Covers(1));

        // The node sends batch 1 again: it is journaled and acknowledged in its turn.
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 1, [Succeeded(0), Succeeded(1)]), _node.Ref);
        Assert.True(_node.ExpectMsg<ResultsAcknowledged>().Covers(1));
        Assert.Equal(4, AwaitSettled(entity, jobId).Succeeded);
    }

    [Fact]
    public void A_leaving_coordinator_hands_out_nothing_more_and_hears_when_the_nodes_have_settled()
    {
        var (entity, jobId, batch) = SubmitAndLease("leaving", tasks: 10, leases: 3);
        Assert.Equal(3, batch.Leases.Length);

        entity.Tell(new AwaitNodesDrained(jobId), TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        // Leaving: a node that asks gets nothing new.
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 5, NeedSpec: false), _node.Ref);
        Assert.Empty(_node.ExpectMsg<TaskBatch>().Leases);

        // The node finishes one task and gives back the other two: settled once journaled.
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 1, [Succeeded(0)]), _node.Ref);
        entity.Tell(new ReturnLeases(jobId, _node.Ref, [new TaskLease(1, 1), new TaskLease(2, 1)]), _node.Ref);
        ExpectMsg<NodesDrained>(TimeSpan.FromSeconds(10));
        entity.Tell(new GetJobStatus(jobId), TestActor);
        Assert.Equal(1, ExpectMsg<JobStatusReport>().Done);
    }

    [Fact]
    public void A_held_status_query_is_answered_the_moment_the_job_settles_with_the_file_written_as_it_ran()
    {
        var (entity, jobId, batch) = SubmitAndLease("held", tasks: 3, leases: 3);
        Assert.Equal(3, batch.Leases.Length);

        var watcher = CreateTestProbe("watcher");
        entity.Tell(new GetJobStatus(jobId, HoldUpTo: TimeSpan.FromMinutes(1)), watcher.Ref);
        watcher.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 1, [Succeeded(0), Succeeded(2)]), _node.Ref);
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 2, [Succeeded(1)]), _node.Ref);
        var settled = watcher.ExpectMsg<JobStatusReport>(TimeSpan.FromSeconds(10));
        Assert.True(settled.IsSettled);
        Assert.Equal(3, settled.Succeeded);
        // Rows in journal order, each task once, and nothing else left in the job's directory.
        Assert.Equal([0L, 2L, 1L], ResultsFile.Read(settled.ResultsFile!).Select(r => r.Index()));
        Assert.Equal([settled.ResultsFile!], Directory.GetFiles(Path.GetDirectoryName(settled.ResultsFile)!));
    }

    [Fact]
    public void A_held_status_query_gets_the_status_of_the_moment_when_its_hold_runs_out()
    {
        var (entity, jobId, _) = SubmitAndLease("hold-out", tasks: 3, leases: 3);
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 1, [Succeeded(0)]), _node.Ref);
        _node.ExpectMsg<ResultsAcknowledged>();

        entity.Tell(new GetJobStatus(jobId, HoldUpTo: TimeSpan.FromMilliseconds(200)), TestActor);
        var status = ExpectMsg<JobStatusReport>(TimeSpan.FromSeconds(10));
        Assert.False(status.IsSettled);
        Assert.Equal(1, status.Done);
        Assert.Equal(2, status.Running);
    }

    [Fact]
    public void The_status_carries_the_mean_duration_of_the_journaled_results_and_a_recovered_entity_has_it_again()
    {
        var (entity, jobId, _) = SubmitAndLease("mean", tasks: 4, leases: 4);
        entity.Tell(new GetJobStatus(jobId), TestActor);
        Assert.Null(ExpectMsg<JobStatusReport>().MeanTaskDuration);

        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 1,
            [Took(0, TimeSpan.FromMinutes(1), TaskOutcome.Succeeded), Took(1, TimeSpan.FromMinutes(3), TaskOutcome.Failed)]), _node.Ref);
        _node.ExpectMsg<ResultsAcknowledged>();
        entity.Tell(new GetJobStatus(jobId), TestActor);
        Assert.Equal(TimeSpan.FromMinutes(2), ExpectMsg<JobStatusReport>().MeanTaskDuration);

        Watch(entity);
        entity.Tell(PoisonPill.Instance);
        ExpectTerminated(entity);
        var recovered = Start(jobId);
        recovered.Tell(new GetJobStatus(jobId), TestActor);
        Assert.Equal(TimeSpan.FromMinutes(2), ExpectMsg<JobStatusReport>(TimeSpan.FromSeconds(10)).MeanTaskDuration);
    }

    /// <summary>A fresh job of noop tasks, submitted, and the batch the node probe got when it asked for some.</summary>
    private (IActorRef Entity, string JobId, TaskBatch Batch) SubmitAndLease(string name, int tasks, int leases)
    {
        var spec = Specs.Handler(name, "noop", tasks, _output.Path);
        var jobId = JobIds.For(spec);
        var entity = Start(jobId);
        entity.Tell(new SubmitJob(jobId, spec), TestActor);
        ExpectMsg<JobSubmitted>();
        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", leases, NeedSpec: true), _node.Ref);
        return (entity, jobId, _node.ExpectMsg<TaskBatch>());
    }

    private static TaskResult Succeeded(long index) => new(index, 1, TaskOutcome.Succeeded, 0, At, At);

    private static TaskResult Took(long index, TimeSpan duration, TaskOutcome outcome) =>
        new(index, 1, outcome, outcome == TaskOutcome.Succeeded ? 0 : 1, At, At + duration);
}
