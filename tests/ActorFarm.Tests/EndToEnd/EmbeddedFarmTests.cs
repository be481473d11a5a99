using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Tests.EndToEnd;

/// <summary>Whole jobs through the real embedded farm: sharded job entity, node supervisor, workers, SQLite journal.</summary>
public class EmbeddedFarmTests
{
    [Fact]
    public async Task A_2000_task_job_records_every_result_exactly_once()
    {
        using var output = new TempDirectory();
        await using var farm = await TestFarm.StartAsync(slots: 2);

        var status = await farm.RunAsync(Specs.Handler("noop2000", "noop", 2000, output.Path));

        Assert.Equal(JobPhase.Finished, status.Phase);
        Assert.Equal(2000, status.Succeeded);
        Assert.Equal(0, status.Failed);
        var rows = ResultsFile.Read(status.ResultsFile!);
        Assert.Equal(2000, rows.Count);
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));
        Assert.All(rows, r => Assert.Equal(r.Index().ToString(), r.Parameter("i")));
    }

    [Fact]
    public async Task Process_tasks_retry_only_on_the_chosen_exit_codes()
    {
        using var output = new TempDirectory();
        await using var farm = await TestFarm.StartAsync(slots: 2);
        var spec = Specs.Process("retries", ["/bin/sh", "-c", "exit ${code}"],
            [new ListAxis { Name = "code", Values = ["0", "3", "4"] }], output.Path,
            retry: new RetryPolicy { MaxAttempts = 3, ExitCodes = [3], Backoff = TimeSpan.FromMilliseconds(10) });

        var status = await farm.RunAsync(spec);

        Assert.Equal(1, status.Succeeded);
        Assert.Equal(2, status.Failed);
        var rows = ResultsFile.Read(status.ResultsFile!).ToDictionary(r => r.Parameter("code"));
        Assert.Equal((0, 1), (rows["0"].ExitCode(), rows["0"].Attempts()));
        Assert.Equal((3, 3), (rows["3"].ExitCode(), rows["3"].Attempts()));
        Assert.Equal((4, 1), (rows["4"].ExitCode(), rows["4"].Attempts()));
    }

    [Fact]
    public async Task Submitting_the_same_job_again_reaches_the_same_entity()
    {
        using var output = new TempDirectory();
        await using var farm = await TestFarm.StartAsync(slots: 2);
        var spec = Specs.Handler("twice", "noop", 10, output.Path);

        var first = await farm.RunAsync(spec);
        var again = await farm.Client.SubmitAsync(spec);

        Assert.True(again.Resumed);
        Assert.Equal(first.JobId, again.JobId);
        Assert.Equal(JobPhase.Finished, again.Status.Phase);
    }

    [Fact]
    public async Task Cancel_stops_a_running_job_and_keeps_what_finished()
    {
        using var output = new TempDirectory();
        await using var farm = await TestFarm.StartAsync(slots: 2);
        var spec = Specs.Handler("cancel-me", "sleep", 100, output.Path, new() { ["seconds"] = "0.2" });
        var submitted = await farm.Client.SubmitAsync(spec);
        await Task.Delay(700);

        var cancelled = await farm.Client.CancelAsync(submitted.JobId);

        Assert.Equal(JobPhase.Cancelled, cancelled.Phase);
        JobStatusReport? final = null;
        await foreach (var s in farm.Client.WatchAsync(submitted.JobId)) final = s;
        Assert.Equal(JobPhase.Cancelled, final!.Phase);
        Assert.True(final.Done < 100);
        Assert.Equal(final.Succeeded, ResultsFile.Read(final.ResultsFile!).Count);
    }
}
