
namespace ActorFarm.IntegrationTests.Cluster;

/// <summary>
/// A file-lines sweep on a real cluster: the job spec carries only the file's path and line
/// count, and each worker node indexes the (shared) file itself to render its tasks; the
/// coordinator does the same to write the results' parameters. With <c>output.directory =
/// "out/${job}"</c> the results file and every task's output land in one directory.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class FileLinesClusterTests
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Worker_nodes_render_file_lines_and_write_output_where_the_results_point()
    {
        await using var cluster = await LocalCluster.StartAsync();
        var coordinator = cluster.StartNode("c1", "coordinator", args: ["--state-dir", cluster.Directory.File("state")]);
        await LocalCluster.WaitUpAsync(coordinator);
        var workers = new[] { cluster.StartNode("w1", "worker", slots: 2), cluster.StartNode("w2", "worker", slots: 2) };
        await LocalCluster.WaitUpAsync(workers);

        // Long enough lines that the index has many checkpoints; blank lines in between are skipped.
        var lines = Enumerable.Range(0, 200).Select(i => $"line {i} " + new string((char)('a' + i % 26), 300)).ToArray();
        await File.WriteAllTextAsync(cluster.Directory.File("inputs.txt"), string.Join("\n\n", lines) + "\n");
        var manifest = cluster.Directory.File("lines.hocon");
        await File.WriteAllTextAsync(manifest, """
            jobs {
              lines {
                command = ["/bin/echo", "${line}"]
                sweep { line = { file = "inputs.txt" } }
                output { directory = "out/${job}", capture = files }
              }
            }
            """);

        var (exit, submitOutput) = await cluster.RunClientAsync(ClientTimeout, "submit", "--manifest", manifest, "--wait", "--json");
        Assert.True(exit == 0, $"submit exited {exit}\n{submitOutput}\n{cluster.Logs()}");

        var jobDirectory = cluster.Directory.File(Path.Combine("out", "lines", "lines"));
        var rows = ResultsFile.Read(Path.Combine(jobDirectory, "results.jsonl"));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        foreach (var row in rows)
        {
            var line = lines[row.Index()];
            Assert.Equal("succeeded", row.Outcome());
            Assert.Equal(line, row.Parameter("line"));
            var stdout = row.GetProperty("stdout").GetString()!;
            Assert.Equal(Path.Combine(jobDirectory, "tasks", $"{row.Index()}.out"), stdout);
            Assert.Equal(line + "\n", await File.ReadAllTextAsync(stdout));
        }
        Assert.Equal(["w1", "w2"], rows.Select(r => r.GetProperty("node").GetString()).Distinct().Order());
    }
}
