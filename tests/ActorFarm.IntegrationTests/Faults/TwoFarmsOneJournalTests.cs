using Xunit.Abstractions;

namespace ActorFarm.IntegrationTests.Faults;

/// <summary>
/// Two farms on one PostgreSQL journal (two SLURM allocations of the same manifest, a second
/// cluster pointed at the same database): the second farm's coordinator is refused at once,
/// naming the farm that owns the journal, so no job runs in both; once the first farm is gone
/// (killed with kill -9), the second takes the journal over with every job in it, and nothing
/// runs twice.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class TwoFarmsOneJournalTests(PostgresServer postgres, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private const int Tasks = 40;

    [PostgresFact]
    public async Task The_journal_serves_one_farm_at_a_time_and_no_task_runs_twice()
    {
        var journal = await postgres.CreateDatabaseAsync();
        await using var first = await LocalCluster.StartAsync();
        await first.StartNodesInTurnAsync("coordinator", ["a-c1"], args: ["--postgres", journal]);
        await first.StartNodesInTurnAsync("worker", ["a-w1"]);
        await using var second = await LocalCluster.StartAsync();

        // The second farm's coordinator is refused before it joins anything.
        var refused = second.StartNode("b-c1", "coordinator", args: ["--postgres", journal]);
        var refusedExit = await refused.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(refusedExit == 3, $"exit {refusedExit}\n{refused.Tail()}");
        Assert.Contains("in use by another farm", refused.Stderr);
        Assert.Contains(first.Seed, refused.Stderr);

        var manifest = TestManifests.CountedRuns(first.Directory, "shared", Tasks, 0.05, out var executions);
        var (exit, log) = await first.RunClientAsync(TimeSpan.FromMinutes(3), "submit", "--manifest", manifest, "--wait", "--progress", "plain");
        Assert.True(exit == 0, $"exit {exit}\n{log}\n{first.Logs()}");
        Assert.Equal(Tasks, TestManifests.Executions(executions).Count);

        // The first farm dies whole; the second takes the journal over and knows the job as done.
        foreach (var process in first.Processes.Where(p => !p.HasExited)) await process.KillHardAsync();
        var takeover = second.StartNode("b-c2", "coordinator", args: ["--postgres", journal]);
        await LocalCluster.WaitUpAsync(takeover);
        await second.StartNodesInTurnAsync("worker", ["b-w1"]);
        var (again, againLog) = await second.RunClientAsync(TimeSpan.FromMinutes(3), "submit", "--manifest", manifest, "--wait", "--progress", "plain");
        output.WriteLine(againLog);
        Assert.True(again == 0, $"exit {again}\n{againLog}\n{second.Logs()}");

        var runs = TestManifests.Executions(executions);
        Assert.Equal(Tasks, runs.Count);
        Assert.True(runs.Values.All(n => n == 1), $"tasks run more than once: {string.Join(", ", runs.Where(r => r.Value > 1).Select(r => r.Key))}");
    }
}
