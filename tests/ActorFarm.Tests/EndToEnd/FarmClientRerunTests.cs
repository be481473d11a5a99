using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Results;

namespace ActorFarm.Tests.EndToEnd;

/// <summary>
/// The rerun API on an embedded farm, with real processes: <see cref="FarmClient.RerunAsync"/> runs
/// the failed tasks again, the client's export (paged through the farm as a remote client's is)
/// holds one row per task, and the history holds every result.
/// </summary>
public sealed class FarmClientRerunTests
{
    [Fact]
    public async Task RerunAsync_runs_the_failed_tasks_again_and_the_export_keeps_the_latest_result_or_the_history()
    {
        await using var farm = await TestFarm.StartAsync();
        using var output = new TempDirectory("actorfarm-rerun-api");
        var marker = Path.Combine(output.Path, "failing");
        await File.WriteAllTextAsync(marker, "");
        // Tasks 1 and 3 fail while the marker exists.
        var spec = Specs.Process("api-rerun", ["/bin/sh", "-c", "if [ -e \"$0\" ] && [ $((${index} % 2)) -eq 1 ]; then exit 4; fi", marker],
            [new IntRangeAxis { Name = "i", From = 0, To = 3 }], output.Path, capture: OutputCapture.None);
        var first = await farm.RunAsync(spec);
        Assert.Equal((JobPhase.Finished, 2L, 2L), (first.Phase, first.Succeeded, first.Failed));

        File.Delete(marker);
        var rerun = await farm.Client.RerunAsync(first.JobId);
        Assert.Equal((RerunOutcome.Started, 2L), (rerun.Outcome, rerun.Reopened));
        JobStatusReport? last = null;
        await foreach (var status in farm.Client.WatchAsync(first.JobId)) last = status;
        Assert.Equal((JobPhase.Finished, 4L, 0L, 1), (last!.Phase, last.Succeeded, last.Failed, last.Reruns));

        var latest = ResultsFile.Read(await farm.Client.ExportResultsAsync(first.JobId, path: Path.Combine(output.Path, "latest.jsonl")));
        Assert.Equal([0L, 1L, 2L, 3L], latest.Select(r => r.Index()).Order());
        Assert.All(latest, r => Assert.Equal("succeeded", r.Outcome()));

        var history = ResultsFile.Read(await farm.Client.ExportResultsAsync(first.JobId, path: Path.Combine(output.Path, "history.jsonl"), history: true));
        Assert.Equal([(1L, "failed", 1), (1L, "succeeded", 2), (3L, "failed", 1), (3L, "succeeded", 2)],
            history.Where(r => r.Index() % 2 == 1).Select(r => (r.Index(), r.Outcome(), r.Attempts())).Order());
        Assert.Equal(6, history.Count);
    }
}
