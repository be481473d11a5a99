using System.Text.Json;
using ActorFarm.Hosting;

namespace ActorFarm.IntegrationTests.Cli;

/// <summary>
/// `actorfarm results --state-dir` on the real program, with no farm: it lists the journal's jobs,
/// writes a job's results (named by id or by name) from the journal, one row per task and its
/// latest result after a rerun (every result with --history), takes no lock (it works while
/// another process holds the state directory), and exits 2 where there is no journal or job.
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class OfflineResultsCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Results_are_written_from_a_state_directory_without_a_farm_and_without_its_lock()
    {
        const int tasks = 6;
        using var dir = new TempDirectory("actorfarm-offline-results");
        var state = dir.File("state");
        var marker = dir.File("failing");
        File.WriteAllText(marker, "odd tasks fail while this file exists");
        var manifest = dir.File("flaky.hocon");
        File.WriteAllText(manifest, $$"""
            jobs {
              flaky {
                command = ["/bin/sh", "-c", "if [ -e \"$0\" ] && [ $((${index} % 2)) -eq 1 ]; then exit 3; fi", "{{marker}}"]
                sweep { i = { from = 1, to = {{tasks}} } }
                output { directory = "out", capture = none }
              }
            }
            """);
        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Timeout, "run", "-m", manifest, "--state-dir", state, "--json");
        Assert.True(exit == 1, $"exit {exit}\n{stdout}\n{stderr}");
        var jobId = Events(stdout).First(e => e.GetProperty("event").GetString() == "submitted").GetProperty("jobId").GetString()!;
        File.Delete(marker);
        (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Timeout, "rerun", jobId, "--failed", "--state-dir", state, "--json");
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        var results = dir.File("out/flaky/results.jsonl");
        File.Delete(results);

        // Another process holds the state directory (as a running farm does): reading needs no lock.
        using (StateDirectoryLock.Acquire(state))
        {
            (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Timeout, "results", "--state-dir", state, "--json");
            Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
            var job = Events(stdout).Single().GetProperty("jobs").EnumerateArray().Single();
            Assert.Equal((jobId, "flaky", "finished"),
                (job.GetProperty("jobId").GetString(), job.GetProperty("name").GetString(), job.GetProperty("phase").GetString()));

            // By name: one row per task, its latest result (the rerun's successes, not the failures before).
            (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Timeout, "results", "flaky", "--state-dir", state, "--json");
            Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
            Assert.Equal(results, Events(stdout).Single().GetProperty("path").GetString());
            var rows = ResultsFile.Read(results);
            Assert.Equal(Enumerable.Range(0, tasks).Select(i => (long)i), rows.Select(r => r.Index()).Order());
            Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));

            // By id, with --history, as CSV where asked: the odd tasks twice (failed, then succeeded).
            var csv = dir.File("history.csv");
            (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Timeout,
                "results", "--job", jobId, "--state-dir", state, "--history", "--csv", "-o", csv);
            Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
            Assert.Equal(1 + tasks + tasks / 2, File.ReadLines(csv).Count());
        }

        (exit, _, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Timeout, "results", "nope", "--state-dir", state);
        Assert.Equal(2, exit);
        Assert.Contains("no job 'nope'", stderr);
        Directory.CreateDirectory(dir.File("empty"));
        (exit, _, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Timeout, "results", "flaky", "--state-dir", dir.File("empty"));
        Assert.Equal(2, exit);
        Assert.Contains("holds no journal", stderr);
        (exit, _, stderr) = await FarmPrograms.RunCliAsync(dir.Path, Timeout, "results", "flaky", "--state-dir", state, "--cluster", "127.0.0.1:1");
        Assert.Equal(2, exit);
    }

    private static IEnumerable<JsonElement> Events(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone());
}
