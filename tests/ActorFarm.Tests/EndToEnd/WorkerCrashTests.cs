using System.Collections.Concurrent;
using ActorFarm.Manifest;
using ActorFarm.Node;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;

namespace ActorFarm.Tests.EndToEnd;

/// <summary>
/// A worker whose execution faults (a bug or a broken environment, not a failing task) crashes;
/// its backoff supervisor restarts it and the node re-queues the task it held. Nothing is lost
/// and the rest of the job carries on.
/// </summary>
public class WorkerCrashTests
{
    [Fact]
    public async Task A_crashed_worker_is_restarted_and_its_task_runs_again()
    {
        using var output = new TempDirectory();
        var executor = new CrashingExecutor(crashOnFirstAttemptOf: [3, 7]);
        // One slot: the job can only finish if the crashed worker is restarted.
        await using var farm = await TestFarm.StartAsync(slots: 1, o => o with { Executor = executor });

        var status = await farm.RunAsync(Specs.Handler("crashy", "noop", 20, output.Path));

        Assert.Equal(JobPhase.Finished, status.Phase);
        Assert.Equal(20, status.Succeeded);
        var rows = ResultsFile.Read(status.ResultsFile!).ToDictionary(r => r.Index());
        Assert.Equal(20, rows.Count);
        Assert.Equal(2, rows[3].Attempts());
        Assert.Equal(2, rows[7].Attempts());
        Assert.All(rows.Values.Where(r => r.Index() is not (3 or 7)), r => Assert.Equal(1, r.Attempts()));
        // Each crashed task ran once more, on a new worker instance.
        Assert.Equal(2, executor.Runs[3]);
        Assert.Equal(2, executor.Runs[7]);
        Assert.All(executor.Runs.Where(r => r.Key is not (3 or 7)), r => Assert.Equal(1, r.Value));
    }

    [Fact]
    public async Task A_task_that_crashes_every_worker_ends_as_failed_and_the_job_finishes()
    {
        using var output = new TempDirectory();
        var executor = new CrashingExecutor(crashAlwaysOn: 5);
        await using var farm = await TestFarm.StartAsync(slots: 2, o => o with { Executor = executor });

        var status = await farm.RunAsync(Specs.Handler("poison", "noop", 10, output.Path));

        Assert.Equal(JobPhase.Finished, status.Phase);
        Assert.Equal(9, status.Succeeded);
        Assert.Equal(1, status.Failed);
        var poisoned = ResultsFile.Read(status.ResultsFile!).Single(r => r.Index() == 5);
        Assert.Equal("worker_crashed", poisoned.Outcome());
        Assert.Equal(3, poisoned.Attempts()); // actorfarm.jobs.min-attempts-on-loss
    }

    /// <summary>Runs the real executor, but faults the returned task for chosen indices.</summary>
    private sealed class CrashingExecutor(long[]? crashOnFirstAttemptOf = null, long? crashAlwaysOn = null) : ITaskExecutor
    {
        private readonly TaskExecutor _inner = new(TaskHandlerRegistry.CreateDefault());

        public ConcurrentDictionary<long, int> Runs { get; } = new();

        public Task<ExecutionOutcome> ExecuteAsync(JobSpec job, RenderedTask task, int attempt, string nodeName, CancellationToken cancellationToken)
        {
            Runs.AddOrUpdate(task.Index, 1, (_, n) => n + 1);
            var crash = (attempt == 1 && crashOnFirstAttemptOf?.Contains(task.Index) == true) || task.Index == crashAlwaysOn;
            return crash
                ? Task.FromException<ExecutionOutcome>(new InvalidOperationException($"simulated executor fault on task {task.Index}"))
                : _inner.ExecuteAsync(job, task, attempt, nodeName, cancellationToken);
        }
    }
}
