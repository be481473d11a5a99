using System.Diagnostics;
using Xunit.Abstractions;

namespace ActorFarm.IntegrationTests.Faults;

/// <summary>
/// The cluster's PostgreSQL journal stops for 10 s in the middle of a job (maintenance, a
/// restart, a fail-over of the database): the job pauses (no new task starts while nothing can be
/// journaled), the coordinator says so in one line, and tasks run again within seconds of the
/// database's return; in the end every task ran once and has one result.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class PostgresOutageTests(PostgresServer postgres, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private const int Tasks = 200;

    [PostgresFact]
    public async Task A_stopped_database_pauses_dispatch_and_the_job_goes_on_when_it_returns()
    {
        var journal = await postgres.CreateDatabaseAsync();
        await using var cluster = await LocalCluster.StartAsync();
        var coordinator = (await cluster.StartNodesInTurnAsync("coordinator", ["c1"], args: ["--postgres", journal]))[0];
        await cluster.StartNodesInTurnAsync("worker", ["w1"]);

        var manifest = TestManifests.CountedRuns(cluster.Directory, "outage", Tasks, 0.1, out var executions);
        var client = cluster.StartClient("submit", "--manifest", manifest, "--wait", "--progress", "plain");
        await Waiting.UntilAsync(() => TestManifests.Executions(executions).Values.Sum() >= 30, TimeSpan.FromMinutes(2));

        await postgres.StopAsync();
        var stopped = Stopwatch.StartNew();
        await coordinator.WaitForLineAsync("paused", TimeSpan.FromSeconds(30));
        // What was running when the journal went away finishes; then nothing new starts.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var runsWhilePaused = TestManifests.Executions(executions).Values.Sum();
        await Task.Delay(TimeSpan.FromSeconds(10) - stopped.Elapsed);
        Assert.Equal(runsWhilePaused, TestManifests.Executions(executions).Values.Sum());

        await postgres.StartAgainAsync();
        var back = Stopwatch.StartNew();
        await Waiting.UntilAsync(() => TestManifests.Executions(executions).Values.Sum() > runsWhilePaused, TimeSpan.FromSeconds(30));
        var resumedAfter = back.Elapsed;
        output.WriteLine($"database back → first new task: {resumedAfter.TotalSeconds:0.0} s");
        await File.AppendAllTextAsync(Path.Combine(AppContext.BaseDirectory, "postgres-outage-resume.txt"),
            $"{DateTime.UtcNow:O} database back → first new task {resumedAfter.TotalSeconds:0.00} s\n");

        var exit = await client.WaitForExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"submit exited {exit}\n{cluster.Logs()}");
        RerunCheck.AssertEveryTaskOnce(cluster.Directory.File("out/outage/results.jsonl"), executions, Tasks);
        Assert.Equal(Tasks, TestManifests.Executions(executions).Values.Sum());

        // One line says the job paused and why, one that it resumed; no stack traces.
        var lines = coordinator.Output.Split('\n');
        Assert.Single(lines, l => l.Contains("paused") && l.Contains("journal: ") && l.Contains(" at postgres://"));
        Assert.Single(lines, l => l.Contains("writable again"));
        Assert.DoesNotContain(lines, l => l.StartsWith("   at ", StringComparison.Ordinal));
    }
}
