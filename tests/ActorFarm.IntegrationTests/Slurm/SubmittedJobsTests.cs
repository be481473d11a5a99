
namespace ActorFarm.IntegrationTests.Slurm;

/// <summary>
/// Jobs submitted into an allocation's farm with <c>actorfarm submit</c> stay owned. The launcher
/// does not take the farm down when its own manifest's jobs end: it follows every unfinished job
/// of the farm. Stopped before such a job ends, it names it as unfinished (journaled and pending),
/// and the next allocation on the same journal, with its own manifest long done, finishes it: each
/// task exactly once, at its first attempt.
/// </summary>
[Collection(SlurmCollection.Name)]
public class SubmittedJobsTests
{
    private const int OwnTasks = 2;
    private const int SubmittedTasks = 12;

    [SlurmFact]
    public async Task A_job_submitted_into_the_farm_outlives_the_launchers_manifest_and_the_next_allocation_finishes_it()
    {
        // The launcher's own tasks wait for a gate: the farm stays up while the test works with it.
        using var job = new FarmBatchJob("own").WithGatedTasks(OwnTasks);
        var gate = job.Gate;
        var port = FreePort.Next();
        job.Environment["ACTORFARM_PORT"] = port.ToString();
        var submittedExecutions = Directory.CreateDirectory(job.File("executions-submitted")).FullName;
        var manifest = job.File("submitted.hocon");
        await File.WriteAllTextAsync(manifest, $$"""
            jobs {
              submitted {
                command = ["/bin/sh", "-c", "mktemp \"$0/$1.XXXXXX\" > /dev/null; sleep 2", "{{submittedExecutions}}", "${index}"]
                sweep { i = { from = 1, to = {{SubmittedTasks}} } }
                output { directory = "out", capture = none }
              }
            }
            """);

        var first = await job.SubmitAsync("--nodes=1", "--exclusive");
        await job.WaitForOutputAsync(first, "the farm is up");
        var (submitExit, submitOutput, submitErrors) = await FarmPrograms.RunCliAsync(Path.GetDirectoryName(manifest)!, TimeSpan.FromMinutes(2),
            "submit", "--manifest", manifest, "--cluster", $"127.0.0.1:{port}", "--json");
        Assert.True(submitExit == 0, $"{submitOutput}\n{submitErrors}");
        var submittedId = Cluster.ClusterJobTests.JsonLines(submitOutput).Single().GetProperty("jobId").GetString()!;

        // The launcher's own job ends; it goes on following the submitted one, which still runs.
        await File.WriteAllTextAsync(gate, "");
        await job.WaitForOutputAsync(first, $"({submittedId}): resumed");
        await Waiting.UntilAsync(() => TestManifests.Executions(submittedExecutions).Values.Sum() >= 3, TimeSpan.FromMinutes(2));
        await ChildProcess.RunCheckedAsync("scancel", ["--batch", "--signal=TERM", first], TimeSpan.FromMinutes(1));
        var stopped = await job.WaitForEndAsync(first);
        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        Assert.Contains($"unfinished jobs (journaled, pending; the next allocation on this journal resumes them): {submittedId}", stopped.Output);
        Assert.Equal(OwnTasks, job.Results().Count);
        var runsAtStop = TestManifests.Executions(submittedExecutions);
        Assert.True(runsAtStop.Count < SubmittedTasks, $"the submitted job finished in the first allocation\n{stopped}");

        // The same manifest again: its job is done, the submitted one is finished here.
        var second = await job.RunAsync("--nodes=1", "--exclusive");
        Assert.True(second is { ExitCode: 0, State: "COMPLETED" }, $"{second}\nfirst allocation:\n{stopped}");
        var rows = ResultsFile.Read(job.File("out/submitted/results.jsonl"));
        Assert.Equal(Enumerable.Range(0, SubmittedTasks).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, r => Assert.True((r.Outcome(), r.Attempts()) == ("succeeded", 1), r.ToString()));
        // A scancel --batch lets running tasks finish: nothing ran twice.
        Assert.All(TestManifests.Executions(submittedExecutions), e => Assert.True(e.Value == 1, $"task {e.Key} ran {e.Value} times\n{second}"));
        Assert.Equal(OwnTasks, job.Executions().Values.Sum());
    }
}
