namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// A results row names only output files that exist, whatever its outcome (succeeded, failed,
/// timed out, failed to start) and capture (files, combined, none), for process and handler
/// tasks alike, in every form a user reads: results.jsonl and results.csv as the run wrote them,
/// and <c>actorfarm results</c> exported from the journal. Checked on the real program's files.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class OutputPathsCliTests
{
    // Task 0 succeeds, 1 fails, 2 outlives the timeout; each writes to both streams first.
    private const string Script = "echo out ${i}; echo err ${i} >&2; case ${i} in 1) exit 3;; 2) sleep 30;; esac";

    [Fact]
    public async Task Every_output_path_a_results_row_names_exists()
    {
        using var dir = new TempDirectory("actorfarm-output-paths");
        var manifest = dir.File("outcomes.hocon");
        await File.WriteAllTextAsync(manifest, $$"""
            jobs {
              {{Job("files")}}
              {{Job("combined")}}
              {{Job("none")}}
              nostart-files { command = ["{{dir.File("no-such-program")}}"], sweep { i = [0, 1] }, output { directory = "out", capture = files } }
              nostart-combined { command = ["{{dir.File("no-such-program")}}"], sweep { i = [0, 1] }, output { directory = "out", capture = combined } }
              handler-files { handler = sleep, handler-args { seconds = "0" }, sweep { i = [0, 1] }, output { directory = "out", capture = files } }
            }
            """);
        var state = dir.File("state");

        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(3),
            "run", "--manifest", manifest, "--state-dir", state, "--slots", "2", "--csv", "--progress", "none");
        Assert.True(exit == 1, $"exit {exit}\n{stdout}\n{stderr}");

        string[] jobs = ["files", "combined", "none", "nostart-files", "nostart-combined", "handler-files"];
        var outcomes = new Dictionary<string, string>();
        foreach (var job in jobs)
        {
            var jobDirectory = Path.Combine(dir.Path, "out", job);
            var exported = dir.File($"{job}-exported.jsonl");
            var exportedCsv = dir.File($"{job}-exported.csv");
            var (jsonExit, jsonOut, jsonErr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(1), "results", job, "--state-dir", state, "-o", exported);
            Assert.True(jsonExit == 0, $"exit {jsonExit}\n{jsonOut}\n{jsonErr}");
            var (csvExit, csvOut, csvErr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(1), "results", job, "--state-dir", state, "--csv", "-o", exportedCsv);
            Assert.True(csvExit == 0, $"exit {csvExit}\n{csvOut}\n{csvErr}");

            foreach (var path in new[] { Path.Combine(jobDirectory, "results.jsonl"), exported })
                foreach (var row in ResultsFile.Read(path))
                {
                    outcomes[$"{job}/{row.Index()}"] = row.Outcome();
                    foreach (var stream in new[] { "stdout", "stderr" })
                        if (row.TryGetProperty(stream, out var named))
                            Assert.True(File.Exists(named.GetString()), $"{path}: task {row.Index()} ({row.Outcome()}) names {stream} {named}, which does not exist");
                }
            foreach (var path in new[] { Path.Combine(jobDirectory, "results.csv"), exportedCsv })
            {
                var lines = File.ReadAllLines(path);
                var header = lines[0].Split(',');
                int stdoutColumn = Array.IndexOf(header, "stdout"), stderrColumn = Array.IndexOf(header, "stderr");
                Assert.Equal(job.StartsWith("nostart") || job.StartsWith("handler") ? 2 : 3, lines.Length - 1);
                // No cell before stdout and stderr holds a comma (index, parameter, outcome, … times): a split finds them.
                foreach (var cells in lines.Skip(1).Select(l => l.Split(',')))
                    foreach (var column in new[] { stdoutColumn, stderrColumn })
                        Assert.True(cells[column].Length == 0 || File.Exists(cells[column]), $"{path}: a row names {cells[column]}, which does not exist");
            }
        }

        // The outcomes meant, and which rows name output at all.
        Assert.Equal(["succeeded", "failed", "timed_out"], new[] { 0, 1, 2 }.Select(i => outcomes[$"files/{i}"]));
        Assert.Equal(["succeeded", "failed", "timed_out"], new[] { 0, 1, 2 }.Select(i => outcomes[$"combined/{i}"]));
        Assert.Equal(["failed_to_start", "failed_to_start"], new[] { 0, 1 }.Select(i => outcomes[$"nostart-files/{i}"]));
        Assert.Equal(["succeeded", "succeeded"], new[] { 0, 1 }.Select(i => outcomes[$"handler-files/{i}"]));
        var files = ResultsFile.Read(Path.Combine(dir.Path, "out", "files", "results.jsonl"));
        Assert.All(files, r => Assert.True(r.TryGetProperty("stdout", out _) && r.TryGetProperty("stderr", out _)));
        var combined = ResultsFile.Read(Path.Combine(dir.Path, "out", "combined", "results.jsonl"));
        Assert.All(combined, r => Assert.True(r.TryGetProperty("stdout", out _)));
        foreach (var job in new[] { "none", "nostart-files", "nostart-combined", "handler-files" })
            Assert.All(ResultsFile.Read(Path.Combine(dir.Path, "out", job, "results.jsonl")),
                r => Assert.False(r.TryGetProperty("stdout", out _) || r.TryGetProperty("stderr", out _), $"{job}: {r}"));
    }

    private static string Job(string capture) => $$"""
        {{capture}} {
          command = ["/bin/sh", "-c", "{{Script}}"]
          sweep { i = [0, 1, 2] }
          timeout = 2s
          output { directory = "out", capture = {{capture}} }
        }
        """;
}
