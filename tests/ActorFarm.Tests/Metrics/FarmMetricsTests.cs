using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Tests.Metrics;

/// <summary>
/// The meter <c>ActorFarm</c> (docs/metrics.md) seen by a listener while a real embedded farm runs
/// a job: the counters agree with the job's final status, and the gauges with the job while it
/// runs. Each test's farm has a node name of its own and each job an id of its own, so what other
/// tests record at the same time is left out. Durations are only counted, never compared.
/// </summary>
public sealed class FarmMetricsTests
{
    [Fact]
    public async Task The_counters_agree_with_the_final_status_of_a_job_with_successes_retries_and_failures()
    {
        using var output = new TempDirectory();
        var node = UniqueNode();
        // 2 × (exit 0, exit 3, exit 4): exit 3 is retried once, then fails; exit 4 fails at once.
        var spec = Specs.Process("metrics-counts", ["/bin/sh", "-c", "exit ${code}"],
            [new IntRangeAxis { Name = "copy", From = 0, To = 1 }, new ListAxis { Name = "code", Values = ["0", "3", "4"] }],
            output.Path, capture: OutputCapture.None,
            retry: new RetryPolicy { MaxAttempts = 2, ExitCodes = [3], Backoff = TimeSpan.FromMilliseconds(10) });
        var jobId = JobIds.For(spec);
        using var metrics = new MetricsRecorder(job: jobId, node: node);
        await using var farm = await TestFarm.StartAsync(slots: 2, o => o with { NodeName = node });

        var status = await farm.RunAsync(spec);

        Assert.Equal((JobPhase.Finished, 2L, 4L), (status.Phase, status.Succeeded, status.Failed));
        Assert.Equal(status.Succeeded, metrics.Sum("actorfarm.tasks.succeeded"));
        Assert.Equal(status.Failed, metrics.Sum("actorfarm.tasks.failed"));
        Assert.Equal(2, metrics.Sum("actorfarm.tasks.retried"));
        // 6 tasks, 8 attempts. Results may be sent again (an acknowledgement late), never fewer.
        Assert.True(metrics.Sum("actorfarm.tasks.started") >= status.Total);
        Assert.True(metrics.Sum("actorfarm.leases.granted") >= 8);
        Assert.True(metrics.Sum("actorfarm.results.received") >= 8);
        // Every final result is journaled once, by writes that each have a duration.
        Assert.Equal(status.Total, metrics.Sum("actorfarm.journal.write.batch_size"));
        Assert.Equal(metrics.Count("actorfarm.journal.write.batch_size"), metrics.Count("actorfarm.journal.write.duration"));
        Assert.True(metrics.Count("actorfarm.dispatch.latency") >= 1);
        Assert.All(metrics.Recorded("actorfarm.dispatch.latency"), m => Assert.Equal(node, m.Node));
    }

    [Fact]
    public async Task The_gauges_report_a_running_job_and_its_node_and_forget_the_job_once_it_ends()
    {
        using var output = new TempDirectory();
        var node = UniqueNode();
        // Tasks 0-2 end soon; the others sleep until the job is cancelled, holding both slots. (Not
        // at once: tasks of a millisecond would go to a worker several at a time, and one worker
        // could hold every sleeper while the other idles.)
        var spec = Specs.Process("metrics-gauges", ["/bin/sh", "-c", "[ ${i} -lt 3 ] && exec sleep 0.05; exec sleep 60"],
            [new IntRangeAxis { Name = "i", From = 0, To = 9 }], output.Path, capture: OutputCapture.None);
        var jobId = JobIds.For(spec);
        using var metrics = new MetricsRecorder(job: jobId, node: node);
        await using var farm = await TestFarm.StartAsync(slots: 2, o => o with { NodeName = node });

        await farm.Client.SubmitAsync(spec);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await farm.Client.StatusAsync(jobId)).Done < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "tasks 0-2 did not end in time");
            await Task.Delay(100);
        }

        // Nothing can end now: done stays 3, so one observation must add up to the job's 10 tasks.
        IReadOnlyList<MetricsRecorder.Measured> seen = [];
        await Waiting.UntilAsync(() =>
        {
            seen = metrics.Observe();
            return MetricsRecorder.Gauge(seen, "actorfarm.slots.busy") == 2;
        }, TimeSpan.FromSeconds(30));
        var running = MetricsRecorder.Gauge(seen, "actorfarm.tasks.running");
        var pending = MetricsRecorder.Gauge(seen, "actorfarm.tasks.pending");
        Assert.NotNull(running);
        Assert.NotNull(pending);
        Assert.Equal(10, pending + running + 3);
        Assert.True(running >= 2, $"{running} tasks leased, but both slots run one");
        Assert.Equal(2, MetricsRecorder.Gauge(seen, "actorfarm.slots"));

        await farm.Client.CancelAsync(jobId);

        await Waiting.UntilAsync(() => MetricsRecorder.Gauge(metrics.Observe(), "actorfarm.tasks.running") is null, TimeSpan.FromSeconds(30));
        Assert.Null(MetricsRecorder.Gauge(metrics.Observe(), "actorfarm.tasks.pending"));
    }

    private static string UniqueNode() => "metrics-" + Guid.NewGuid().ToString("N")[..8];
}
