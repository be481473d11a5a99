using ActorFarm.Coordinator;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Tests.Coordinator;
using Akka.Actor;

namespace ActorFarm.Tests.Metrics;

/// <summary>
/// The job entity's instruments, driven message by message by a probe standing in for a node:
/// every lease, re-queue, retry and journaled result is counted exactly once, the gauges follow
/// the job as it runs, and a recovery (the journal replayed) counts nothing again.
/// </summary>
public sealed class JobEntityMetricsTests() : JobEntityTestKit("actorfarm-metrics", TimeSpan.Zero)
{
    [Fact]
    public void Leases_requeues_retries_and_journaled_results_are_counted_once_and_never_on_recovery()
    {
        var spec = Specs.Handler("metrics-entity", "noop", 5, _output.Path,
            retry: new RetryPolicy { MaxAttempts = 2, Backoff = TimeSpan.FromMilliseconds(10) });
        var jobId = JobIds.For(spec);
        using var metrics = new MetricsRecorder(job: jobId);
        var entity = Start(jobId);
        entity.Tell(new SubmitJob(jobId, spec), TestActor);
        ExpectMsg<JobSubmitted>();

        entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 5, NeedSpec: true), _node.Ref);
        Assert.Equal(5, _node.ExpectMsg<TaskBatch>().Leases.Length);
        AwaitAssert(() => Assert.Equal<(double?, double?)>((5, 0), Gauges(metrics, jobId)));

        // Task 4 goes back unrun: re-queued. 1 fails (retried after its backoff), 2's worker
        // crashes (retried at once): both are retries. 0 and 3 succeed.
        entity.Tell(new ReturnLeases(jobId, _node.Ref, [new TaskLease(4, 1)]), _node.Ref);
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 1,
            [Result(0, 1, TaskOutcome.Succeeded), Result(1, 1, TaskOutcome.Failed), Result(2, 1, TaskOutcome.WorkerCrashed), Result(3, 1, TaskOutcome.Succeeded)]), _node.Ref);
        _node.FishForMessage<ResultsAcknowledged>(_ => true);
        // Done: 0 and 3; nothing leased; 1, 2 and 4 wait.
        AwaitAssert(() => Assert.Equal<(double?, double?)>((0, 3), Gauges(metrics, jobId)));

        // The three come back (1 once its backoff has passed): 1 fails for good, 2 and 4 succeed.
        var again = new List<TaskLease>();
        AwaitCondition(() =>
        {
            entity.Tell(new RequestTasks(jobId, _node.Ref, "n1", 5, NeedSpec: false), _node.Ref);
            again.AddRange(_node.FishForMessage<TaskBatch>(_ => true).Leases);
            return again.Count == 3;
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        Assert.Equal([new TaskLease(1, 2), new TaskLease(2, 2), new TaskLease(4, 1)], again.OrderBy(l => l.Index));
        entity.Tell(new TaskResults(jobId, _node.Ref, "n1", 2,
            again.Select(l => Result(l.Index, l.Attempt, l.Index == 1 ? TaskOutcome.Failed : TaskOutcome.Succeeded)).ToArray()), _node.Ref);

        var status = AwaitSettled(entity, jobId);
        Assert.Equal((JobPhase.Finished, 4L, 1L), (status.Phase, status.Succeeded, status.Failed));
        var counted = Counters(metrics);
        Assert.Equal(new Dictionary<string, double>
        {
            ["actorfarm.leases.granted"] = 8,
            ["actorfarm.results.received"] = 7,
            ["actorfarm.tasks.requeued"] = 1,
            ["actorfarm.tasks.retried"] = 2,
            ["actorfarm.tasks.succeeded"] = 4,
            ["actorfarm.tasks.failed"] = 1,
            ["actorfarm.journal.write.batch_size"] = 5,
        }, counted);
        Assert.Equal(metrics.Count("actorfarm.journal.write.batch_size"), metrics.Count("actorfarm.journal.write.duration"));
        // An ended job is not reported by the gauges.
        Assert.Equal<(double?, double?)>((null, null), Gauges(metrics, jobId));

        // A new life of the entity replays the whole journal: nothing is counted again.
        Watch(entity);
        entity.Tell(PoisonPill.Instance);
        ExpectTerminated(entity);
        // Under another name: the guardian may not have released the first one yet when its
        // Terminated arrives here.
        var recovered = Sys.ActorOf(JobEntity.Props(jobId, _settings, _directory.Ref), jobId + "-again");
        Assert.Equal(5, AwaitSettled(recovered, jobId).Done);
        Assert.Equal(counted, Counters(metrics));
        Assert.Equal<(double?, double?)>((null, null), Gauges(metrics, jobId));
    }

    /// <summary>The job's running and pending tasks as the gauges report them now.</summary>
    private static (double? Running, double? Pending) Gauges(MetricsRecorder metrics, string jobId)
    {
        var seen = metrics.Observe().Where(m => m.Job == jobId).ToList();
        return (MetricsRecorder.Gauge(seen, "actorfarm.tasks.running"), MetricsRecorder.Gauge(seen, "actorfarm.tasks.pending"));
    }

    private static Dictionary<string, double> Counters(MetricsRecorder metrics) =>
        new[]
        {
            "actorfarm.leases.granted", "actorfarm.results.received", "actorfarm.tasks.requeued", "actorfarm.tasks.retried",
            "actorfarm.tasks.succeeded", "actorfarm.tasks.failed", "actorfarm.journal.write.batch_size",
        }.ToDictionary(name => name, metrics.Sum);

    private static TaskResult Result(long index, int attempt, TaskOutcome outcome) =>
        new(index, attempt, outcome, outcome == TaskOutcome.Succeeded ? 0 : outcome == TaskOutcome.Failed ? 1 : (int?)null, At, At);
}
