using System.Text.Json;
using ActorFarm.Hosting;

namespace ActorFarm.IntegrationTests.Embedding;

/// <summary>
/// examples/embedding, run as its users run it: the service process with the farm in its own actor
/// system, then the same service, switched to a client, against a separate cluster whose
/// <c>actorfarm node</c> processes load the example's handler assembly with <c>--handlers</c>.
/// </summary>
public class ExampleServiceTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);
    private const int Tasks = 12;
    private const int Samples = 50_000;

    [Fact]
    public async Task The_example_service_runs_its_study_on_the_farm_in_its_own_actor_system_and_reads_every_payload_once()
    {
        using var work = new TempDirectory("actorfarm-example");
        var output = work.File("out");

        var (exit, summary, logs) = await RunServiceAsync(work.Path,
            "--Farm:Mode=embedded", $"--Farm:StateDirectory={work.File("state")}", "--Farm:Slots=2",
            $"--Study:OutputDirectory={output}", $"--Study:Tasks={Tasks}", $"--Study:Samples={Samples}");

        Assert.True(exit == 0, $"the service exited {exit}:\n{logs}");
        AssertStudy(summary, ["pi-service"]);
        // Its remoting is mutual TLS with the access file it created (WithFarmAccess): no INSECURE warning.
        Assert.DoesNotContain("INSECURE", logs);
        Assert.True(File.Exists(Path.Combine(work.File("state"), "access.pem")));
        // The results file the farm wrote holds each task once, with the handler's payload and message.
        var rows = ResultsFile.Read(Path.Combine(output, "pi-study", "results.jsonl"));
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, row =>
        {
            Assert.Equal("succeeded", row.Outcome());
            Assert.Equal(Samples, row.GetProperty("payload").GetProperty("samples").GetInt64());
            Assert.StartsWith("pi ≈ ", row.GetProperty("message").GetString());
            Assert.False(row.TryGetProperty("error", out _));
        });
        // Stopped through coordinated shutdown with nothing half-done: the journal has every task once.
        var journaled = JournalPeek.RecordedOutcomes(SqliteJournal.DatabasePath(work.File("state")));
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => (long)i), journaled.Select(j => j.Index).Order());
    }

    [Fact]
    public async Task The_same_service_as_a_client_runs_its_study_on_a_cluster_whose_nodes_load_the_handler_assembly()
    {
        await using var cluster = await LocalCluster.StartAsync();
        var handlers = ExampleHandlers.AssemblyPath;
        // A coordinator that also runs tasks, and a worker: both load the handler assembly.
        await cluster.StartNodesInTurnAsync("coordinator,worker", ["n1"], 1, "--state-dir", cluster.Directory.File("state"), "--handlers", handlers);
        await cluster.StartNodesInTurnAsync("worker", ["n2"], 1, "--handlers", handlers);
        var output = cluster.Directory.File("out");

        var (exit, summary, logs) = await RunServiceAsync(cluster.Directory.Path,
            "--Farm:Mode=client", $"--Farm:Contacts={cluster.Seed}", $"--Farm:AccessFile={cluster.AccessFile}",
            $"--Study:OutputDirectory={output}", $"--Study:Tasks={Tasks}", $"--Study:Samples={Samples}");

        Assert.True(exit == 0, $"the service exited {exit}:\n{logs}\n{cluster.Logs()}");
        var ran = AssertStudy(summary, null);
        Assert.All(ran, node => Assert.Contains(node, new[] { "n1", "n2" }));
    }

    /// <summary>Checks the summary line and returns the nodes that ran the tasks.</summary>
    private static string[] AssertStudy(JsonElement summary, string[]? expectedNodes)
    {
        Assert.Equal(Tasks, summary.GetProperty("tasks").GetInt32());
        Assert.Equal(Tasks, summary.GetProperty("succeeded").GetInt32());
        Assert.Equal((long)Tasks * Samples, summary.GetProperty("samples").GetInt64());
        // 600,000 points: the estimate's standard error is ~0.002, so 0.05 is far beyond chance.
        Assert.InRange(summary.GetProperty("pi").GetDouble(), Math.PI - 0.05, Math.PI + 0.05);
        var nodes = summary.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()!).ToArray();
        if (expectedNodes is not null) Assert.Equal(expectedNodes, nodes);
        return nodes;
    }

    private static async Task<(int Exit, JsonElement Summary, string Logs)> RunServiceAsync(string workingDirectory, params string[] args)
    {
        await using var service = ChildProcess.StartDotnet(ExampleService.AssemblyPath, args, workingDirectory, label: "pi-service");
        var exit = await service.WaitForExitAsync(RunTimeout);
        var lines = service.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // stdout is the summary line only; everything else went to stderr.
        Assert.True(lines.Length == 1, $"stdout should be one JSON line:\n{service.Output}");
        return (exit, JsonDocument.Parse(lines[0]).RootElement.Clone(), service.Output);
    }
}
