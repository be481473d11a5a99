namespace ActorFarm.IntegrationTests.Cluster;

/// <summary>
/// The console of a successful run on a real local cluster (a Lighthouse, a coordinator node, a
/// worker node, <c>submit --wait</c>), read as a user reads it with its output piped (a log, CI, a
/// SLURM output file): every job id and results path whole on one line, and no stack trace
/// anywhere, from the submission to the nodes' graceful stop. An unknown job id is one line and
/// exit 2 for every client command. (<c>actorfarm run</c>'s side: <c>CliStreamsTests</c>.)
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class ConsoleOutputClusterTests
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_successful_cluster_run_prints_whole_ids_and_paths_and_no_stack_trace_and_an_unknown_job_is_one_line()
    {
        await using var cluster = await LocalCluster.StartAsync();
        var coordinator = cluster.StartNode("c1", "coordinator", args: ["--state-dir", cluster.Directory.File("state")]);
        await LocalCluster.WaitUpAsync(coordinator);
        var worker = cluster.StartNode("w1", "worker", slots: 2);
        await LocalCluster.WaitUpAsync(worker);

        // Long enough that an 80-column table would have to wrap both.
        string[] names = ["a-job-name-of-forty-characters-for-table", "another-job-name-forty-characters-long-2"];
        var output = Path.Combine("a-rather-long-output-directory-name-for-results", "and-a-second-level-that-is-long-as-well");
        var manifest = cluster.Directory.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, $$"""
            jobs {
              {{names[0]}} { command = ["/bin/sh", "-c", "echo ${i}"], sweep { i = { from = 1, to = 20 } }, output { directory = "{{output}}" } }
              {{names[1]}} { handler = sleep, handler-args { seconds = "0.05" }, sweep { i = [1, 2, 3] }, output { directory = "{{output}}" } }
            }
            """);
        var (validateExit, validateOutput, validateErrors) = await FarmPrograms.RunCliAsync(cluster.Directory.Path, ClientTimeout,
            "validate", "--manifest", manifest, "--json");
        Assert.True(validateExit == 0, validateOutput + validateErrors);
        var ids = OutputStreams.AssertJsonLines(validateOutput, validateErrors)[^1].GetProperty("jobs")
            .EnumerateArray().ToDictionary(j => j.GetProperty("name").GetString()!, j => j.GetProperty("id").GetString()!);

        var submit = cluster.StartClient("submit", "--manifest", manifest, "--wait");
        var exit = await submit.WaitForExitAsync(ClientTimeout);
        Assert.True(exit == 0, $"submit exited {exit}\n{cluster.Logs()}");
        var lines = OutputStreams.Lines(submit.Stdout).ToList();
        foreach (var name in names)
        {
            var results = Path.Combine(cluster.Directory.Path, output, name, "results.jsonl");
            Assert.True(File.Exists(results), results);
            Assert.True(lines.Any(l => l.Contains(ids[name], StringComparison.Ordinal) && l.Contains(results, StringComparison.Ordinal)),
                $"no line holds both {ids[name]} and {results}\n{submit.Output}");
        }

        // An unknown id: the one line and exit 2, for every command about one job.
        string[][] unknown =
        [
            ["status", "nobody-12345678"], ["status", "nobody-12345678", "--wait"], ["cancel", "nobody-12345678"],
            ["results", "nobody-12345678"], ["rerun", "nobody-12345678", "--failed"],
        ];
        foreach (var args in unknown)
        {
            var (code, said) = await cluster.RunClientAsync(ClientTimeout, args);
            Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}\n{said}");
            Assert.Equal("actorfarm: no job 'nobody-12345678' is known to this farm (`actorfarm status` lists its jobs)", said.Trim());
        }

        // The nodes stop gracefully, the worker first; then nothing anywhere showed a trace.
        Assert.Equal(0, await worker.TerminateAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, await coordinator.TerminateAsync(TimeSpan.FromMinutes(1)));
        foreach (var process in cluster.Processes)
            Assert.False(OutputStreams.StackFrames(process.Output).Any() || process.Output.Contains("Exception:", StringComparison.Ordinal),
                $"{process.Label} printed a stack trace:\n{process.Output}");
    }
}
