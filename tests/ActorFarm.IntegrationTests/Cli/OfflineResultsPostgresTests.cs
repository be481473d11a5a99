using System.Text.Json;
using ActorFarm.Protocol;

namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// `actorfarm results --postgres` (and ACTORFARM_POSTGRES) on the real program: a job journaled in
/// PostgreSQL by a farm that has stopped is listed and its results written, with no farm running.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class OfflineResultsPostgresTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [PostgresFact]
    public async Task Results_are_written_from_a_postgres_journal_without_a_farm()
    {
        using var dir = new TempDirectory("actorfarm-offline-pg");
        var database = await postgres.CreateDatabaseAsync();
        var spec = Specs.Handler("pg", "noop", 20, dir.File("out"));
        await using (var farm = await TestFarm.StartAsync(configure: o => o with { PostgresConnectionString = database }))
            Assert.Equal(JobPhase.Finished, (await farm.RunAsync(spec)).Phase);
        var results = Path.Combine(dir.File("out"), "pg", "results.jsonl");
        File.Delete(results);

        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(2), "results", "--postgres", database, "--json");
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        var listed = JsonDocument.Parse(stdout).RootElement.GetProperty("jobs").EnumerateArray().Single();
        Assert.Equal(JobIds.For(spec), listed.GetProperty("jobId").GetString());

        (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(2), "results", "pg", "--postgres", database);
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), ResultsFile.Read(results).Select(r => r.Index()).Order());
    }
}
