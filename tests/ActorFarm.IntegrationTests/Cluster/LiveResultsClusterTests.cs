using System.Text.Json;
using ActorFarm.Hosting;
using Xunit.Abstractions;

namespace ActorFarm.IntegrationTests.Cluster;

/// <summary>
/// A real cluster writes <c>results.jsonl</c> as results are journaled: the coordinator killed
/// with SIGKILL mid-job leaves rows for journaled results only, each task once; started again
/// on the same journal it finishes the file with every task exactly once. Combined capture
/// writes one log per worker node, and every row names the log that holds its task's block.
/// `actorfarm results` finds the job by its name through the farm.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class LiveResultsClusterTests(ITestOutputHelper output)
{
    private const int Tasks = 300;

    [Fact]
    public async Task A_killed_coordinator_leaves_journaled_rows_only_and_its_next_life_completes_the_file_with_each_task_once()
    {
        await using var cluster = await LocalCluster.StartAsync();
        string[] coordinatorArgs = ["--state-dir", cluster.Directory.File("state")];
        var coordinator = cluster.StartNode("c1", "coordinator", FreePort.Next(), args: coordinatorArgs);
        await LocalCluster.WaitUpAsync(coordinator);
        await cluster.StartNodesInTurnAsync("worker", ["w1", "w2"]);

        var manifest = cluster.Directory.File("live.hocon");
        File.WriteAllText(manifest, $$"""
            jobs {
              live {
                command = ["/bin/sh", "-c", "echo out ${index}; echo err ${index} >&2; sleep 0.1"]
                sweep { i = { from = 1, to = {{Tasks}} } }
                output { directory = "out", capture = combined }
              }
            }
            """);
        var results = cluster.Directory.File("out/live/results.jsonl");
        var client = cluster.StartClient("submit", "--manifest", manifest, "--wait", "--progress", "plain");
        await Waiting.UntilAsync(() => WholeRows(results).Count >= 60, TimeSpan.FromMinutes(2));

        await coordinator.KillHardAsync();
        var journaled = JournalPeek.RecordedIndices(SqliteJournal.DatabasePath(cluster.Directory.File("state")));
        var left = WholeRows(results).Select(Index).ToList();
        output.WriteLine($"killed the coordinator: {left.Count} rows in results.jsonl, {journaled.Count} results journaled");
        Assert.True(left.Count >= 60, $"{left.Count} rows");
        Assert.Equal(left.Count, left.Distinct().Count());
        Assert.Subset(journaled, left.ToHashSet());

        var restarted = cluster.StartNode("c1", "coordinator", FreePort.Next(), args: coordinatorArgs);
        await LocalCluster.WaitUpAsync(restarted);
        var exit = await client.WaitForExitAsync(TimeSpan.FromMinutes(4));
        Assert.True(exit == 0, $"submit exited {exit}\n{cluster.Logs()}");

        var rows = WholeRows(results);
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => (long)i), rows.Select(Index).Order());
        // Through the farm, the job named by its name: the same rows.
        var copy = cluster.Directory.File("copy.jsonl");
        var (copyExit, copyOutput) = await cluster.RunClientAsync(TimeSpan.FromMinutes(2), "results", "live", "-o", copy);
        Assert.True(copyExit == 0, copyOutput);
        Assert.Equal(rows.Select(Index).Order(), WholeRows(copy).Select(Index).Order());

        // One combined log per worker node; each row points at the one that holds its task's block.
        var logs = rows.Select(r => r.GetProperty("stdout").GetString()!).Distinct().Order().ToList();
        Assert.Equal([cluster.Directory.File("out/live/output.w1.log"), cluster.Directory.File("out/live/output.w2.log")],
            logs.Select(Path.GetFullPath));
        Assert.False(File.Exists(cluster.Directory.File("out/live/output.log")));
        var blocks = logs.ToDictionary(l => l, File.ReadAllText);
        Assert.All(rows, row => Assert.Contains($"==> task {Index(row)} attempt ", blocks[row.GetProperty("stdout").GetString()!]));
        Assert.All(rows, row => Assert.Equal(row.GetProperty("node").GetString(),
            Path.GetFileName(row.GetProperty("stdout").GetString()!)["output.".Length..^".log".Length]));
    }

    /// <summary>The file's whole lines (a last line a kill cut is not a row yet), parsed.</summary>
    private static List<JsonElement> WholeRows(string path)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var text = new StreamReader(stream).ReadToEnd();
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n').Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    private static long Index(JsonElement row) => row.GetProperty("index").GetInt64();
}
