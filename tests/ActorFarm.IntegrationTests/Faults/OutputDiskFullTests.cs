
namespace ActorFarm.IntegrationTests.Faults;

/// <summary>
/// The disk that holds a job's output is full: the results file cannot be written. The run used
/// to exit 0 saying "8 succeeded" with no results file and nothing on stderr; now it exits 3 with
/// one line naming the file, and everything stays journaled (the results can be written again
/// from the journal with `actorfarm results` once there is room).
/// </summary>
[Collection(ProcessHeavyCollection.Name)]
public class OutputDiskFullTests
{
    [RootFact]
    public async Task A_results_file_that_cannot_be_written_is_exit_3_naming_its_path()
    {
        using var dir = new TempDirectory("actorfarm-output-full");
        using var disk = new SmallDisk("1m");
        var manifest = dir.File("jobs.hocon");
        await File.WriteAllTextAsync(manifest, $$"""
            jobs {
              full {
                command = ["/bin/true"]
                sweep { i = { from = 1, to = 8 } }
                output { directory = "{{disk.Path}}", capture = none }
              }
            }
            """);
        disk.Fill();

        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(2),
            "run", "--manifest", manifest, "--state-dir", dir.File("state"), "--progress", "none");
        Assert.True(exit == 3, $"exit {exit}\n{stdout}\n{stderr}");
        var results = Path.Combine(disk.Path, "full", "results.jsonl");
        Assert.Contains(stderr.Split('\n'), l => l.Contains(results) && l.StartsWith("actorfarm: ", StringComparison.Ordinal));
        Assert.DoesNotContain(stderr.Split('\n'), l => l.StartsWith("   at ", StringComparison.Ordinal));
        // Every result is journaled all the same.
        Assert.Equal(8, JournalPeek.RecordedIndices(ActorFarm.Hosting.SqliteJournal.DatabasePath(dir.File("state"))).Count);
    }

    [RootFact]
    public async Task A_state_disk_full_at_start_is_exit_3_in_one_line_and_nothing_runs()
    {
        using var dir = new TempDirectory("actorfarm-state-full-at-start");
        using var disk = new SmallDisk("1m");
        var manifest = TestManifests.CountedRuns(dir, "never", 5, 0, out var executions);
        disk.Fill();

        var (exit, stdout, stderr) = await FarmPrograms.RunCliAsync(dir.Path, TimeSpan.FromMinutes(2),
            "run", "--manifest", manifest, "--state-dir", disk.Path, "--progress", "none");
        Assert.True(exit == 3, $"exit {exit}\n{stdout}\n{stderr}");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        // Said by the journal check ("disk full at …/journal.db") or, when even the state
        // directory's lock file cannot be written, by the file system ("No space left on device").
        Assert.True(lines[0].Contains("disk full") || lines[0].Contains("No space left on device"), lines[0]);
        Assert.Contains(disk.Path, lines[0]);
        Assert.Empty(Directory.GetFiles(executions));
    }
}
